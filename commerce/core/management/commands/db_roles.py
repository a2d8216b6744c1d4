"""Print (or apply) the SQL that creates Magpie's owner and runtime roles on a PostgreSQL server.

    manage.py db_roles                       # print the SQL for the configured database
    manage.py db_roles --passwords           # ... with new random passwords, and the URLs to use
    manage.py db_roles --apply --admin-url postgres://admin@host/magpie [--transfer-from admin]
    manage.py db_roles --apply --passwords-from-settings --admin-url …   # passwords of DATABASE_URL and
                                                                          # DATABASE_OWNER_URL (containers)

Run it with an administrative URL once; then set ``DATABASE_URL`` to the runtime role and
``DATABASE_OWNER_URL`` to the owner, and ``manage.py migrate`` (which runs as the owner) writes
the policies and grants.
"""

from __future__ import annotations

import secrets

import psycopg
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from commerce.core.rls.role_sql import database_statements, role_statements, transfer_ownership_statements


class Command(BaseCommand):
    help = "Print or apply the SQL that creates the owner and runtime database roles."

    def add_arguments(self, parser):
        parser.add_argument("--database-name", help="database to hand to the owner (default: the configured one)")
        parser.add_argument("--owner", default="magpie_owner")
        parser.add_argument("--runtime", default="magpie_app")
        parser.add_argument("--passwords", action="store_true", help="give both roles new random passwords")
        parser.add_argument(
            "--passwords-from-settings",
            action="store_true",
            help="give the roles the passwords in DATABASE_URL (runtime) and DATABASE_OWNER_URL (owner)",
        )
        parser.add_argument("--transfer-from", help="hand this role's existing tables to the owner")
        parser.add_argument("--apply", action="store_true", help="run the SQL instead of printing it")
        parser.add_argument("--admin-url", help="a superuser or CREATEROLE connection URL (needed with --apply)")

    def handle(self, *args, **options):
        settings = connections["default"].settings_dict
        database, owner, runtime = options["database_name"] or settings["NAME"], options["owner"], options["runtime"]
        owner_password, runtime_password = (
            (secrets.token_urlsafe(24), secrets.token_urlsafe(24)) if options["passwords"] else (None, None)
        )
        if options["passwords_from_settings"]:
            owner_password, runtime_password = settings.get("OWNER_PASSWORD") or None, settings.get("PASSWORD") or None
        statements = [
            *role_statements(
                owner=owner, runtime=runtime, owner_password=owner_password, runtime_password=runtime_password
            ),
            *database_statements(database=database, owner=owner, runtime=runtime),
        ]
        if options["transfer_from"]:
            statements.append(transfer_ownership_statements(owner, options["transfer_from"]))
        if not options["apply"]:
            for statement in statements:
                self.stdout.write(statement.as_string(None) + ";")
        else:
            if not options["admin_url"]:
                raise CommandError("--apply needs --admin-url (a role allowed to create roles).")
            with psycopg.connect(options["admin_url"], autocommit=True) as conn:
                for statement in statements:
                    conn.execute(statement)
            self.stdout.write(self.style.SUCCESS(f"Roles {owner} and {runtime} are ready on {database}."))
        if options["passwords"]:
            host = settings.get("HOST") or "localhost"
            port = settings.get("PORT") or "5432"
            self.stdout.write(
                f"\nDATABASE_URL=postgres://{runtime}:{runtime_password}@{host}:{port}/{database}\n"
                f"DATABASE_OWNER_URL=postgres://{owner}:{owner_password}@{host}:{port}/{database}"
            )
