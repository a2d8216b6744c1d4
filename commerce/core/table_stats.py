"""Fresh planner statistics after a bulk load, for a runtime role that owns no table.

PostgreSQL plans from ``pg_class.reltuples``/``relpages`` and ``pg_statistic``. After a bulk
``INSERT ... SELECT`` those still describe the table as it was: an emptied table that VACUUM saw
holds ``reltuples = 0`` over hundreds of pages, which the planner reads as a density of zero rows
per page, so it plans nested loops over "one row" that really is thousands (and runs into the
reports' statement timeout). Autovacuum's ANALYZE comes later, and never sees rows that are not
committed yet (a load inside a longer transaction, as in the demo's tests).

Only a table's owner may ANALYZE it (before PostgreSQL 17's MAINTAIN privilege, which would also
let the runtime role LOCK, CLUSTER and REINDEX). So ``magpie_analyze(regclass[])`` is a
``SECURITY DEFINER`` function owned by the owner role that runs ANALYZE and nothing else, on the
owner's own tables in ``public`` only, with a fixed ``search_path``; EXECUTE is taken from PUBLIC
and granted to the runtime role. ANALYZE inside the caller's transaction samples that
transaction's own uncommitted rows too, and the caller's next statements plan with them.
``sync`` creates it after every ``migrate`` (a ``post_migrate`` receiver, as the owner).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connections, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from psycopg import sql

from .rls.roles import runtime_user

FUNCTION = "magpie_analyze"

CREATE_FUNCTION = """
CREATE OR REPLACE FUNCTION magpie_analyze(tables regclass[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    target regclass;
BEGIN
    FOREACH target IN ARRAY coalesce(tables, '{}') LOOP
        IF NOT EXISTS (
            SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE c.oid = target AND n.nspname = 'public' AND c.relkind IN ('r', 'p')
               AND c.relowner = (SELECT r.oid FROM pg_roles r WHERE r.rolname = current_user)
        ) THEN
            RAISE EXCEPTION 'magpie_analyze: % is not one of this database''s tables', target
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        EXECUTE format('ANALYZE %s', target);
    END LOOP;
END $$
"""


def function_statements(runtime_role: str | None) -> list[sql.Composable]:
    """The function, then who may call it: nobody but its owner and the runtime role."""
    signature = sql.SQL(f"{FUNCTION}(regclass[])")
    statements: list[sql.Composable] = [
        sql.SQL(CREATE_FUNCTION),
        sql.SQL("REVOKE ALL ON FUNCTION {} FROM PUBLIC").format(signature),
    ]
    if runtime_role:
        statements.append(sql.SQL("GRANT EXECUTE ON FUNCTION {} TO {}").format(signature, sql.Identifier(runtime_role)))
    return statements


def sync(connection: BaseDatabaseWrapper, *, runtime_role: str | None) -> None:
    """Create (or replace) the function and its grants; idempotent, run as the owner."""
    grantee = runtime_role if runtime_role and runtime_role != connection.settings_dict.get("USER") else None
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        for statement in function_statements(grantee):
            cursor.execute(statement.as_string(cursor.connection))


def sync_after_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    connection = connections[using]
    sync(connection, runtime_role=runtime_user(connection))


def tables_analyze(models_: Iterable[type[models.Model]], *, using: str = "default") -> None:
    """ANALYZE the tables of ``models_`` now, as whichever role this connection is, in its current
    transaction (so rows it wrote and has not committed are counted). Call it after a bulk load."""
    tables = sorted({model._meta.db_table for model in models_})
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT {FUNCTION}(%s::text[]::regclass[])", [tables])
