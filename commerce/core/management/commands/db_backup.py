"""``manage.py db_backup``: a consistent pg_dump (custom format) of the database, as the owner."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from commerce.core.backups import database_backup
from commerce.core.exceptions import CommerceError


class Command(BaseCommand):
    help = "Dump the database (pg_dump custom format) to a file; restore it with db_restore."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", type=Path, help="the dump file (default: var/backups/<db>-<UTC time>.dump)")
        parser.add_argument("--database", default="default", help="Django database alias")

    def handle(self, *args, **options) -> None:
        name = settings.DATABASES[options["database"]]["NAME"]
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        output = options["output"] or settings.BASE_DIR / "var" / "backups" / f"{name}-{stamp}.dump"
        self.stdout.write(f"Dumping database {name} to {output} …")
        try:
            result = database_backup(output=output, alias=options["database"])
        except CommerceError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written: {result.path} ({result.size_bytes / 1_048_576:.1f} MiB, "
                f"{result.tables} tables, {result.seconds:.1f} s)"
            )
        )
