"""A committed state of the test database kept as a PostgreSQL template database, put back in a
few seconds instead of being rebuilt (``seed_demo`` takes minutes).

A test that uses the live server is a transactional one: its data must be committed for the
server's thread to see it, and the database is flushed after it. ``snapshot_take`` copies the
test database, as it is, into ``<test database>_<label>`` (``CREATE DATABASE ... TEMPLATE``);
``snapshot_restore`` drops the test database and creates it again from that copy, so the next
test starts from exactly the committed state the first one built, whatever the previous test
changed. Both run as the owner role (the one that created the test database), from the server's
``postgres`` database; PostgreSQL refuses to copy or drop a database anyone is connected to, so
this process's connections are closed first, the live server's (closed after each request) are
waited for (then a runtime-role session some finished thread left open is ended), and a statement
refused while an autovacuum worker is stopping is tried again.
"""

from __future__ import annotations

import threading
import time
import weakref
from dataclasses import dataclass
from typing import Any

import psycopg
from django.contrib.contenttypes.models import ContentType
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from psycopg import sql

IDLE_TIMEOUT_SECONDS = 15.0

# Django keeps a connection per thread *and* per context (asgiref's Local): Playwright's sync API
# runs the tests in a context of their own, so ``connections.close_all()`` there cannot see the
# connection the session opened before the browser started. Every connection this process opens
# is remembered (weakly) so that all of this thread's idle ones can be closed.
_opened: weakref.WeakSet[BaseDatabaseWrapper] = weakref.WeakSet()


def _remember(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    _opened.add(connection)


connection_created.connect(_remember, dispatch_uid="tests_db_snapshot_remember")


def _close_this_threads_connections() -> None:
    connections.close_all()
    for wrapper in list(_opened):
        idle = wrapper.connection is not None and not wrapper.in_atomic_block
        if idle and wrapper._thread_ident == threading.get_ident():
            wrapper.close()


@dataclass(frozen=True)
class DatabaseSnapshot:
    alias: str
    database: str  # the test database
    template: str  # its copy


def _maintenance_connection(alias: str) -> psycopg.Connection:
    """The owner role (or the connection's own role without a separate owner) on ``postgres``."""
    db = connections[alias].settings_dict
    owner = db.get("OWNER_USER") or None
    return psycopg.connect(
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
        user=owner or db.get("USER") or None,
        password=(db.get("OWNER_PASSWORD") if owner else db.get("PASSWORD")) or None,
        dbname="postgres",
        autocommit=True,
    )


def _wait_until_unused(conn: psycopg.Connection, database: str) -> None:
    """Close this thread's connections and wait for the other sessions on ``database`` to end."""
    _close_this_threads_connections()
    deadline = time.monotonic() + IDLE_TIMEOUT_SECONDS
    while True:
        # Not autovacuum workers: PostgreSQL stops them itself for CREATE/DROP DATABASE. (The
        # backend type of another role's session reads NULL to the owner, so it is kept then.)
        others = conn.execute(
            "SELECT pid, usename, backend_start FROM pg_stat_activity WHERE datname = %s"
            " AND backend_type IS DISTINCT FROM 'autovacuum worker' AND pid <> pg_backend_pid()",
            [database],
        ).fetchall()
        if not others:
            return
        if time.monotonic() > deadline:
            if _end_leftover_sessions(database):
                deadline = time.monotonic() + IDLE_TIMEOUT_SECONDS
                continue
            raise RuntimeError(f"sessions still use {database} after {IDLE_TIMEOUT_SECONDS:.0f} s: {others}")
        time.sleep(0.1)


def _end_leftover_sessions(database: str) -> int:
    """Connections of the runtime role left open by threads that are gone (a test thread that
    never closed its connection): the role may end its own sessions. Returns how many ended."""
    db = connections["default"].settings_dict
    with psycopg.connect(
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        ended = conn.execute(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = %s AND usename = current_user AND pid <> pg_backend_pid()",
            [database],
        ).fetchone()[0]
    return ended


def _copy(conn: psycopg.Connection, *, source: str, target: str) -> None:
    """``target`` becomes a copy of ``source``. An autovacuum worker (busy after a big seed) also
    counts as a user of a database; PostgreSQL asks it to stop, so the statement is tried again."""
    deadline = time.monotonic() + IDLE_TIMEOUT_SECONDS
    while True:
        try:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(target)))
            conn.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(target), sql.Identifier(source))
            )
            return
        except psycopg.errors.ObjectInUse:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def snapshot_take(*, label: str, alias: str = "default") -> DatabaseSnapshot:
    """Copy the test database as it is now (commit what it must hold first)."""
    database = connections[alias].settings_dict["NAME"]
    snapshot = DatabaseSnapshot(alias=alias, database=database, template=f"{database}_{label}")
    with _maintenance_connection(alias) as conn:
        _wait_until_unused(conn, database)
        _copy(conn, source=database, target=snapshot.template)
    return snapshot


def snapshot_restore(snapshot: DatabaseSnapshot) -> None:
    """Put the test database back to the snapshot; in-process caches of row ids are cleared."""
    with _maintenance_connection(snapshot.alias) as conn:
        _wait_until_unused(conn, snapshot.database)
        _copy(conn, source=snapshot.template, target=snapshot.database)
    ContentType.objects.clear_cache()  # a flush and post_migrate since may have renumbered them


def snapshot_drop(snapshot: DatabaseSnapshot) -> None:
    with _maintenance_connection(snapshot.alias) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(snapshot.template)))
