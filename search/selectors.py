"""Reads for storefront search.

Products: the search index gives a bounded, ranked candidate set (``product_matches``: at most
``MAX_PRODUCT_HITS`` of the store's live products, title matches before body-only ones). In
relevance order the candidates that pass the shopper's filters are shown (one query on the compact
search table, ``filtered_product_ids``). With another sort every match counts: the compact search table's matching rows
(``ProductSearchRow``) are filtered and sorted in place, a page at a time, and counted
as at least the candidates that pass the filters ("240+"; ``sorted_matches``). Only the page being shown is loaded as
cards, so the page's query count does not depend on how many products match or exist.

Content: home, content and collection pages of the same store, in a second, short list.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.cache import caches
from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest
from wagtail.models import Page, Site
from wagtail.search.query import Fuzzy

from commerce.catalog.models import Category, ProductIndexPage, ProductPage, ProductVariant
from commerce.catalog.selectors import (
    ProductCard,
    ProductFilters,
    filters_q,
    product_cards_for_ids,
    sort_summary,
    store_products,
)
from commerce.catalog.selectors.listings import TOP_DEPTH, store_summary, summary_root_path
from commerce.core.page_cache import store_generation
from commerce.core.page_routing import restricted_paths
from commerce.stores.selectors import currency_for_request

from .models import ProductSearchRow
from .product_search import matching_content_pages, matching_product_ids, matching_rows

MAX_PRODUCT_HITS = 240  # ranked candidates (10 pages): a bound on the cost whatever the catalogue's size
PRODUCTS_PER_PAGE = 24
MAX_CONTENT_RESULTS = 10
SORTS = ("relevance", "newest", "price_asc", "price_desc")
SEARCH_SECONDS = 60 * 60  # a bound on memory; the store's generation retires results sooner


@dataclass(frozen=True)
class ContentResult:
    title: str
    url: str
    description: str


@dataclass(frozen=True)
class ProductResults:
    """One page of matching products as cards, with what the template needs to paginate."""

    cards: list[ProductCard]
    page: PaginatorPage
    total: int
    more: bool  # more than ``total`` products match (a sorted search counts the ranked candidates)
    unfiltered_total: int
    hit_limit_reached: bool


@dataclass(frozen=True)
class SearchResults:
    query: str
    products: ProductResults
    content: list[ContentResult]
    categories: list[Category]

    @property
    def is_empty(self) -> bool:
        return not self.products.unfiltered_total and not self.content


@dataclass(frozen=True)
class ProductMatches:
    """The ranked candidates for a query and how they matched: ``"words"`` (full text), ``"prefix"``
    (as-you-type) or ``"fuzzy"`` (trigram similarity), or ``""`` when nothing matched."""

    ids: list[int]
    kind: str


def product_matches(*, root: Page, query: str, limit: int = MAX_PRODUCT_HITS) -> ProductMatches:
    """At most ``limit`` of the store's live, public products matching ``query``, best match first.

    Full text first (SKUs are indexed whole, split and joined, so "MO-010-M" and "BULK-000973"
    match); when that finds nothing, the words as prefixes (typing "stonew" finds "Stoneware");
    when that finds nothing either, trigram similarity ("sweter" finds "Sweater"). The first two are
    one bounded SQL query each on the search index (``search.product_search``: title matches
    before body-only ones); so one query when the words match, at most four otherwise."""
    for kind, autocomplete in (("words", False), ("prefix", True)):
        ids = matching_product_ids(root=root, query=query, autocomplete=autocomplete, limit=limit)
        if ids:
            return ProductMatches(ids=ids, kind=kind)
    products = ProductPage.objects.live().public().descendant_of(root).only("pk")
    ids = [product.pk for product in products.search(Fuzzy(query, unaccent=True))[:limit]]
    return ProductMatches(ids=ids, kind="fuzzy" if ids else "")


def ranked_product_ids(*, root: Page, query: str, limit: int = MAX_PRODUCT_HITS) -> list[int]:
    """Ids of the store's live, public products matching ``query``, best match first (``product_matches``)."""
    return product_matches(root=root, query=query, limit=limit).ids


