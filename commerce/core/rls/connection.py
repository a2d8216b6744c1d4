"""Writing the RLS context into every transaction, on every connection.

An execute wrapper on each connection sees every statement Django sends. When a statement is the
first of a transaction and a context is current, the wrapper first runs one
``SELECT set_config(..., true), ...`` so the settings last exactly as long as that transaction. A
statement sent in autocommit mode (outside ``atomic``) becomes a transaction of its own for the
purpose. Nothing is ever set for the session, so a pooled or reused connection starts each
transaction with no context: the policies then show no rows.
"""

from __future__ import annotations

from typing import Any

from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from psycopg.pq import TransactionStatus

from .context import EMPTY_SETTINGS, SETTING_NAMES, RlsContext, current_context

SET_CONTEXT_SQL = "SELECT " + ", ".join(f"set_config('{name}', %s, true)" for name in SETTING_NAMES)


def write_settings(raw_connection: Any, context: RlsContext | None) -> None:
    """Set (or clear) the context for the transaction ``raw_connection`` is in or about to open."""
    raw_connection.execute(SET_CONTEXT_SQL, EMPTY_SETTINGS if context is None else context.settings())


def rls_execute_wrapper(execute, sql, params, many, context):
    connection: BaseDatabaseWrapper = context["connection"]
    raw = connection.connection
    rls = current_context()
    if rls is not None and raw is not None and raw.info.transaction_status == TransactionStatus.IDLE:
        if connection.get_autocommit():
            with transaction.atomic(using=connection.alias):
                return rls_execute_wrapper(execute, sql, params, many, context)
        write_settings(raw, rls)
    return execute(sql, params, many, context)


def install(sender: Any = None, connection: BaseDatabaseWrapper | None = None, **kwargs: Any) -> None:
    """``connection_created`` receiver: wrap the new connection's statements."""
    wanted = connection is not None and connection.vendor == "postgresql"
    if wanted and rls_execute_wrapper not in connection.execute_wrappers:
        connection.execute_wrappers.append(rls_execute_wrapper)


def apply_to_open_transactions(context: RlsContext | None) -> None:
    """The context changed: rewrite it into transactions this thread has open right now."""
    for connection in connections.all(initialized_only=True):
        raw = connection.connection
        if raw is not None and raw.info.transaction_status == TransactionStatus.INTRANS:
            write_settings(raw, context)
