"""A shared cache of storefront pages for anonymous visitors, on Django's cache framework.

Only a visitor with no session (so no cart, no sign-in, no messages) is served from the cache,
and only pages whose view is listed in ``MAGPIE_PAGE_CACHE_VIEWS`` (Wagtail pages and search) are
stored; cart, checkout and account views are never listed. Entries are keyed by the request's host
and full path, and by two generation numbers: the Wagtail Site's (the store the host resolves to)
and a global one. Bumping a site's number (a page of that site published, unpublished or moved, a
stock status of its products changed) retires that store's entries only, in every worker, because
the numbers live in the same shared cache; the global number retires everything (a Site edited).

Django's own ``UpdateCacheMiddleware`` cannot do this job: a page carrying a CSRF token varies on
the Cookie header, so it would keep one copy per visitor. Here the token rendered into a stored
page is replaced by a placeholder, and each visitor served from the cache gets a fresh token of
their own (``get_token`` also has ``CsrfViewMiddleware`` set their CSRF cookie), so forms on cached
pages (add to cart) pass CSRF for a visitor arriving with no cookies.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token

if TYPE_CHECKING:
    from wagtail.models import Page

logger = logging.getLogger(__name__)

CACHE_ALIAS = "pages"
GENERATION_KEY = "magpie.page_cache.generation"  # global; a site's is GENERATION_KEY + ":site:<id>"
CSRF_PLACEHOLDER = "__magpie_csrf_token__"
CACHE_HEADER = "X-Magpie-Page-Cache"  # HIT or MISS, for operators and the benchmark
_CSRF_INPUT = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
_KEPT_HEADERS = ("Content-Type", "Content-Language")
_NO_SITE = 0


def _site_generation_key(site_id: int) -> str:
    return f"{GENERATION_KEY}:site:{site_id}"


# The generations read during one request, so that the page's many caches (routing, the store row,
# fragments, listings) read each counter from the shared cache once: a request sees one snapshot of
# them, and a bump it makes itself is seen at once. Outside a request (jobs, commands) nothing is kept.
_request_generations: ContextVar[dict[str, int] | None] = ContextVar("magpie_request_generations", default=None)


def generations_snapshot_start(**_signal: object) -> None:
    """``request_started``: read each generation afresh once for this request."""
    _request_generations.set({})


def generations_snapshot_end(**_signal: object) -> None:
    """``request_finished``: forget this request's generations."""
    _request_generations.set(None)


def _bump(key: str) -> None:
    remembered = _request_generations.get()
    if remembered is not None:
        remembered.pop(key, None)
    cache = caches[CACHE_ALIAS]
    try:
        cache.incr(key)
    except ValueError:  # no generation yet (or evicted): start one that no old entry used
        cache.set(key, time.time_ns(), timeout=None)


def page_cache_invalidate(*, reason: str, site_ids: Iterable[int] | None = None) -> None:
    """Retire the cached pages of these Wagtail Sites (stores), or of every site when ``site_ids`` is None."""
    if site_ids is None:
        _bump(GENERATION_KEY)
        logger.info("page cache invalidated", extra={"reason": reason, "sites": "all"})
        return
    site_ids = sorted(set(site_ids))
    for site_id in site_ids:
        _bump(_site_generation_key(site_id))
    logger.info("page cache invalidated", extra={"reason": reason, "sites": site_ids})


def page_cache_invalidate_on_commit(*, reason: str, site_ids: Iterable[int] | None = None) -> None:
    """``page_cache_invalidate`` once the current transaction commits (nothing if it rolls back)."""
    site_ids = None if site_ids is None else sorted(set(site_ids))
    transaction.on_commit(lambda: page_cache_invalidate(reason=reason, site_ids=site_ids))


def site_ids_for_url_paths(*url_paths: str) -> list[int]:
    """The Wagtail Sites showing pages at these ``url_path`` values, from Wagtail's cached site roots."""
    from wagtail.models import Site

    return sorted(
        {root.site_id for root in Site.get_site_root_paths() for path in url_paths if path.startswith(root.root_path)}
    )


def store_generation(site_id: int) -> str:
    """The current generation of a Site's storefront: it changes whenever that store's shown
    catalogue does (a page published, unpublished or moved, a stock status), so other caches of
    what a store shows (listing facets) key on it and need no invalidation of their own."""
    return f"{_generation(GENERATION_KEY)}.{_generation(_site_generation_key(site_id))}"


def global_generation() -> int:
    """The generation of every store at once: a Site saved or deleted, a view restriction changed."""
    return _generation(GENERATION_KEY)


def _generation(key: str) -> int:
    remembered = _request_generations.get()
    if remembered is not None and key in remembered:
        return remembered[key]
    cache = caches[CACHE_ALIAS]
    generation = cache.get(key)
    if generation is None:
        cache.add(key, time.time_ns(), timeout=None)
        generation = cache.get(key, 0)
    if remembered is not None:
        remembered[key] = int(generation)
    return int(generation)


