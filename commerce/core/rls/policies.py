"""Turning the registry into PostgreSQL: helper functions, RLS switched on and forced, one policy
per table, and the runtime role's grants. ``sync`` runs as the owner after every ``migrate``
(a ``post_migrate`` receiver), so a new table in the registry is protected by the next migrate.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.apps import apps
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from psycopg import sql

from .registry import ALL_ENTRIES, REGISTRY, STAFF_ONLY, STORE_SCOPED, Protected, StoreScoped

POLICY_NAME = "magpie_rls"
_PLACEHOLDER = re.compile(r"\{([A-Za-z_.]+)\}")
SYSTEM = "(SELECT rls_role()) = 'system'"

# Each reads one setting; an unset or empty setting reads as NULL or an empty array.
FUNCTIONS = {
    "rls_role": ("text", "SELECT coalesce(current_setting('app.role', true), '')"),
    "rls_user_id": ("bigint", "SELECT nullif(current_setting('app.user_id', true), '')::bigint"),
    "rls_all_stores": ("boolean", "SELECT coalesce(current_setting('app.store_ids', true), '') = '*'"),
    "rls_store_ids": (
        "bigint[]",
        "SELECT coalesce(nullif(nullif(current_setting('app.store_ids', true), ''), '*'), '{}')::bigint[]",
    ),
    "rls_cart_tokens": (
        "uuid[]",
        "SELECT coalesce(nullif(current_setting('app.cart_tokens', true), ''), '{}')::uuid[]",
    ),
    "rls_order_ids": (
        "bigint[]",
        "SELECT coalesce(nullif(current_setting('app.order_ids', true), ''), '{}')::bigint[]",
    ),
    "rls_gift_card_code": ("text", "SELECT nullif(current_setting('app.gift_card_code', true), '')"),
}


def table_for(label: str) -> str:
    """``"app.Model"`` → its table; ``"app.Model.field"`` → that many-to-many field's link table."""
    app_label, model_name, *field = label.split(".")
    model = apps.get_model(app_label, model_name)
    if field:
        return model._meta.get_field(field[0]).remote_field.through._meta.db_table
    return model._meta.db_table


def policy_expression(entry: Protected | StoreScoped) -> str:
    table = table_for(entry.label)

    def resolve(match: re.Match) -> str:
        name = match.group(1)
        return table if name == "self" else table_for(name)

    return f"({SYSTEM} OR {_PLACEHOLDER.sub(resolve, entry.predicate)})"


def _tables_of(entry: Protected | StoreScoped) -> set[str]:
    """The entry's table and every table its predicate names."""
    named = {name for name in _PLACEHOLDER.findall(entry.predicate) if name != "self"}
    return {table_for(entry.label), *(table_for(name) for name in named)}


def protected_tables() -> list[str]:
    """Every table under RLS (customer data and store-scoped staff data): what the deploy checks cover."""
    return [table_for(entry.label) for entry in ALL_ENTRIES]


def customer_tables() -> list[str]:
    """Tables a customer may have rows in (staff-only figures such as the daily sales are not)."""
    return [table_for(entry.label) for entry in REGISTRY]


def store_scoped_tables() -> list[str]:
    return [table_for(entry.label) for entry in STORE_SCOPED]


def staff_only_tables() -> list[str]:
    return [table_for(entry.label) for entry in STAFF_ONLY]


def function_statements() -> list[str]:
    return [
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS {returns} LANGUAGE sql STABLE PARALLEL SAFE AS $$ {body} $$"
        for name, (returns, body) in FUNCTIONS.items()
    ]


def policy_statements(entries: Iterable[Protected | StoreScoped] = ALL_ENTRIES) -> list[str]:
    statements = []
    for entry in entries:
        table = table_for(entry.label)
        expression = policy_expression(entry)
        statements += [
            f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY',
            f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY',
            f'DROP POLICY IF EXISTS {POLICY_NAME} ON "{table}"',
            f'CREATE POLICY {POLICY_NAME} ON "{table}" FOR ALL USING {expression} WITH CHECK {expression}',
        ]
    return statements


def grant_statements(runtime_role: str) -> list[sql.Composable]:
    """What the runtime role may do: read and write rows (RLS decides which), use sequences.
    It owns nothing, so it cannot alter, drop, truncate or switch off RLS."""
    role = sql.Identifier(runtime_role)
    return [
        sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(role),
        sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}").format(role),
        sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(role),
        sql.SQL("REVOKE INSERT, UPDATE, DELETE ON django_migrations FROM {}").format(role),
    ]


def sync(connection: BaseDatabaseWrapper, *, runtime_role: str | None) -> None:
    """Create the helper functions and policies and grant the runtime role; idempotent. One
    transaction, so live traffic never meets a table between its old policy and its new one."""
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        # Only entries whose tables exist: ``migrate app zero`` (or an older target) drops some.
        existing = set(connection.introspection.table_names(cursor))
        entries = [entry for entry in ALL_ENTRIES if _tables_of(entry) <= existing]
        for statement in function_statements() + policy_statements(entries):
            cursor.execute(statement)
        if runtime_role and runtime_role != connection.settings_dict.get("USER"):
            for statement in grant_statements(runtime_role):
                cursor.execute(statement.as_string(cursor.connection))
