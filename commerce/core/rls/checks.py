"""``manage.py check --deploy --database default``: refuse a connection that would bypass RLS."""

from __future__ import annotations

from django.core.checks import Error, Tags, register
from django.db import connections

from .policies import protected_tables


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
