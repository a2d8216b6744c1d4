"""``flush`` as the owner role: emptying every table is schema-owner work (TRUNCATE), which the
runtime role is not granted."""

from django.core.management.commands.flush import Command as FlushCommand

from commerce.core.rls.roles import owner_connection


class Command(FlushCommand):
    def handle(self, **options):
        with owner_connection(options["database"]):
            return super().handle(**options)
