"""A listing's facets: each category and tag with how many products choosing it would show, how
many are in stock and on sale, and the price range — read from the listing summary
(``ProductListing``), never from pages, variants or stock.

A whole store's facets (the shop page, a collection without picks or rules) come from the counts
the database keeps per store (``ListingFacetCount``) and two index probes, in one query whose cost
does not grow with the catalogue (``store_facets``). Under the shopper's filters or a collection's
picks and rules they are counted over the matching summary rows in one query (``summary_facets``),
each facet given the listing's *other* active filters, as shops do: ticking "Shirts" does not hide
"Knitwear" or zero its count, and the price range is that of the products the other filters leave.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import BooleanField, Expression, ExpressionWrapper, QuerySet, Value

from ..models import ProductListing
from .listings import ProductFilters, filters_q


@dataclass(frozen=True)
class FacetChoice:
    """A category or tag of the listing and how many products choosing it would show."""

    id: int
    slug: str
    name: str
    count: int


@dataclass(frozen=True)
class ListingFacets:
    """What the filter panel shows next to its choices. ``categories`` and ``tags`` are every
    category and tag of the listing's scope (a count can be 0 under other filters); ``products``
    is the number of products the filters leave."""

    categories: tuple[FacetChoice, ...] = ()
    tags: tuple[FacetChoice, ...] = ()
    products: int = 0
    in_stock: int = 0
    on_sale: int = 0
    min_price: Decimal | None = None
    max_price: Decimal | None = None

    def with_counts(self, counts: ListingFacets) -> ListingFacets:
        """These choices (the scope's) with the counts of ``counts`` (the same scope, filtered)."""
        category_counts = {choice.id: choice.count for choice in counts.categories}
        tag_counts = {choice.id: choice.count for choice in counts.tags}
        return ListingFacets(
            categories=tuple(_recount(self.categories, category_counts)),
            tags=tuple(_recount(self.tags, tag_counts)),
            products=counts.products,
            in_stock=counts.in_stock,
            on_sale=counts.on_sale,
            min_price=counts.min_price,
            max_price=counts.max_price,
        )


def _recount(choices: Iterable[FacetChoice], counts: dict[int, int]) -> Iterable[FacetChoice]:
    for choice in choices:
        yield FacetChoice(id=choice.id, slug=choice.slug, name=choice.name, count=counts.get(choice.id, 0))


STORE_FACETS_SQL = """
SELECT f.facet, f.value, coalesce(c.slug, t.slug), coalesce(c.name, t.name), f.products, NULL::bigint,
       NULL::bigint, NULL::numeric, NULL::numeric
FROM catalog_listingfacetcount f
LEFT JOIN catalog_category c ON f.facet = 'category' AND c.id = f.value
LEFT JOIN taggit_tag t ON f.facet = 'tag' AND t.id = f.value
WHERE f.root_path = %(root)s AND f.products > 0
UNION ALL
SELECT 'sold_out', 0, NULL, NULL,
       (SELECT count(*) FROM catalog_productlisting WHERE root_path = %(root)s AND NOT in_stock), NULL, NULL,
       (SELECT min(min_price) FROM catalog_productlisting WHERE root_path = %(root)s),
       (SELECT max(min_price) FROM catalog_productlisting WHERE root_path = %(root)s)
"""


def store_facets(*, root_path: str) -> ListingFacets:
    """Every product of the store whose summary rows start at ``root_path``, unfiltered (one query:
    the kept counts, the ``listing_sold_out`` partial index and the price-sort index's two ends)."""
    with connection.cursor() as cursor:
        cursor.execute(STORE_FACETS_SQL, {"root": root_path})
        rows = cursor.fetchall()
    totals = {row[0]: row[4] for row in rows if row[0] in ("all", "on_sale", "sold_out")}
    low, high = next((row[7], row[8]) for row in rows if row[0] == "sold_out")
    return ListingFacets(
        categories=_choices(rows, "category"),
        tags=_choices(rows, "tag"),
        products=totals.get("all", 0),
        in_stock=totals.get("all", 0) - totals["sold_out"],
        on_sale=totals.get("on_sale", 0),
        min_price=low,
        max_price=high,
    )


# The matching rows, each with whether it passes each kind of filter (``ok_*``); every facet is
# counted over the rows passing the filters of the other kinds.
SUMMARY_FACETS_SQL = """
SELECT 'category', c.id, c.slug, c.name, used.n, NULL::bigint, NULL::bigint, NULL::numeric, NULL::numeric
FROM (SELECT id, count(*) FILTER (WHERE ok_price AND ok_stock AND ok_sale AND ok_tag) AS n
      FROM ({rows}) AS s, unnest(s.category_ids) AS id GROUP BY id) AS used
JOIN catalog_category c ON c.id = used.id
UNION ALL
SELECT 'tag', t.id, t.slug, t.name, used.n, NULL, NULL, NULL, NULL
FROM (SELECT id, count(*) FILTER (WHERE ok_price AND ok_stock AND ok_sale AND ok_category) AS n
      FROM ({rows}) AS s, unnest(s.tag_ids) AS id GROUP BY id) AS used
JOIN taggit_tag t ON t.id = used.id
UNION ALL
SELECT 'totals', 0, NULL, NULL,
       count(*) FILTER (WHERE ok_price AND ok_stock AND ok_sale AND ok_category AND ok_tag),
       count(*) FILTER (WHERE in_stock AND ok_price AND ok_sale AND ok_category AND ok_tag),
       count(*) FILTER (WHERE on_sale AND ok_price AND ok_stock AND ok_category AND ok_tag),
       min(min_price) FILTER (WHERE ok_stock AND ok_sale AND ok_category AND ok_tag),
       max(min_price) FILTER (WHERE ok_stock AND ok_sale AND ok_category AND ok_tag)
FROM ({rows}) AS s
"""


def summary_facets(rows: QuerySet[ProductListing], *, filters: ProductFilters) -> ListingFacets:
    """The facets of the summary ``rows`` (a listing's scope) under the shopper's ``filters``, in
    one query over those rows, each facet given the other kinds of filter."""
    checks: dict[str, Expression] = {
        "ok_price": _check(ProductFilters(min_price=filters.min_price, max_price=filters.max_price)),
        "ok_stock": _check(ProductFilters(in_stock=filters.in_stock)),
        "ok_sale": _check(ProductFilters(on_sale=filters.on_sale)),
        "ok_category": _check(ProductFilters(category_slugs=filters.category_slugs, category_ids=filters.category_ids)),
        "ok_tag": _check(ProductFilters(tag_slug=filters.tag_slug, tag_name=filters.tag_name)),
    }
    columns = ("min_price", "in_stock", "on_sale", "category_ids", "tag_ids", *checks)
    inner, params = rows.order_by().annotate(**checks).values(*columns).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(SUMMARY_FACETS_SQL.format(rows=inner), (*params, *params, *params))
        found = cursor.fetchall()
    _, _, _, _, products, in_stock, on_sale, low, high = next(row for row in found if row[0] == "totals")
    return ListingFacets(
        categories=_choices(found, "category"),
        tags=_choices(found, "tag"),
        products=products,
        in_stock=in_stock,
        on_sale=on_sale,
        min_price=low,
        max_price=high,
    )


def _check(filters: ProductFilters) -> Expression:
    """Whether a summary row passes ``filters`` (true when they are empty)."""
    if filters.is_empty:
        return Value(True, output_field=BooleanField())
    return ExpressionWrapper(filters_q(filters, summary=""), output_field=BooleanField())


def _choices(rows: list[tuple], facet: str) -> tuple[FacetChoice, ...]:
    choices = [
        FacetChoice(id=value, slug=slug, name=name, count=count)
        for kind, value, slug, name, count, *_ in rows
        if kind == facet and name is not None
    ]
    return tuple(sorted(choices, key=lambda choice: (choice.name.lower(), choice.id)))
