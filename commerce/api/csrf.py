"""CSRF for cookie sessions, anonymous ones included.

DRF's ``SessionAuthentication`` checks CSRF only for a signed-in user; a visitor's cart lives in
their session too, so any unsafe request that carries a session cookie must carry the CSRF token
(header ``X-CSRFToken``, from the ``csrftoken`` cookie that ``GET /api/v1/cart/`` sets). A request
with no session cookie has no cart to forge changes to.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.middleware.csrf import CsrfViewMiddleware
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class _Check(CsrfViewMiddleware):
    def _reject(self, request: Any, reason: str) -> str:
        return reason


def enforce_session_csrf(request: Request) -> None:
    if request.method in SAFE_METHODS or settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return
    http_request = request._request
    check = _Check(lambda req: None)
    check.process_request(http_request)
    reason = check.process_view(http_request, None, (), {})
    if reason:
        raise PermissionDenied(f"CSRF failed: {reason}")
