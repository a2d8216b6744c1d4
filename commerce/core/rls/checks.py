"""``manage.py check --deploy --database default`` against a live database: refuse a connection that
would bypass RLS, and a protected table without RLS enforced."""

from __future__ import annotations

from django.core.checks import Error, Tags, register
from django.db import connections

from .policies import POLICY_NAME, protected_tables


@register(Tags.database, deploy=True)
def runtime_role_cannot_bypass_rls(app_configs=None, databases=None, **kwargs):
    errors = []
    for alias in databases or ():
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
            user, superuser, bypass = cursor.fetchone()
            cursor.execute(
                "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user"
                " AND tablename = ANY(%s)",
                [protected_tables()],
            )
            owned = cursor.fetchone()[0]
        if superuser or bypass or owned:
            errors.append(
                Error(
                    f"The database role {user!r} bypasses row-level security "
                    f"(superuser={superuser}, bypassrls={bypass}, owns {owned} protected tables).",
                    hint="Connect web and workers as the runtime role: see `manage.py db_roles` and README (Security).",
                    id="magpie.E001",
                )
            )
    return errors


@register(Tags.database, deploy=True)
def protected_tables_enforce_rls(app_configs=None, databases=None, **kwargs):
    """Every registered table has RLS enabled and forced, with Magpie's policy (run ``migrate``)."""
    errors = []
    tables = protected_tables()
    for alias in databases or ():
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = 'public' AND c.relname = ANY(%s) AND c.relrowsecurity AND c.relforcerowsecurity"
                " AND EXISTS (SELECT 1 FROM pg_policies p WHERE p.tablename = c.relname AND p.policyname = %s)",
                [tables, POLICY_NAME],
            )
            enforced = {row[0] for row in cursor.fetchall()}
        missing = [table for table in tables if table not in enforced]
        if missing:
            errors.append(
                Error(
                    f"Row-level security is not enforced on {', '.join(missing)}.",
                    hint="Run `manage.py migrate` (as the owner): it writes the policies.",
                    id="magpie.E002",
                )
            )
    return errors
