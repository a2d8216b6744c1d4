"""``loaddata`` as the owner role, whose session works as the system: with the runtime role and no
context, row-level security would hide every customer row and refuse to write one."""

from django.core.management.commands.loaddata import Command as LoaddataCommand

from commerce.core.rls.roles import RunsAsOwner


class Command(RunsAsOwner, LoaddataCommand):
    pass
