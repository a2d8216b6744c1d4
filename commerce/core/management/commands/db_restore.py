"""``manage.py db_restore DUMP --target NAME``: restore a db_backup dump into a new database."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from commerce.core.backups import database_restore
from commerce.core.exceptions import CommerceError


class Command(BaseCommand):
    help = "Restore a dump made by db_backup into a new database on the same server (all or nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dump", type=Path)
        parser.add_argument("--target", required=True, help="name of the database to create and fill")
        parser.add_argument("--database", default="default", help="Django database alias (which server)")

    def handle(self, *args, **options) -> None:
        target = options["target"]
        self.stdout.write(f"Restoring {options['dump']} into new database {target} …")
        try:
            seconds = database_restore(dump=options["dump"], target=target, alias=options["database"])
        except CommerceError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            self.style.SUCCESS(f"Restored into {target} in {seconds:.1f} s; point DATABASE_URL at it to switch.")
        )
