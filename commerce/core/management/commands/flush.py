"""``flush`` as the owner role: emptying every table is schema-owner work (TRUNCATE), which the
runtime role is not granted."""

from django.core.management.commands.flush import Command as FlushCommand

from commerce.core.rls.roles import RunsAsOwner


class Command(RunsAsOwner, FlushCommand):
    pass
