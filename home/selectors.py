"""Reads for the home page and content pages: the products the shoppable blocks show.

Every block resolves its product cards in one batch (a fixed number of queries whatever its
number of products), and only ever shows live products of the store serving the request, so a
block pointing at another store's page cannot leak that store's products or prices.

What a block shows changes only when its store's catalogue does (a publish, unpublish or move, a
stock status, the store itself): each block's product ids and cards are kept in the ``listings``
cache under the store's generation (``store_generation``), so a featured collection does not sort
its collection's products on every request and a home page reads no product rows once warm.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from django.core.cache import caches
from django.http import HttpRequest
from wagtail.models import Page, Site

from commerce.catalog.models import CollectionPage, ProductPage
from commerce.catalog.selectors import (
    ProductCard,
    ProductFilters,
    collection_scope,
    filters_q,
    product_cards_for_ids,
    sort_products,
)
from commerce.core.page_cache import store_generation
from commerce.core.page_routing import KEPT_SECONDS, STORE_CACHE
from commerce.stores.selectors import currency_for_request

_T = TypeVar("_T")
_MISSING = object()
IN_STOCK = ProductFilters(in_stock=True)
SOLD_OUT = "sold_out"


@dataclass(frozen=True)
class FeaturedCollection:
    """What a featured collection block shows: its heading, its first products and a link to it."""

    heading: str
    url: str
    cards: list[ProductCard]


def storefront_root(request: HttpRequest | None) -> Page | None:
    """The root page of the site serving ``request`` (no query: Wagtail caches the site on the request)."""
    if request is None:
        return None
    site = Site.find_for_request(request)
    return site.root_page if site is not None else None


def _is_within(page: Page, root: Page) -> bool:
    return page.path.startswith(root.path) and page.depth > root.depth


def featured_collection_product_ids(
    *, collection: CollectionPage, root: Page, count: int, include_sold_out: bool = False
) -> list[int]:
    """The first ``count`` products the collection's own page lists, in its default order: the
    same hand-picked products and rules (``collection_scope``) and the same sort; sold-out ones
    are skipped unless the editor asked for them."""
    if count <= 0 or not _is_within(collection, root):
        return []
    scope = collection_scope(collection=collection, root=root)
    products = scope.products if include_sold_out else scope.products.filter(filters_q(IN_STOCK))
    ordered = sort_products(products, sort=collection.default_sort, manual_ids=scope.manual_ids)
    return list(ordered.values_list("pk", flat=True)[:count])


def featured_collection(
    *,
    collection: CollectionPage | None,
    count: int,
    heading: str = "",
    request: HttpRequest | None,
    include_sold_out: bool = False,
) -> FeaturedCollection | None:
    """A featured collection block's data, or None when the collection is gone, unpublished or
    belongs to another store."""
    root = storefront_root(request)
    if collection is None or root is None or not collection.live or not _is_within(collection, root):
        return None
    site_id = Site.find_for_request(request).pk
    key = f"magpie.featured_ids:{site_id}:{store_generation(site_id)}:{collection.pk}:{count}:{include_sold_out}"
    ids = _kept(
        key,
        lambda: featured_collection_product_ids(
            collection=collection, root=root, count=count, include_sold_out=include_sold_out
        ),
    )
    cards = _cards_for_ids(ids, request=request)
    return FeaturedCollection(heading=heading or collection.title, url=collection.get_url(request) or "", cards=cards)


def product_grid_cards(
    *, products: Iterable[ProductPage | None], request: HttpRequest | None, include_sold_out: bool = False
) -> list[ProductCard]:
    """Cards for an editor-chosen product grid, in the chosen order, without duplicates; chosen
    pages that were deleted, unpublished or belong to another store are left out, and so are
    sold-out ones unless the editor asked for them."""
    root = storefront_root(request)
    if root is None:
        return []
    ids: list[int] = []
    for product in products:
        if product is not None and product.pk not in ids and _is_within(product, root):
            ids.append(product.pk)
    if not ids:
        return []
    cards = _cards_for_ids(ids, request=request)
    return cards if include_sold_out else [card for card in cards if card.stock_status != SOLD_OUT]


def _kept(key: str, read: Callable[[], _T]) -> _T:
    """``read()``, kept in the store cache under ``key`` (which names the store's generation)."""
    cache = caches[STORE_CACHE]
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = read()
        cache.set(key, value, timeout=KEPT_SECONDS)
    return value


def _cards_for_ids(ids: list[int], *, request: HttpRequest | None) -> list[ProductCard]:
    """Cards for live products of the request's store, in the order of ``ids``, kept per store generation."""
    if not ids:
        return []
    currency = currency_for_request(request)
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        return product_cards_for_ids(ids, currency=currency, request=request)
    digest = hashlib.blake2b(repr(ids).encode(), digest_size=16).hexdigest()
    key = f"magpie.cards:{site.pk}:{store_generation(site.pk)}:{currency}:{digest}"
    return _kept(key, lambda: product_cards_for_ids(ids, currency=currency, request=request))
