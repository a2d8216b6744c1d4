"""API rate limits on the project's one throttle (commerce.core.throttle: Redis moving window).

Anonymous callers count per client address (``api_anon``), signed-in callers per user
(``api_user``) and token requests per token (``api_token``: an integration's budget is its own,
not shared with its owner's browser). Limits are ``settings.MAGPIE_THROTTLES[...]``.
"""

from __future__ import annotations

from typing import Any

from rest_framework.throttling import BaseThrottle

from commerce.core.throttle import client_ip, throttle_hit

from .models import ApiToken


class ApiThrottle(BaseThrottle):
    def __init__(self) -> None:
        self._retry_after: int | None = None

    def allow_request(self, request: Any, view: Any) -> bool:
        user = getattr(request, "user", None)
        token = getattr(request, "auth", None)
        if isinstance(token, ApiToken):
            scope, keys = "api_token", [f"token:{token.pk}"]
        elif user is not None and user.is_authenticated:
            scope, keys = "api_user", [f"user:{user.pk}"]
        else:
            scope, keys = "api_anon", [f"ip:{client_ip(request)}"]
        result = throttle_hit(scope=scope, keys=keys)
        self._retry_after = result.retry_after or None
        return result.allowed

    def wait(self) -> float | None:
        return self._retry_after
