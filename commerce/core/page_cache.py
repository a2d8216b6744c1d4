"""A shared cache of storefront pages for anonymous visitors, on Django's cache framework.

Only a visitor with no session (so no cart, no sign-in, no messages) is served from the cache,
and only pages whose view is listed in ``MAGPIE_PAGE_CACHE_VIEWS`` (Wagtail pages and search) are
stored; cart, checkout and account views are never listed. Entries are keyed by the store's host
and the full path, and by a generation number: bumping it (a page published or unpublished, a
variant's stock status changed) retires every entry at once, in every worker, because the number
lives in the same shared cache.

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
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token

logger = logging.getLogger(__name__)

CACHE_ALIAS = "pages"
GENERATION_KEY = "magpie.page_cache.generation"
CSRF_PLACEHOLDER = "__magpie_csrf_token__"
CACHE_HEADER = "X-Magpie-Page-Cache"  # HIT or MISS, for operators and the benchmark
_CSRF_INPUT = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
_KEPT_HEADERS = ("Content-Type", "Content-Language")


def page_cache_invalidate(*, reason: str) -> None:
    """Retire every cached page (all stores): the next anonymous request renders afresh."""
    cache = caches[CACHE_ALIAS]
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no generation yet (or evicted): start one that no old entry used
        cache.set(GENERATION_KEY, time.time_ns(), timeout=None)
    logger.info("page cache invalidated", extra={"reason": reason})


def _generation() -> int:
    cache = caches[CACHE_ALIAS]
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        generation = time.time_ns()
        cache.add(GENERATION_KEY, generation, timeout=None)
        generation = cache.get(GENERATION_KEY, generation)
    return int(generation)


def _cache_key(request: HttpRequest, generation: int) -> str:
    url = f"{request.get_host().lower()}{request.get_full_path()}"
    return f"magpie.page:{generation}:{hashlib.sha256(url.encode()).hexdigest()}"


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
        key = _cache_key(request, _generation())
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


def _invalidate_after_commit(sender: object, **kwargs: object) -> None:
    """Wagtail's page_published, page_unpublished and post_page_move: the page and every listing
    that shows it (shop, collections, home blocks, search) change once the transaction commits."""
    transaction.on_commit(lambda: page_cache_invalidate(reason=f"page {getattr(sender, '__name__', sender)}"))


def connect() -> None:
    from wagtail.signals import page_published, page_unpublished, post_page_move

    page_published.connect(_invalidate_after_commit, dispatch_uid="magpie_page_cache_published")
    page_unpublished.connect(_invalidate_after_commit, dispatch_uid="magpie_page_cache_unpublished")
    post_page_move.connect(_invalidate_after_commit, dispatch_uid="magpie_page_cache_moved")
