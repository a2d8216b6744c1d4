"""Recompute the daily sales summary (after an import, a restore, or to check it) with progress
lines and a one-line summary."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from commerce.core.rls import runs_as_system
from commerce.insights.daily_rebuild import daily_sales_rebuild
from commerce.stores.models import Store


class Command(BaseCommand):
    help = "Rebuild the daily sales summary the reports read (all stores and days by default)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--store", type=int, action="append", help="A store id (repeatable; default: all).")
        parser.add_argument("--since", type=date.fromisoformat, help="First local day (YYYY-MM-DD).")
        parser.add_argument("--until", type=date.fromisoformat, help="Last local day (YYYY-MM-DD).")

    @runs_as_system("rebuild_daily_sales")
    def handle(self, *args: Any, store: list[int] | None, since: date | None, until: date | None, **options) -> None:
        if since and until and since > until:
            raise CommandError("--since must be on or before --until.")
        if store and Store.objects.filter(pk__in=store).count() != len(set(store)):
            raise CommandError(f"No such store among {store}.")
        started = time.monotonic()

        def progress(shop: Store, first: date, last: date, rows: int) -> None:
            self.stdout.write(f"  {shop.name}: {first} – {last}, {rows} day rows")

        result = daily_sales_rebuild(store_ids=store, since=since, until=until, progress=progress)
        self.stdout.write(
            self.style.SUCCESS(
                f"Rebuilt the daily sales of {result.stores} store(s): {result.days:,} days, "
                f"{result.rows:,} day-and-currency rows in {time.monotonic() - started:.1f} s."
            )
        )
