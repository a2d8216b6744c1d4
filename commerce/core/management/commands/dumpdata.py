"""``dumpdata`` as the owner role, whose session works as the system: with the runtime role and no
context, row-level security would hide every customer row from the dump."""

from django.core.management.commands.dumpdata import Command as BaseCommand

from commerce.core.rls.roles import owner_connection


class Command(BaseCommand):
    def handle(self, *args, **options):
        with owner_connection(options["database"]):
            return super().handle(*args, **options)
