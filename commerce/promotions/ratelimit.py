"""Rate limits on Django's cache (Redis in production, locmem in dev and tests).

``rate_limit`` is a fixed-window counter: ``cache.add`` creates the window's key (only the first
caller wins) and ``cache.incr`` counts atomically, so concurrent requests on any number of web
processes sharing the cache cannot slip past the limit. Windows are aligned to the epoch, which
makes ``retry_after`` exact.

Gift card codes are guessed through two doors, the balance check and the cart's "apply gift card";
both count against one budget, per client IP and per session.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

GIFT_CARD_ATTEMPTS = 10
GIFT_CARD_WINDOW_SECONDS = 600


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


def gift_card_attempt(request: HttpRequest) -> RateLimitResult:
    """Count one gift card code attempt for the client's IP, then for its session.

    Every attempt counts, valid or not. A request refused by the IP limit does not count against
    the session. The session is created if need be, so a shopper without one is still counted."""
    limit = getattr(settings, "MAGPIE_GIFT_CARD_ATTEMPTS", GIFT_CARD_ATTEMPTS)
    window = getattr(settings, "MAGPIE_GIFT_CARD_WINDOW_SECONDS", GIFT_CARD_WINDOW_SECONDS)
    by_ip = rate_limit(key=f"gift-card-code:ip:{client_ip(request)}", limit=limit, window_seconds=window)
    if not by_ip.allowed:
        return by_ip
    if request.session.session_key is None:
        request.session.save()
    return rate_limit(key=f"gift-card-code:session:{request.session.session_key}", limit=limit, window_seconds=window)


def retry_message(retry_after: int) -> str:
    minutes = math.ceil(retry_after / 60)
    wait = f"{minutes} minute{'s' if minutes != 1 else ''}" if retry_after > 60 else "a minute"
    return f"Too many gift card attempts. For your security, please try again in {wait}."


def gift_card_attempt_limited(request: HttpRequest) -> HttpResponse | None:
    """None when the attempt may go ahead; else a 429 (JSON or HTML) with a Retry-After header."""
    result = gift_card_attempt(request)
    if result.allowed:
        return None
    message = retry_message(result.retry_after)
    if "application/json" in request.headers.get("Accept", ""):
        response: HttpResponse = JsonResponse(
            {"error": "rate_limited", "field": "gift_card", "message": message}, status=429
        )
    else:
        response = HttpResponse(
            render_to_string("promotions/rate_limited.html", {"message": message}, request=request), status=429
        )
    response["Retry-After"] = str(result.retry_after)
    return response
