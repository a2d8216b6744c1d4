"""``dumpdata`` as the owner role, whose session works as the system: with the runtime role and no
context, row-level security would hide every customer row from the dump."""

from django.core.management.commands.dumpdata import Command as DumpdataCommand

from commerce.core.rls.roles import RunsAsOwner


class Command(RunsAsOwner, DumpdataCommand):
    pass
