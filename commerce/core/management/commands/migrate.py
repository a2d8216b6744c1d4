"""``migrate`` as the owner role: the runtime role owns nothing and cannot change the schema.

Afterwards a ``post_migrate`` receiver writes the RLS policies and grants (see
``commerce.core.rls.policies.sync``).
"""

from django.core.management.commands.migrate import Command as MigrateCommand

from commerce.core.rls.roles import owner_connection


class Command(MigrateCommand):
    def handle(self, *args, **options):
        with owner_connection(options["database"]):
            return super().handle(*args, **options)
