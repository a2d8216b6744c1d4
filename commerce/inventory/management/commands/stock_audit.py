"""``manage.py stock_audit``: every stock level checked against its movement ledger and reservations.
Exits non-zero when any level disagrees."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from commerce.core.rls import runs_as_system
from commerce.inventory.audit import audited_levels, level_mismatches

PROGRESS_EVERY = 5000


class Command(BaseCommand):
    help = "Check that on hand equals the sum of movements and reserved equals active reservations, per level."

    @runs_as_system("stock_audit")
    def handle(self, *args, **options) -> None:
        checked = problems = 0
        for level in audited_levels():
            checked += 1
            for mismatch in level_mismatches(level):
                problems += 1
                self.stderr.write(
                    f"{mismatch.sku} at {mismatch.location} (level {mismatch.level_id}): {mismatch.problem}"
                )
            if checked % PROGRESS_EVERY == 0:
                self.stdout.write(f"… {checked} levels checked")
        summary = f"stock_audit: {checked} levels checked, {problems} mismatches."
        if problems:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))
