"""The compact product search table (``ProductSearchRow``): what a storefront search reads.

modelsearch's index table holds every page's entry with its plain texts beside the vectors, and a
product's store, liveness, price and stock live in other tables, so a search joined 6,000–10,000
wide entries to the listing summary for a common word at 100,000 products. Here one narrow row
per live product carries its store, the listing summary's sort and filter columns and its search
vectors, so a match is one GIN lookup on one table, filtered and sorted in place.
"""

from __future__ import annotations

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F

from commerce.catalog.models import ListingColumns, ProductPage  # catalog.models first: it loads listing_models

NEWEST = (F("first_published_at").desc(nulls_last=True), F("product").desc())  # as ``sort_summary`` orders


class ProductSearchRow(ListingColumns):
    """Derived data, never edited: PostgreSQL writes it (``search.search_rows_sql``).

    One row per row of the listing summary (``ProductListing``: a live product), with the same
    column names for what listings filter and sort on (so ``filters_q(..., summary="")`` and
    ``sort_summary`` apply to it), and the vectors and title norm of the product's search index
    entry (empty when it has none yet). A row that passes PostgreSQL's toast threshold (about
    2 kB: a long description) has its vectors moved out of line down to 128 bytes
    (``toast_tuple_target``, migration ``0003``); shorter rows keep them inline (about 540 bytes a
    row for the bulk catalogue). A sorted page of a common word walks the sort's index and checks
    each row's match; a rare word's rows come from GIN.
    """

    product = models.OneToOneField(
        ProductPage,
        primary_key=True,
        on_delete=models.DO_NOTHING,  # the triggers delete the row with the listing summary's
        db_constraint=False,
        related_name="search_row",
    )
    title = SearchVectorField()
    body = SearchVectorField()
    autocomplete = SearchVectorField()
    title_norm = models.FloatField()

    class Meta:
        indexes = [
            # a sort's order, led by the store (as the listing summary's): a common word's matches are
            # met every few rows of it, so a page of them is a short walk; a rare word's come from GIN
            models.Index("root_path", *NEWEST, name="search_row_newest"),
            models.Index("root_path", F("min_price").asc(nulls_last=True), *NEWEST, name="search_row_price_asc"),
            models.Index("root_path", F("min_price").desc(nulls_last=True), *NEWEST, name="search_row_price_desc"),
            GinIndex(fields=["title"], name="search_row_title"),
            GinIndex(fields=["autocomplete"], name="search_row_autocomplete"),
            GinIndex(fields=["category_ids"], name="search_row_categories"),
            GinIndex(fields=["tag_ids"], name="search_row_tags"),
            # and the GIN index on ``title || body`` (the full-text match), created by migration 0003
        ]

    def __str__(self) -> str:
        return f"search row of product {self.product_id}"
