from __future__ import annotations

from django.core.cache import caches
from django.http import HttpRequest
from wagtail.models import Page, Site

from commerce.core.links import site_url
from commerce.core.page_cache import page_cache_invalidate_on_commit, store_generation
from commerce.core.page_routing import KEPT_SECONDS, STORE_CACHE

from .models import Store

_MISSING = object()


def store_for_site(site: Site | None) -> Store | None:
    if site is None:
        return None
    try:
        return Store.objects.select_related("site").get(site=site)
    except Store.DoesNotExist:
        return None


def store_for_request(request: HttpRequest) -> Store | None:
    """The store serving this request, resolved from its Wagtail Site once per request and kept in
    the ``listings`` cache for the store's generation (saving the store or its Site starts a new one:
    ``store_changed``), so a storefront request does not read the store row."""
    if not hasattr(request, "_magpie_store"):
        site = Site.find_for_request(request)
        if site is None:
            request._magpie_store = None
        else:
            cache = caches[STORE_CACHE]
            key = f"magpie.store:{site.pk}:{store_generation(site.pk)}"
            store = cache.get(key, _MISSING)
            if store is _MISSING:
                store = store_for_site(site)
                cache.set(key, store, timeout=KEPT_SECONDS)
            request._magpie_store = store
    return request._magpie_store


def store_changed(sender: object, instance: Store, **kwargs: object) -> None:
    """A store saved or deleted: what its storefront shows (name, currency, contact) changes."""
    page_cache_invalidate_on_commit(reason="store changed", site_ids=[instance.site_id])


def currency_for_request(request: HttpRequest | None) -> str:
    """The serving store's currency; the model's default for a site without a store."""
    store = store_for_request(request) if request is not None else None
    return store.currency if store is not None else Store._meta.get_field("currency").default


def store_for_page(page: Page) -> Store | None:
    """The store whose site root is an ancestor of (or is) ``page``."""
    return (
        Store.objects.select_related("site")
        .filter(
            site__root_page__path__in=[page.path[:i] for i in range(Page.steplen, len(page.path) + 1, Page.steplen)]
        )
        .order_by("-site__root_page__depth")
        .first()
    )


def site_absolute_url(url: str, request: HttpRequest | None) -> str:
    """``url`` made absolute on the store's Site (its hostname and port), like ``page.full_url``."""
    if request is None or "://" in url:
        return url
    site = Site.find_for_request(request)
    return site_url(site, url) if site is not None else request.build_absolute_uri(url)
