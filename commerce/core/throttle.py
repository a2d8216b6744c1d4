"""One throttle for every door a guesser knocks on: signing in, signing up and password resets (the
storefront's and Wagtail's admin's), discount codes, gift card codes and the payment POST.

Built on the ``limits`` library's *moving window* (a true sliding window: an attempt counts for
exactly ``window`` seconds after it was made, so a burst straddling a window's edge cannot double
the budget the way a fixed window lets it). Counters live in ``settings.MAGPIE_THROTTLE_STORAGE``:
Redis when ``REDIS_URL`` is set (every web process shares them), else process memory.

Each attempt is counted under every key that applies, and refused when any key is spent:

- the client (its IP address, see ``client_ip``);
- its session, when it has one (an attacker hopping addresses keeps their cookie or loses their cart);
- the account tried (the email typed), for the authentication scopes: a password guesser spread over
  many addresses still gets only ``limit`` tries at one account.

Scopes and their ``(limit, window_seconds)`` are in ``settings.MAGPIE_THROTTLES``; every refusal is
the one 429 of ``throttled_response``. Identifiers are hashed before they reach the store.
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
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from limits import RateLimitItemPerSecond
from limits.storage import Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

View = Callable[..., HttpResponse]

# What the shopper was trying, for the message and the JSON body's field.
SCOPE_WORDS = {"gift_card": "gift card attempts", "discount_code": "discount code attempts"}
SCOPE_FIELDS = {"gift_card": "gift_card", "discount_code": "code", "login": "username", "admin_login": "username"}


@dataclass(frozen=True)
class ThrottleResult:
    scope: str
    allowed: bool
    retry_after: int  # seconds until the oldest counted attempt leaves the window; 0 when allowed


@functools.cache
def _limiter(storage_uri: str) -> MovingWindowRateLimiter:
    return MovingWindowRateLimiter(storage_from_string(storage_uri))


def throttle_storage() -> Storage:
    return _limiter(settings.MAGPIE_THROTTLE_STORAGE).storage


def throttle_reset() -> None:
    """Forget every counter (tests, or an operator lifting a lock-out)."""
    throttle_storage().reset()


def scope_limit(scope: str) -> tuple[int, int]:
    """``(limit, window_seconds)`` for ``scope`` from ``settings.MAGPIE_THROTTLES``."""
    limit, window = settings.MAGPIE_THROTTLES[scope]
    return int(limit), int(window)


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR; behind a trusted proxy (``MAGPIE_TRUST_PROXY_HEADERS``), the address that proxy
    saw, i.e. the last entry of X-Forwarded-For (earlier entries are whatever the client claimed)."""
    if getattr(settings, "MAGPIE_TRUST_PROXY_HEADERS", False):
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR") or "unknown"


def throttle_keys(request: HttpRequest, *, account: str | None = None) -> list[str]:
    """The keys one attempt counts under: client, session (if any) and account (if given)."""
    keys = [f"ip:{client_ip(request)}"]
    session = getattr(request, "session", None)
    if session is not None and session.session_key:
        keys.append(f"session:{session.session_key}")
    if account and account.strip():
        keys.append(f"account:{account.strip().lower()}")
    return keys


def throttle_hit(*, scope: str, keys: Iterable[str]) -> ThrottleResult:
    """Count one attempt in ``scope`` under each key, stopping at the first spent one."""
    limit, window = scope_limit(scope)
    item = RateLimitItemPerSecond(limit, window, namespace=f"magpie-{scope}")
    limiter = _limiter(settings.MAGPIE_THROTTLE_STORAGE)
    for key in keys:
        hashed = hashlib.sha256(key.encode()).hexdigest()
        if not limiter.hit(item, hashed):
            reset_at = limiter.get_window_stats(item, hashed).reset_time
            return ThrottleResult(scope=scope, allowed=False, retry_after=max(1, math.ceil(reset_at - time.time())))
    return ThrottleResult(scope=scope, allowed=True, retry_after=0)


def throttle_attempt(
    request: HttpRequest, *, scope: str, account: str | None = None, ensure_session: bool = False
) -> ThrottleResult:
    """Count one attempt of ``request`` in ``scope`` (client, session and, if given, account).

    ``ensure_session`` gives a visitor without a session one first, so it is counted too (the code
    scopes, where a visitor has a cart anyway)."""
    if ensure_session and request.session.session_key is None:
        request.session.save()
    return throttle_hit(scope=scope, keys=throttle_keys(request, account=account))


def wait_message(result: ThrottleResult) -> str:
    minutes = math.ceil(result.retry_after / 60)
    wait = f"{minutes} minute{'s' if minutes != 1 else ''}" if result.retry_after > 60 else "a minute"
    return f"Too many {SCOPE_WORDS.get(result.scope, 'attempts')}. For your security, please try again in {wait}."


def throttled_response(request: HttpRequest, result: ThrottleResult) -> HttpResponse:
    """The one 429: a JSON body for ``Accept: application/json``, else a page; Retry-After either way."""
    message = wait_message(result)
    if "application/json" in request.headers.get("Accept", ""):
        body = {
            "status": "failed",
            "error": "rate_limited",
            "scope": result.scope,
            "field": SCOPE_FIELDS.get(result.scope),
            "message": message,
            "retry_after": result.retry_after,
        }
        response: HttpResponse = JsonResponse(body, status=429)
    else:
        html = render_to_string("rate_limited.html", {"message": message}, request=request)
        response = HttpResponse(html, status=429)
    response["Retry-After"] = str(result.retry_after)
    return response


def throttled(
    scope: str, *, methods: Iterable[str] = ("POST",), account_field: str | None = None
) -> Callable[[View], View]:
    """Put a view behind ``scope``: requests with one of ``methods`` count (by client, session and,
    with ``account_field``, the POSTed account); over the limit the view is not called."""
    counted = frozenset(method.upper() for method in methods)

    def decorator(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method in counted:
                account = request.POST.get(account_field, "") if account_field else None
                result = throttle_attempt(request, scope=scope, account=account)
                if not result.allowed:
                    return throttled_response(request, result)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