def filtered_product_ids(
    *, ranked_ids: Sequence[int], root: Page, filters: ProductFilters, query: str = ""
) -> list[int]:
    """``ranked_ids`` that pass ``filters``, in relevance order (one query on the compact search table).

    ``ranked_ids`` are the store's live, visible matches as ``product_matches`` gives them (their
    pages were checked there), so their search rows alone are read, by primary key; the store's
    column keeps them in the store. A product with a variant whose SKU is exactly ``query`` comes first."""
    if not ranked_ids:
        return []
    exact_sku = ProductVariant.objects.filter(product=OuterRef("product_id"), is_active=True, sku__iexact=query.strip())
    rows = ProductSearchRow.objects.filter(product_id__in=list(ranked_ids)).filter(filters_q(filters, summary=""))
    if root.depth >= TOP_DEPTH:
        rows = rows.filter(root_path=summary_root_path(root))
    pairs: list[tuple[int, bool]] = list(
        rows.annotate(exact_sku=Exists(exact_sku)).values_list("product_id", "exact_sku")
    )
    rank = {pk: position for position, pk in enumerate(ranked_ids)}
    pairs.sort(key=lambda row: (not row[1], rank[row[0]]))
    return [row[0] for row in pairs]


class SortedMatches:
    """Every product matching a query that passes the filters, in a sort's order, for a ``Paginator``:
    each page is one query on the compact search table (LIMIT/OFFSET). Its length is ``count`` (the
    ranked candidates that pass the filters), a lower bound when ``more``: counting every match was
    the slowest step of a sorted search at 100,000 products."""

    def __init__(self, rows: QuerySet[ProductSearchRow], *, count: int, more: bool) -> None:
        self.rows = rows
        self.count_shown = count
        self.more = more

    def __len__(self) -> int:
        return self.count_shown

    def __getstate__(self) -> dict[str, object]:
        """Kept in the cache (with its page) as its count only: pickling the queryset would read every match."""
        return {"rows": None, "count_shown": self.count_shown, "more": self.more}

    def __getitem__(self, index: slice) -> list[int]:
        return list(self.rows.values_list("product_id", flat=True)[index])


def sorted_matches(
    *, root: Page, query: str, matches: ProductMatches, filters: ProductFilters, sort: str, count: int
) -> SortedMatches:
    """The products matching ``query`` as ``matches`` did that pass ``filters``, ordered by ``sort``
    (newest first among equals), from the compact search table (``ProductSearchRow``).

    Every match counts, not only the ranked candidates: "cheapest first" is the store's cheapest
    match. The rows carry the listing summary's columns under its names, so the listing's own
    filters (``filters_q``) and orders (``sort_summary``) apply: PostgreSQL takes the matches from a
    GIN index and filters and sorts the narrow rows in place. A store whose pages carry view
    restrictions (which the rows do not know) also checks each row's page (``store_products``)."""
    if matches.kind in ("words", "prefix"):
        rows = matching_rows(query, autocomplete=matches.kind == "prefix")
    else:
        rows = ProductSearchRow.objects.filter(product_id__in=matches.ids)
    rows = rows.filter(filters_q(filters, summary=""))
    if store_summary(root=root) is not None:
        rows = rows.filter(root_path=root.path)
    else:
        public = store_products(root=root, restricted=restricted_paths())  # the kept paths: no query
        rows = rows.filter(product__in=public.order_by().values("pk"))
    more = len(matches.ids) >= MAX_PRODUCT_HITS
    return SortedMatches(sort_summary(rows, sort=sort), count=count, more=more)


