"""``manage.py rebuild_listings``: recompute the listing summary of every product.

The database keeps the summary exact by itself (``commerce.catalog.listing_sql``); this is for a
database restored from elsewhere, a trigger dropped by hand, or to check: it prints how many rows
it changed."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from commerce.catalog.listing_models import LISTING_COLUMNS, ProductListing
from commerce.catalog.listing_refresh import REBUILD_BATCH, listings_rebuild
from commerce.core.rls import runs_as_system


class Command(BaseCommand):
    help = "Recompute the listing summary (cheapest price, stock and sale flags, categories, tags) of every product."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch-size", type=int, default=REBUILD_BATCH)

    @runs_as_system("rebuild_listings")
    def handle(self, *args, batch_size: int, **options) -> None:
        started = time.monotonic()
        before = _summary_rows()

        def progress(done: int, total: int) -> None:
            self.stdout.write(f"… {done:,} of {total:,} products")

        products = listings_rebuild(batch_size=max(batch_size, 1), progress=progress)
        after = _summary_rows()
        self.stdout.write(
            self.style.SUCCESS(
                f"rebuild_listings: {products:,} products, {len(after):,} listed, "
                f"{len(after - before):,} rows corrected, {len(before - after):,} stale rows replaced or removed "
                f"in {time.monotonic() - started:.1f} s."
            )
        )


SUMMARY_FIELDS = ("product_id", *LISTING_COLUMNS)


def _summary_rows() -> set[tuple]:
    """Every summary row as a hashable tuple (the id arrays as tuples)."""
    return {
        (*row[:-2], tuple(row[-2]), tuple(row[-1]))
        for row in ProductListing.objects.values_list(*SUMMARY_FIELDS).iterator(chunk_size=10_000)
    }