def _cache_key(request: HttpRequest) -> str:
    from .page_routing import site_id_for_request  # the one host → Site answer (it imports this module)

    everything = _generation(GENERATION_KEY)
    site_id = site_id_for_request(request, everything=everything) or _NO_SITE
    generation = _generation(_site_generation_key(site_id))
    url = f"{request.get_host().lower()}{request.get_full_path()}"
    return f"magpie.page:{everything}:{site_id}:{generation}:{hashlib.sha256(url.encode()).hexdigest()}"


def request_is_cacheable(request: HttpRequest) -> bool:
    """A GET from a visitor who holds no session, message or credentials: they see what everyone sees."""
    if request.method not in ("GET", "HEAD") or settings.MAGPIE_PAGE_CACHE_SECONDS <= 0:
        return False
    if "HTTP_AUTHORIZATION" in request.META:
        return False
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


def _response_is_cacheable(request: HttpRequest, response: HttpResponse) -> bool:
    match = getattr(request, "resolver_match", None)
    if match is None or match.view_name not in settings.MAGPIE_PAGE_CACHE_VIEWS:
        return False
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if getattr(request, "is_preview", False):
        return False
    session = getattr(request, "session", None)
    if session is not None and (session.modified or session.session_key):
        return False  # rendering started a session (a cart, a message): this page is theirs
    cache_control = response.get("Cache-Control", "")
    return "private" not in cache_control and "no-store" not in cache_control


class PageCacheMiddleware:
    """Place right after ``CsrfViewMiddleware``: a hit skips authentication, RLS and the view, while
    the CSRF middleware still sets the visitor's cookie for the token put into the page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request_is_cacheable(request):
            return self.get_response(request)
        key = _cache_key(request)
        cache = caches[CACHE_ALIAS]
        cached = cache.get(key)
        if cached is not None:
            return self._from_cache(request, cached)
        response = self.get_response(request)
        if request.method == "GET" and _response_is_cacheable(request, response):
            content = _CSRF_INPUT.sub(rf"\g<1>{CSRF_PLACEHOLDER}\g<2>", response.content.decode(response.charset))
            headers = {name: response[name] for name in _KEPT_HEADERS if name in response}
            cache.set(key, {"content": content, "headers": headers}, timeout=settings.MAGPIE_PAGE_CACHE_SECONDS)
            response[CACHE_HEADER] = "MISS"
        return response

    def _from_cache(self, request: HttpRequest, cached: dict) -> HttpResponse:
        content: str = cached["content"]
        if CSRF_PLACEHOLDER in content:
            content = content.replace(CSRF_PLACEHOLDER, get_token(request))
        response = HttpResponse(content)
        for name, value in cached["headers"].items():
            response[name] = value
        response[CACHE_HEADER] = "HIT"
        return response


def _page_changed(sender: object, instance: Page, **kwargs: object) -> None:
    """Wagtail's page_published and page_unpublished: the page and every listing of its store that
    shows it (shop, collections, home blocks, search) change once the transaction commits."""
    page_cache_invalidate_on_commit(
        reason=f"page {getattr(sender, '__name__', sender)}", site_ids=site_ids_for_url_paths(instance.url_path)
    )


def _page_moved(sender: object, url_path_before: str, url_path_after: str, **kwargs: object) -> None:
    """A move can take a page from one store to another: both stores' pages change."""
    page_cache_invalidate_on_commit(
        reason="page moved", site_ids=site_ids_for_url_paths(url_path_before, url_path_after)
    )


def _site_changed(sender: object, **kwargs: object) -> None:
    """A Site's host name, port or root changed: every host-to-site answer and entry is retired."""
    page_cache_invalidate_on_commit(reason="site changed")


def _image_changed(sender: object, instance: object, created: bool = False, **kwargs: object) -> None:
    """An image edited (its file replaced, its focal point moved) or deleted: pages and fragments
    showing its renditions change in every store. A new image is shown nowhere yet."""
    if not created:
        page_cache_invalidate_on_commit(reason="image changed")


def connect() -> None:
    from django.db.models.signals import post_delete, post_save
    from wagtail.images import get_image_model
    from wagtail.models import Site
    from wagtail.signals import page_published, page_unpublished, post_page_move

    page_published.connect(_page_changed, dispatch_uid="magpie_page_cache_published")
    page_unpublished.connect(_page_changed, dispatch_uid="magpie_page_cache_unpublished")
    post_page_move.connect(_page_moved, dispatch_uid="magpie_page_cache_moved")
    post_save.connect(_site_changed, sender=Site, dispatch_uid="magpie_page_cache_site_saved")
    post_delete.connect(_site_changed, sender=Site, dispatch_uid="magpie_page_cache_site_deleted")
    image_model = get_image_model()
    post_save.connect(_image_changed, sender=image_model, dispatch_uid="magpie_page_cache_image_saved")
    post_delete.connect(_image_changed, sender=image_model, dispatch_uid="magpie_page_cache_image_deleted")
