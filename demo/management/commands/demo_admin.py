from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from commerce.core.rls import runs_as_system
from demo.admin_user import demo_admin_ensure, password_file_path


class Command(BaseCommand):
    help = (
        "Make sure the demo superuser 'admin' (admin@example.com) exists and print its login. The first run "
        "generates a random password and keeps it in var/demo-admin.txt (mode 0600); when the user exists "
        "but the file is missing, the password is reset. A demo helper: refuses to run unless DEBUG is on "
        "or --force is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="Run even though settings.DEBUG is False.")
        parser.add_argument(
            "--base-url", default="http://127.0.0.1:8000", help="Where the site runs (default: %(default)s)."
        )
        parser.add_argument(
            "--password-file",
            type=Path,
            default=None,
            help="Where the password is kept (default: settings.MAGPIE_DEMO_ADMIN_FILE or var/demo-admin.txt).",
        )

    @runs_as_system("demo_admin")
    def handle(self, *args: Any, force: bool, base_url: str, password_file: Path | None, **options: Any) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "demo_admin creates a superuser with a password stored in a file; it only runs with "
                "DEBUG=True. Use --force if you really mean it."
            )
        path = password_file or password_file_path()
        login = demo_admin_ensure(password_file=path)
        if login.created:
            self.stdout.write(self.style.SUCCESS(f"Created the superuser '{login.username}'; password in {path}."))
        elif login.password_reset:
            self.stdout.write(self.style.WARNING(f"{path} was missing: reset the password of '{login.username}'."))
        admin_url = f"{base_url.rstrip('/')}/admin/"
        if login.password is None:
            self.stdout.write(
                self.style.WARNING(
                    f"Admin: {admin_url}  user: {login.username}  password: changed since it was saved in {path}; "
                    "delete that file and run demo_admin again to reset it."
                )
            )
            return
        self.stdout.write(f"Admin: {admin_url}  user: {login.username}  password: {login.password}")
