"""A listing's facets: each category and tag with how many products choosing it would show, how
many are in stock and on sale, and the price range — read from the listing summary
(``ProductListing``), never from pages, variants or stock.

A whole store's facets (the shop page, a collection without picks or rules) come from the counts
the database keeps per store (``ListingFacetCount``) and two index probes, in one query whose cost
does not grow with the catalogue (``store_facets``): exact. Under the shopper's filters or a
collection's picks and rules each count is a bounded probe of the summary's indexes that stops at
``FACET_COUNT_CAP`` ("100+"; exact below it) (``summary_facets``), each facet given the listing's
*other* active filters, as shops do: ticking "Shirts" does not hide "Knitwear" or zero its count,
and the price range is that of the products the other filters leave.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal

from django.db import connection
from django.db.models import QuerySet

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
    count_cap: int | None = None  # counts above it were not counted further (shown as "100+")

    def label(self, count: int) -> str:
        """A count as shown: "100+" above the cap, else the number."""
        return f"{self.count_cap}+" if self.count_cap is not None and count > self.count_cap else str(count)

    @property
    def in_stock_label(self) -> str:
        return self.label(self.in_stock)

    @property
    def on_sale_label(self) -> str:
        return self.label(self.on_sale)

    def resolve(self, filters: ProductFilters) -> ProductFilters:
        """``filters`` with the ids of their category and tag slugs among these choices (the shopper's
        form accepts no other), so the listing's queries carry them as literals."""
        return replace(
            filters,
            category_ids=tuple(c.id for c in self.categories if c.slug in filters.category_slugs),
            tag_ids=tuple(t.id for t in self.tags if filters.tag_slug and t.slug == filters.tag_slug),
        )

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
            count_cap=counts.count_cap,
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


FACET_COUNT_CAP = 100  # a filtered or ruled listing's counts stop here and show as "100+"


# The store's categories and tags, from its kept counts: the values a filtered listing may show.
STORE_VALUES_SQL = """
SELECT f.facet, f.value, coalesce(c.slug, t.slug), coalesce(c.name, t.name)
FROM catalog_listingfacetcount f
LEFT JOIN catalog_category c ON f.facet = 'category' AND c.id = f.value
LEFT JOIN taggit_tag t ON f.facet = 'tag' AND t.id = f.value
WHERE f.root_path = %s AND f.facet IN ('category', 'tag') AND f.products > 0
"""


def summary_facets(
    rows: QuerySet[ProductListing], *, filters: ProductFilters, root_path: str, choices: ListingFacets | None = None
) -> ListingFacets:
    """The facets of the summary ``rows`` (a listing's scope, in the store whose rows start at
    ``root_path``) under the shopper's ``filters``, each facet given the other kinds of filter; only
    the categories and tags of ``choices`` (the scope's unfiltered facets) when given.

    Bounded whatever the size of the listing: each count is a probe that stops after
    ``FACET_COUNT_CAP + 1`` matching rows (shown as "100+"; exact below), each on the summary's
    indexes with the value as a literal (a rare category is read from its GIN index, a common one
    stops after a few pages of the store's rows), and the price range is the first row of each end
    of the price index that passes the other filters. One statement for every probe, after one for
    the store's categories and tags (its kept counts) when no ``choices`` are given."""
    if choices is not None:
        values = [("category", c.id, c.slug, c.name) for c in choices.categories]
        values += [("tag", t.id, t.slug, t.name) for t in choices.tags]
    else:
        with connection.cursor() as cursor:
            cursor.execute(STORE_VALUES_SQL, [root_path])
            values = [row for row in cursor.fetchall() if row[3] is not None]
    others = {
        kind: filters_q(_without(filters, kind), summary="")
        for kind in ("price", "stock", "sale", "category", "tag", "none")
    }
    probes: list[tuple[str, int, QuerySet]] = [
        (facet, value, rows.filter(others[facet], **{f"{facet}_ids__overlap": [value]}))
        for facet, value, _, _ in values
    ]
    probes += [
        ("all", 0, rows.filter(others["none"])),
        ("in_stock", 0, rows.filter(others["stock"], in_stock=True)),
        ("on_sale", 0, rows.filter(others["sale"], on_sale=True)),
    ]
    priced = rows.filter(others["price"], min_price__isnull=False).order_by()
    parts, params = [], []
    for facet, value, probe in probes:
        sql, probe_params = probe.order_by().values("pk")[: FACET_COUNT_CAP + 1].query.sql_with_params()
        probe_sql = f"SELECT %s, %s::bigint, (SELECT count(*) FROM ({sql}) AS s), NULL::numeric"  # noqa: S608 - ORM SQL
        parts.append(probe_sql)
        params += [facet, value, *probe_params]
    for facet, order in (("min_price", "min_price"), ("max_price", "-min_price")):
        sql, end_params = priced.order_by(order).values("min_price")[:1].query.sql_with_params()
        parts.append(f"SELECT %s, 0::bigint, NULL::bigint, ({sql})")
        params += [facet, *end_params]
    with connection.cursor() as cursor:
        cursor.execute("\nUNION ALL\n".join(parts), params)
        found = {(facet, value): (count, price) for facet, value, count, price in cursor.fetchall()}
    counted = [(facet, value, slug, name, found[(facet, value)][0]) for facet, value, slug, name in values]
    return ListingFacets(
        categories=_choices([row for row in counted if row[4]], "category"),
        tags=_choices([row for row in counted if row[4]], "tag"),
        products=found[("all", 0)][0],
        in_stock=found[("in_stock", 0)][0],
        on_sale=found[("on_sale", 0)][0],
        min_price=found[("min_price", 0)][1],
        max_price=found[("max_price", 0)][1],
        count_cap=FACET_COUNT_CAP,
    )


def _without(filters: ProductFilters, kind: str) -> ProductFilters:
    """``filters`` less those of one kind ("none": all of them kept)."""
    if kind == "price":
        return replace(filters, min_price=None, max_price=None)
    if kind == "stock":
        return replace(filters, in_stock=False)
    if kind == "sale":
        return replace(filters, on_sale=False)
    if kind == "category":
        return replace(filters, category_slugs=(), category_ids=())
    if kind == "tag":
        return replace(filters, tag_slug="", tag_name="", tag_ids=())
    return filters


def _choices(rows: list[tuple], facet: str) -> tuple[FacetChoice, ...]:
    choices = [
        FacetChoice(id=value, slug=slug, name=name, count=count)
        for kind, value, slug, name, count, *_ in rows
        if kind == facet and name is not None
    ]
    return tuple(sorted(choices, key=lambda choice: (choice.name.lower(), choice.id)))
