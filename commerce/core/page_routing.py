"""Wagtail's site lookup, routing and view-restriction check, remembered per store generation.

Serving a storefront page costs Wagtail a query for the host's Site, one for its root page, and two
for each level of the URL (the child by slug, then its specific row), then two more for the view
restrictions of the page and its ancestors — before the page's own work starts. None of those
answers changes unless a page is published, unpublished or moved, or a Site is saved, and each of
those already starts a new store generation (``store_generation`` in ``page_cache``). So:

- ``site_for_request`` keeps the host's Site (with its root page) under the global and the site's
  generation, and ``SiteRoutingMiddleware`` hands it to Wagtail through ``request._wagtail_site``
  (the attribute ``Site.find_for_request`` caches its answer in); ``site_id_for_request`` reads
  only the host's answer, which is what a page-cache hit needs;
- ``SiteRoutingMiddleware`` keeps, for ``wagtail_serve``, the page a path routes to (its specific
  row, as Wagtail's routing read it) and hands it to Wagtail's serve view through
  ``request._wagtail_route_for_request`` (where ``Page.route_for_request`` caches its answer): a
  warm route reads no page row. What a live page shows changes only by a publish, an unpublish or
  a move (Wagtail unpublishes a page before deleting it), each of which starts a new generation of
  its store: the same rule the page cache serves whole pages by. Only plain routes are kept: a
  page class with its own ``route`` is routed by Wagtail.
- ``CachedViewRestrictionsMixin`` answers "no restriction" without a query for pages none of whose
  ancestors carries a view restriction or is an alias; the set of such pages is kept under the
  global generation, which saving or deleting a restriction or an alias page starts anew.

The answers live in the ``routing`` cache (each process's memory without Redis; on in tests too,
emptied between them by ``tests/conftest.py``, where a change reaches it as in production, through
commit callbacks: ``django_capture_on_commit_callbacks``) and are keyed by the generations, so
nothing has to be deleted: a new generation simply never reads the old keys. A page-cache hit
reads only the host's answer from it, so it costs no query.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.http.request import split_domain_port
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.url_routing import RouteResult

from .page_cache import global_generation, page_cache_invalidate_on_commit, store_generation

STORE_CACHE = "listings"  # the other per-store-generation answers (store row, home blocks, product content)
ROUTING_CACHE = "routing"
KEPT_SECONDS = 24 * 60 * 60  # a bound on memory: a new generation retires an answer sooner
_NO_SITE = 0
_SERVE_VIEW = "wagtail_serve"


def _cache() -> Any:
    return caches[ROUTING_CACHE]


def site_for_request(request: HttpRequest) -> Site | None:
    """The Site serving ``request``, as ``Site.find_for_request`` finds it (an unknown host gets the
    default site), with its root page loaded: cache reads instead of two queries."""
    if hasattr(request, "_wagtail_site"):
        return request._wagtail_site
    site_id = site_id_for_request(request)
    if hasattr(request, "_wagtail_site"):  # not remembered: it was just looked up, with its root page
        return request._wagtail_site
    site: Site | None = None
    if site_id is not None:
        site = _cache().get(_site_key(site_id))
        if site is None:  # the Site itself expired or its store's generation moved on
            site = _find_and_keep(request, global_generation())
    request._wagtail_site = site
    return site


def site_id_for_request(request: HttpRequest, *, everything: int | None = None) -> int | None:
    """The id of the Site serving ``request`` (None: no site at all), from the one remembered host
    answer ``site_for_request`` also reads: one cache read, plus the global generation unless the
    caller read it (``everything``). The page cache keys its entries with it, so a hit reads no Site."""
    if hasattr(request, "_wagtail_site"):
        return request._wagtail_site.pk if request._wagtail_site is not None else None
    everything = global_generation() if everything is None else everything
    site_id = _cache().get(_host_key(request, everything))
    if site_id is None:
        site = _find_and_keep(request, everything)
        request._wagtail_site = site
        return site.pk if site is not None else None
    return None if site_id == _NO_SITE else int(site_id)


def _host_key(request: HttpRequest, everything: int) -> str:
    hostname = split_domain_port(request._get_raw_host())[0].lower()
    return f"magpie.site_for_host:{everything}:{hostname}:{request.get_port()}"


def _find_and_keep(request: HttpRequest, everything: int) -> Site | None:
    """Wagtail's own lookup (a query), kept: the host's answer and the Site with its root page."""
    site = Site._find_for_request(request)
    cache = _cache()
    cache.set(_host_key(request, everything), site.pk if site is not None else _NO_SITE, timeout=KEPT_SECONDS)
    if site is not None:  # its root page was read with it (select_related) and is kept with it
        cache.set(_site_key(site.pk), site, timeout=KEPT_SECONDS)
    return site


def _site_key(site_id: int) -> str:
    return f"magpie.site:{site_id}:{store_generation(site_id)}"


def _route_key(site_id: int, path: str) -> str:
    digest = hashlib.blake2b(path.encode(), digest_size=16).hexdigest()
    return f"magpie.route:{site_id}:{store_generation(site_id)}:{digest}"


def _plain_route(page: Page) -> bool:
    """Routed by Wagtail's own ``Page.route``: the path alone names the page (no sub-routes)."""
    return type(page).route is Page.route


