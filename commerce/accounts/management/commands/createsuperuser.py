"""Django's ``createsuperuser``, run as the system: an operator creating an account from the shell
is not signed in as anyone, and the user table is protected by row-level security."""

from django.contrib.auth.management.commands.createsuperuser import Command as CreateSuperuserCommand

from commerce.core.rls import runs_as_system


class Command(CreateSuperuserCommand):
    @runs_as_system("createsuperuser")
    def handle(self, *args, **options):
        return super().handle(*args, **options)
