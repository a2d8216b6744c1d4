"""Rate limits on Django's cache (Redis in production, locmem in dev and tests).

``rate_limit`` is a fixed-window counter: ``cache.add`` creates the window's key (only the first
caller wins) and ``cache.incr`` counts atomically, so concurrent requests on any number of web
processes sharing the cache cannot slip past the limit. Windows are aligned to the epoch, which
makes ``retry_after`` exact.

``rate_limited`` puts a view behind such a counter, per client IP and, when the visitor already
has one, per session. Each scope (``"login"``, ``"signup"``...) counts on its own; its numbers come
from ``settings.MAGPIE_RATE_LIMITS[scope]`` when set there, else from the decorator's arguments.
"""

from __future__ import annotations

import functools
import hashlib
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import engines

View = Callable[..., HttpResponse]

RATE_LIMITED_PAGE = """{% extends "base.html" %}
{% block title %}Too many attempts{% endblock %}
{% block meta %}<meta name="robots" content="noindex">{% endblock %}
{% block content %}
<div class="container auth">
  <header class="page-header"><h1>Too many attempts</h1></header>
  <div class="message message--error" role="alert"><p>{{ message }}</p></div>
  <p><a href="/">Back to the shop</a></p>
</div>
{% endblock %}
"""


@dataclass(frozen=True)
class RateLimitResult:
    allowed: bool
    retry_after: int  # seconds until the window resets; 0 when allowed


def rate_limit(*, key: str, limit: int, window_seconds: int) -> RateLimitResult:
    """Count one attempt against ``key``; allowed while at most ``limit`` attempts fall in the window."""
    now = time.time()
    window = int(now // window_seconds)
    resets_in = max(1, math.ceil((window + 1) * window_seconds - now))
    # Hashed: keys hold IPs and session keys, which have no business sitting in the cache in clear.
    cache_key = f"ratelimit:{hashlib.sha256(key.encode()).hexdigest()}:{window_seconds}:{window}"
    cache.add(cache_key, 0, timeout=resets_in + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # evicted or expired between add and incr: this attempt opens a new count
        cache.add(cache_key, 0, timeout=resets_in + 1)
        count = cache.incr(cache_key)
    allowed = count <= limit
    return RateLimitResult(allowed=allowed, retry_after=0 if allowed else resets_in)


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR; behind a trusted proxy (``MAGPIE_TRUST_PROXY_HEADERS``), the address that proxy
    saw, i.e. the last entry of X-Forwarded-For (earlier entries are whatever the client claimed)."""
    if getattr(settings, "MAGPIE_TRUST_PROXY_HEADERS", False):
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR") or "unknown"


def scope_limit(scope: str, *, limit: int, window_seconds: int) -> tuple[int, int]:
    """``(limit, window_seconds)`` for ``scope``: the setting's when it names the scope, else the defaults."""
    configured = getattr(settings, "MAGPIE_RATE_LIMITS", {}).get(scope)
    if configured is None:
        return limit, window_seconds
    configured_limit, configured_window = configured
    return int(configured_limit), int(configured_window)


def request_attempt(request: HttpRequest, *, scope: str, limit: int, window_seconds: int) -> RateLimitResult:
    """Count one attempt in ``scope`` for the client's IP, then for its session if it has one.

    A request refused by the IP limit does not count against the session."""
    by_ip = rate_limit(key=f"{scope}:ip:{client_ip(request)}", limit=limit, window_seconds=window_seconds)
    if not by_ip.allowed:
        return by_ip
    session = getattr(request, "session", None)
    session_key = session.session_key if session is not None else None
    if session_key is None:
        return by_ip
    return rate_limit(key=f"{scope}:session:{session_key}", limit=limit, window_seconds=window_seconds)


def wait_message(retry_after: int) -> str:
    minutes = math.ceil(retry_after / 60)
    wait = f"{minutes} minute{'s' if minutes != 1 else ''}" if retry_after > 60 else "a minute"
    return f"Too many attempts. For your security, please try again in {wait}."


def rate_limited_response(request: HttpRequest, *, scope: str, retry_after: int) -> HttpResponse:
    """A 429 with a Retry-After header: JSON for a request that asks for it, else an HTML page."""
    message = wait_message(retry_after)
    if "application/json" in request.headers.get("Accept", ""):
        response: HttpResponse = JsonResponse(
            {
                "status": "failed",
                "error": "rate_limited",
                "scope": scope,
                "message": message,
                "retry_after": retry_after,
            },
            status=429,
        )
    else:
        page = engines["django"].from_string(RATE_LIMITED_PAGE)
        response = HttpResponse(page.render({"message": message}, request=request), status=429)
    response["Retry-After"] = str(retry_after)
    return response


def rate_limited(
    *, scope: str, limit: int, window_seconds: int, methods: Iterable[str] = ("POST",)
) -> Callable[[View], View]:
    """Limit a view to ``limit`` requests per ``window_seconds`` per client IP and per session.

    Only requests with one of ``methods`` count; the rest pass untouched. Over the limit, the view
    is not called and the client gets a 429 (see ``rate_limited_response``)."""
    counted = frozenset(method.upper() for method in methods)

    def decorator(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method in counted:
                scope_max, scope_window = scope_limit(scope, limit=limit, window_seconds=window_seconds)
                result = request_attempt(request, scope=scope, limit=scope_max, window_seconds=scope_window)
                if not result.allowed:
                    return rate_limited_response(request, scope=scope, retry_after=result.retry_after)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
