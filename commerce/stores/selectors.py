from __future__ import annotations

from django.http import HttpRequest
from wagtail.models import Page, Site

from commerce.core.links import site_url

from .models import Store


def store_for_site(site: Site | None) -> Store | None:
    if site is None:
        return None
    try:
        return Store.objects.select_related("site").get(site=site)
    except Store.DoesNotExist:
        return None


def store_for_request(request: HttpRequest) -> Store | None:
    """The store serving this request, resolved from its Wagtail Site once per request."""
    if not hasattr(request, "_magpie_store"):
        request._magpie_store = store_for_site(Site.find_for_request(request))
    return request._magpie_store


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
    if site is not None:
        return site_url(site, url)
    return request.build_absolute_uri("/").rstrip("/") + url
