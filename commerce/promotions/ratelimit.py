"""The gift card code budget, on the generic counter in ``commerce.core.ratelimits``
(``rate_limit``, ``client_ip`` and ``RateLimitResult`` are re-exported here for older callers).

Gift card codes are guessed through two doors, the balance check and the cart's "apply gift card";
both count against one budget, per client IP and per session.
"""

from __future__ import annotations

import math

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

from commerce.core.ratelimits import RateLimitResult, client_ip, rate_limit

__all__ = [
    "GIFT_CARD_ATTEMPTS",
    "GIFT_CARD_WINDOW_SECONDS",
    "RateLimitResult",
    "client_ip",
    "gift_card_attempt",
    "gift_card_attempt_limited",
    "rate_limit",
    "retry_message",
]

GIFT_CARD_ATTEMPTS = 10
GIFT_CARD_WINDOW_SECONDS = 600


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
