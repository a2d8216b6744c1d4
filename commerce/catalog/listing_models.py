"""The listing summary: one row per live product with what a listing filters and sorts on.

Listings read this table instead of computing each product's cheapest price and stock and sale
flags from its variants and stock levels, so a page of 48 rows is an index range scan whatever the
size of the catalogue. PostgreSQL keeps it exact (``listing_sql``): statement-level triggers on
pages, products, variants, stock levels and locations, categories and tags refresh the products a
statement touched, in that statement's transaction. Imported by ``models.py``.
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import F, Q

from .models import ProductPage

NEWEST = (F("first_published_at").desc(nulls_last=True), F("product").desc())


class ListingColumns(models.Model):
    """A live product's sort and filter columns, as the listing summary keeps them; the search table
    (``search.models.ProductSearchRow``) carries the same ones under the same names, so the listing's
    filters and sorts apply to both."""

    root_path = models.CharField(max_length=255)
    featured = models.BooleanField()
    first_published_at = models.DateTimeField(null=True)
    min_price = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    in_stock = models.BooleanField()
    on_sale = models.BooleanField()
    category_ids = ArrayField(models.BigIntegerField(), default=list)
    tag_ids = ArrayField(models.BigIntegerField(), default=list)

    class Meta:
        abstract = True


LISTING_COLUMNS = tuple(field.name for field in ListingColumns._meta.fields)


class ProductListing(ListingColumns):
    """Derived data, never edited: ``listings_refresh`` or the triggers write it.

    ``root_path`` is the path of the product's top-level page (depth 2, where a site's home page
    sits), so a store's rows are one index range. ``min_price`` is the cheapest active variant's price
    among those with stock (among all active variants when every one is sold out); ``in_stock``: an
    active variant has a unit left at an active location; ``on_sale``: an active variant's
    compare-at price is above its price.
    """

    product = models.OneToOneField(
        ProductPage,
        primary_key=True,
        on_delete=models.DO_NOTHING,  # the triggers delete the row with the page
        db_constraint=False,
        related_name="listing",
    )

    class Meta:
        indexes = [
            # one per sort, each led by the store (root_path), in the order ``sort_products`` asks for
            models.Index("root_path", F("featured").desc(), *NEWEST, name="listing_featured"),
            models.Index("root_path", *NEWEST, name="listing_newest"),
            models.Index("root_path", F("min_price").asc(nulls_last=True), *NEWEST, name="listing_price_asc"),
            models.Index("root_path", F("min_price").desc(nulls_last=True), *NEWEST, name="listing_price_desc"),
            GinIndex(fields=["category_ids"], name="listing_categories"),
            GinIndex(fields=["tag_ids"], name="listing_tags"),
            # a store's sold-out products: its in-stock count is its product count less these
            models.Index("root_path", name="listing_sold_out", condition=Q(in_stock=False)),
        ]

    def __str__(self) -> str:
        return f"listing of product {self.product_id}"


class ListingFacetCount(models.Model):
    """Derived data, never edited: per store (``root_path``), how many summary rows there are
    (``facet`` "all"), how many are on sale ("on_sale"), and how many carry each category and each
    tag (``value`` is its id; 0 for the others). A statement trigger on the summary
    (``listing_facet_sql``) adds each statement's changes in its own transaction, so the shop's
    facets are read from a few rows whatever the size of the catalogue. Stock is not counted here:
    a checkout that sells a product out would otherwise queue behind every other on one row; the
    in-stock count is read from the ``listing_sold_out`` partial index instead."""

    FACETS = [("all", "All"), ("on_sale", "On sale"), ("category", "Category"), ("tag", "Tag")]

    root_path = models.CharField(max_length=255)
    facet = models.CharField(max_length=8, choices=FACETS)
    value = models.BigIntegerField()
    products = models.IntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["root_path", "facet", "value"], name="listing_facet_key")]

    def __str__(self) -> str:
        return f"{self.facet} {self.value} in {self.root_path}: {self.products}"
