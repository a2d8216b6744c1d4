"""Reads for storefront search.

Products: the search backend ranks the live products of the store serving the request (bounded
to ``MAX_PRODUCT_HITS``); the ORM then applies the same filters as collection pages
(``commerce.catalog.selectors.filters_q``) and sorts, keeping the backend's relevance order
unless the shopper chose another sort (relevance breaks ties). Only the page being shown is
loaded as cards, so the page's query count does not depend on how many products match.

Content: home, content and collection pages of the same store, in a second, short list.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.core.cache import caches
from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest
from wagtail.models import Page, Site
from wagtail.search.query import Fuzzy

from commerce.catalog.models import Category, ProductIndexPage, ProductPage, ProductVariant
from commerce.catalog.selectors import ProductCard, ProductFilters, filters_q, product_cards_for_ids, store_products
from commerce.core.page_cache import store_generation
from commerce.stores.selectors import currency_for_request

from .product_search import matching_content_pages, matching_product_ids

MAX_PRODUCT_HITS = 500
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


def ranked_product_ids(*, root: Page, query: str, limit: int = MAX_PRODUCT_HITS) -> list[int]:
    """Ids of the store's live, public products matching ``query``, best match first.

    Full text first (SKUs are indexed whole, split and joined, so "MO-010-M" and "BULK-000973"
    match); when that finds nothing, the words as prefixes (typing "stonew" finds "Stoneware");
    when that finds nothing either, trigram similarity ("sweter" finds "Sweater"). The first two are
    one SQL query each on the search index (``search.product_search``); so one query when the words
    match, at most four otherwise."""
    for autocomplete in (False, True):
        ids = matching_product_ids(root=root, query=query, autocomplete=autocomplete, limit=limit)
        if ids:
            return ids
    products = ProductPage.objects.live().public().descendant_of(root).only("pk")
    return [product.pk for product in products.search(Fuzzy(query, unaccent=True))[:limit]]


def filtered_product_ids(
    *, ranked_ids: Sequence[int], root: Page, filters: ProductFilters, sort: str, query: str = ""
) -> list[int]:
    """``ranked_ids`` that pass ``filters``, in relevance order or by ``sort`` (one query).

    A product with a variant whose SKU is exactly ``query`` comes first in relevance order.
    Sorting happens in Python on at most ``MAX_PRODUCT_HITS`` rows so that relevance stays the
    tie-breaker: the ORM cannot order by the backend's rank."""
    if not ranked_ids:
        return []
    exact_sku = ProductVariant.objects.filter(product=OuterRef("pk"), is_active=True, sku__iexact=query.strip())
    rows: list[tuple[int, Decimal | None, datetime | None, bool]] = list(
        store_products(root=root)
        .filter(pk__in=list(ranked_ids))
        .filter(filters_q(filters))
        .annotate(exact_sku=Exists(exact_sku))
        .values_list("pk", "min_price", "first_published_at", "exact_sku")
    )
    rank = {pk: position for position, pk in enumerate(ranked_ids)}
    rows.sort(key=lambda row: (not row[3], rank[row[0]]))
    if sort == "price_asc":
        rows.sort(key=lambda row: (row[1] is None, row[1] if row[1] is not None else Decimal(0)))
    elif sort == "price_desc":
        rows.sort(key=lambda row: (row[1] is None, -(row[1] if row[1] is not None else Decimal(0))))
    elif sort == "newest":
        rows.sort(key=lambda row: (row[2] is None, -row[2].timestamp() if row[2] is not None else 0.0))
    return [row[0] for row in rows]


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
    ranked_ids: list[int] = []
    ids: list[int] = []
    if root is not None:
        ranked_ids = ranked_product_ids(root=root, query=query)
        ids = filtered_product_ids(ranked_ids=ranked_ids, root=root, filters=filters, sort=sort, query=query)
    page = Paginator(ids, PRODUCTS_PER_PAGE).get_page(page_number)
    currency = currency_for_request(request)
    return SearchResults(
        query=query,
        products=ProductResults(
            cards=product_cards_for_ids(list(page.object_list), currency=currency, request=request) if ids else [],
            page=page,
            total=len(ids),
            unfiltered_total=len(ranked_ids),
            hit_limit_reached=len(ranked_ids) >= MAX_PRODUCT_HITS,
        ),
        content=search_content(root=root, query=query, request=request) if root is not None else [],
        categories=categories_for_products(
            ranked_ids, selected_slug=filters.category_slugs[0] if filters.category_slugs else ""
        ),
    )
