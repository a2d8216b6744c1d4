"""Writes of the listing summary (``ProductListing``) outside the triggers that keep it exact:
a rebuild of every product (``manage.py rebuild_listings``) or of some, and a recount of the
facet counts kept from it (``ListingFacetCount``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import connection, transaction

from .listing_facet_sql import RECOUNT_ALL
from .listing_models import ProductListing
from .models import ProductPage

REBUILD_BATCH = 20_000


@transaction.atomic
def listings_refresh(*, product_ids: Iterable[int]) -> None:
    """Recompute the summary rows of ``product_ids`` (one set-based call, whatever their number):
    a row for each live product, none for the others."""
    ids = sorted(set(product_ids))
    if ids:
        with connection.cursor() as cursor:
            cursor.execute("SELECT catalog_listing_refresh(%s::bigint[])", [ids])


def listings_rebuild(*, batch_size: int = REBUILD_BATCH, progress: Callable[[int, int], None] | None = None) -> int:
    """Recompute every product's row in batches of ``batch_size`` (each its own transaction, so a
    large catalogue is not locked at once), and drop rows of products that no longer exist.
    Then every store's facet counts are recounted from the summary (``listings_recount_facets``).
    Returns the number of products refreshed; ``progress(done, total)`` is called after each batch."""
    ids = list(ProductPage.objects.order_by("pk").values_list("pk", flat=True))
    with transaction.atomic():
        ProductListing.objects.exclude(product__in=ProductPage.objects.all()).delete()
    for start in range(0, len(ids), batch_size):
        listings_refresh(product_ids=ids[start : start + batch_size])
        if progress is not None:
            progress(min(start + batch_size, len(ids)), len(ids))
    listings_recount_facets()
    return len(ids)


@transaction.atomic
def listings_recount_facets() -> None:
    """Recompute ``ListingFacetCount`` from the summary (the triggers keep it exact; this repairs a
    database whose triggers were bypassed, e.g. by a ``TRUNCATE``)."""
    with connection.cursor() as cursor:
        for statement in RECOUNT_ALL:
            cursor.execute(statement)