def categories_for_products(product_ids: Sequence[int], *, selected_slug: str = "") -> list[Category]:
    """The categories of ``product_ids`` plus the selected one, so the filter can always show it (one query)."""
    through = ProductPage.categories.through
    used = through.objects.filter(productpage_id__in=list(product_ids)).values("category_id")
    condition = Q(pk__in=used)
    if selected_slug:
        condition |= Q(slug=selected_slug)
    return list(Category.objects.filter(condition).order_by("name"))


def search_content(
    *, root: Page, query: str, request: HttpRequest, limit: int = MAX_CONTENT_RESULTS
) -> list[ContentResult]:
    """The store's live, public pages other than products (home, content, collection and shop
    pages) matching ``query``, best match first (one query)."""
    return [
        ContentResult(title=page.title, url=page.get_url(request) or "", description=page.search_description)
        for page in matching_content_pages(root=root, query=query, limit=limit)
    ]


def shop_url(request: HttpRequest) -> str:
    """Where "browse the shop" goes: the store's shop page, else its home page (one query)."""
    site = Site.find_for_request(request)
    if site is None:
        return "/"
    shop = ProductIndexPage.objects.live().child_of(site.root_page).only("pk", "path", "url_path").first()
    return (shop or site.root_page).get_url(request) or "/"


def storefront_search(
    *, request: HttpRequest, query: str, filters: ProductFilters, sort: str = "relevance", page_number: int = 1
) -> SearchResults:
    """Everything the search page shows for ``query`` on the store serving ``request``.

    Kept in the ``listings`` cache under the store's generation (``store_generation``) and the
    words, filters, sort and page number: the search index, the products' prices and stock
    statuses, categories and content pages change only with a publish, an unpublish, a move or a
    stock status, each of which starts a new generation, so a repeated search reads nothing."""
    site = Site.find_for_request(request)
    if sort not in SORTS:
        sort = "relevance"
    if site is None:
        return _read_search(
            request=request, root=None, query=query, filters=filters, sort=sort, page_number=page_number
        )
    shown = repr((query, filters, sort, page_number)).encode()
    key = f"magpie.search:{site.pk}:{store_generation(site.pk)}:{hashlib.blake2b(shown, digest_size=16).hexdigest()}"
    cache = caches["listings"]
    results = cache.get(key)
    if results is None:
        results = _read_search(
            request=request, root=site.root_page, query=query, filters=filters, sort=sort, page_number=page_number
        )
        cache.set(key, results, timeout=SEARCH_SECONDS)
    return results


def _read_search(
    *, request: HttpRequest, root: Page | None, query: str, filters: ProductFilters, sort: str, page_number: int
) -> SearchResults:
    matches = ProductMatches(ids=[], kind="")
    ids: Sequence[int] | SortedMatches = []
    if root is not None:
        matches = product_matches(root=root, query=query, limit=MAX_PRODUCT_HITS)
        ids = filtered_product_ids(ranked_ids=matches.ids, root=root, filters=filters, query=query)
        if sort != "relevance" and matches.ids:
            ids = sorted_matches(root=root, query=query, matches=matches, filters=filters, sort=sort, count=len(ids))
    page = Paginator(ids, PRODUCTS_PER_PAGE).get_page(page_number)
    shown = list(page.object_list)
    currency = currency_for_request(request)
    return SearchResults(
        query=query,
        products=ProductResults(
            cards=product_cards_for_ids(shown, currency=currency, request=request) if shown else [],
            page=page,
            total=len(ids),
            more=isinstance(ids, SortedMatches) and ids.more,
            unfiltered_total=len(matches.ids),
            hit_limit_reached=not isinstance(ids, SortedMatches) and len(matches.ids) >= MAX_PRODUCT_HITS,
        ),
        content=search_content(root=root, query=query, request=request) if root is not None else [],
        categories=categories_for_products(
            matches.ids, selected_slug=filters.category_slugs[0] if filters.category_slugs else ""
        ),
    )