def route_for_request(request: HttpRequest, path: str) -> RouteResult | None:
    """``Page.route_for_request`` with the answer for a plain page (its specific row) kept per store
    generation: no query instead of two per URL level."""
    if hasattr(request, "_wagtail_route_for_request"):
        return request._wagtail_route_for_request
    site = site_for_request(request)
    if site is None:
        return Page.route_for_request(request, path)
    key = _route_key(site.pk, path)
    cache = _cache()
    kept = cache.get(key)
    if isinstance(kept, Page):
        request._wagtail_route_for_request = RouteResult(kept)
        return request._wagtail_route_for_request
    result = Page.route_for_request(request, path)
    if result is not None:
        page, args, kwargs = result
        if not args and not kwargs and _plain_route(page):
            cache.set(key, page, timeout=KEPT_SECONDS)
    return result


class SiteRoutingMiddleware:
    """For the storefront's catalogue views (``MAGPIE_PAGE_CACHE_VIEWS``: Wagtail's pages, search),
    resolves the request's Site from the cache for everything that then asks Wagtail for it, and the
    page a URL routes to. Other views (admin, cart, API) are left to Wagtail's own lookups."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: tuple, view_kwargs: dict
    ) -> None:
        match = getattr(request, "resolver_match", None)
        if match is None or match.view_name not in settings.MAGPIE_PAGE_CACHE_VIEWS:
            return None
        site_for_request(request)
        if match.view_name == _SERVE_VIEW and request.method in ("GET", "HEAD"):
            route_for_request(request, view_args[0] if view_args else view_kwargs.get("path", ""))
        return None


def restricted_paths() -> frozenset[str]:
    """Paths of pages that carry a view restriction or are aliases (whose restrictions are their
    source's): a page with none of them among its ancestors needs no restriction check, and a
    listing that leaves out every product under them shows only public ones
    (``store_products(restricted=...)``: a sorted search in a store with restricted pages)."""
    key = f"magpie.restricted_paths:{global_generation()}"
    cache = _cache()
    paths = cache.get(key)
    if paths is None:
        # Two indexed reads in one query: an OR across the join to the restrictions read every page.
        restricted = Page.objects.filter(view_restrictions__isnull=False).values_list("path", flat=True)
        aliases = Page.objects.filter(alias_of__isnull=False).values_list("path", flat=True)
        paths = frozenset(restricted.union(aliases))
        cache.set(key, paths, timeout=KEPT_SECONDS)
    return paths


class CachedViewRestrictionsMixin:
    """For storefront page models: Wagtail checks a page's view restrictions (two queries) on every
    serve; here a page with no restricted or alias page among its ancestors answers none from the
    cache, and any other page asks Wagtail."""

    def get_view_restrictions(self):
        path: str = self.path  # type: ignore[attr-defined]
        steplen = Page.steplen
        ancestors = {path[:end] for end in range(steplen, len(path) + 1, steplen)}
        if getattr(self, "alias_of_id", None) is None and not ancestors & restricted_paths():
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()  # type: ignore[misc]


def _restriction_changed(sender: object, **kwargs: object) -> None:
    """A view restriction added or removed: the set of restricted paths changes."""
    page_cache_invalidate_on_commit(reason="view restrictions changed")


def _alias_saved(sender: object, instance: object, **kwargs: object) -> None:
    """An alias page saved (created): its path joins the set of restricted paths."""
    if isinstance(instance, Page) and instance.alias_of_id is not None:
        page_cache_invalidate_on_commit(reason="alias page saved")


def _page_moved(sender: object, **kwargs: object) -> None:
    """A move changes tree paths, those of restricted pages included: the set is read anew."""
    if restricted_paths():
        page_cache_invalidate_on_commit(reason="page moved with view restrictions in place")


def connect() -> None:
    from django.db.models.signals import post_delete, post_save
    from wagtail.signals import post_page_move

    post_save.connect(_restriction_changed, sender=PageViewRestriction, dispatch_uid="magpie_restriction_saved")
    post_delete.connect(_restriction_changed, sender=PageViewRestriction, dispatch_uid="magpie_restriction_deleted")
    post_save.connect(_alias_saved, dispatch_uid="magpie_alias_saved")
    post_page_move.connect(_page_moved, dispatch_uid="magpie_routing_page_moved")
