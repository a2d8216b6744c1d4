"""API rate limits on the project's one throttle (commerce.core.throttle: Redis moving window).

Anonymous callers count per client address (``api_anon``); signed-in callers and tokens per user
(``api_user``). Limits are ``settings.MAGPIE_THROTTLES["api_anon"|"api_user"]``.
"""

from __future__ import annotations

from typing import Any

from rest_framework.throttling import BaseThrottle

from commerce.core.throttle import client_ip, throttle_hit


class ApiThrottle(BaseThrottle):
    def __init__(self) -> None:
        self._retry_after: int | None = None

    def allow_request(self, request: Any, view: Any) -> bool:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            scope, keys = "api_user", [f"user:{user.pk}"]
        else:
            scope, keys = "api_anon", [f"ip:{client_ip(request)}"]
        result = throttle_hit(scope=scope, keys=keys)
        self._retry_after = result.retry_after or None
        return result.allowed

    def wait(self) -> float | None:
        return self._retry_after
