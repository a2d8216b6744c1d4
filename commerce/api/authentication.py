"""``Authorization: Bearer mgp_...``: token authentication, second after the session.

A request that sends a Bearer header is a token request: a malformed, unknown, revoked or expired
token, or one whose owner is no longer active staff, is a 401 in the API's error shape (code
``invalid_token``, with ``WWW-Authenticate: Bearer``), never an anonymous request. A good token
authenticates as its owner and switches the request's row-level security context to the owner's
own, narrowed to the token's stores; ``RowLevelSecurityMiddleware`` restores the previous context
when the response is done, as it does for every request. The token's scopes are enforced by
:class:`commerce.api.permissions.TokenScopePermission`.
"""

from __future__ import annotations

import logging
from typing import Any

from rest_framework import exceptions, status
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from commerce.core.rls import activate
from commerce.core.rls.middleware import is_managed

from .models import ApiToken
from .permissions import enforce_token_scope, token_scope_checked_by_view
from .tokens import TokenInvalid, api_token_touch, api_token_verify, token_context

logger = logging.getLogger(__name__)
KEYWORD = "Bearer"


class InvalidToken(exceptions.APIException):
    """401 whatever authentication class comes first (DRF turns an ``AuthenticationFailed`` into
    a 403 when the first class, the session's, sends no ``WWW-Authenticate``)."""

    status_code = status.HTTP_401_UNAUTHORIZED
    default_detail = "The API token is invalid, revoked or expired."
    default_code = "invalid_token"
    auth_header = f'{KEYWORD} realm="api", error="invalid_token"'


class BearerTokenAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != KEYWORD.lower().encode():
            return None
        if len(header) != 2:
            raise InvalidToken("Send the token as 'Authorization: Bearer <token>'.")
        try:
            raw = header[1].decode("ascii")
            token = api_token_verify(raw)
        except (UnicodeDecodeError, TokenInvalid) as error:
            logger.info("API token refused (%s)", getattr(error, "reason", "not ascii"))
            raise InvalidToken() from error
        if not is_managed(request._request):
            # Only the middleware restores the context after the response: without it the token's
            # context would outlive the request on this thread.
            raise RuntimeError("token authentication needs RowLevelSecurityMiddleware")
        activate(token_context(token))
        api_token_touch(token=token)
        view = (request.parser_context or {}).get("view")
        if view is not None and not token_scope_checked_by_view(view):
            # A view that replaced the default permissions (AllowAny on the storefront) still
            # refuses tokens outside their scope.
            enforce_token_scope(request, view, token)
        return token.owner, token

    def authenticate_header(self, request: Request) -> str:
        return f'{KEYWORD} realm="api"'
