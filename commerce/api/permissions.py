"""Token scopes, enforced for every view (the default permission class, with ``IsAuthenticated``).

A view of the staff API declares ``token_scope = "<area>"`` (orders, customers, inventory,
discounts, gift_cards). A token request then needs ``<area>:read`` for GET/HEAD/OPTIONS and
``<area>:write`` otherwise, and its owner must still hold the permission that scope stands for
(a demoted owner's token loses what the role lost). A view without ``token_scope`` refuses token
requests (403 ``token_not_allowed``), except safe methods on views anyone may call (the public
catalogue). Session requests are not affected: the views check their users' roles and
permissions as the admin screens do.
"""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.request import Request

from .models import ApiToken
from .scopes import AREAS, SAFE_METHODS, SCOPE_PERMISSIONS, scope_for

# ``token_scope = ANY_TOKEN``: any valid token, whatever its scopes (the token's own "whoami").
ANY_TOKEN = "any_token"  # noqa: S105 - a marker, not a secret


def token_of(request: Request) -> ApiToken | None:
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, ApiToken) else None


def _anyone_may_call(view: Any) -> bool:
    permissions = [p for p in view.get_permissions() if not isinstance(p, TokenScopePermission)]
    return bool(permissions) and all(isinstance(p, AllowAny) for p in permissions)


def enforce_token_scope(request: Request, view: Any, token: ApiToken) -> None:
    """Raise PermissionDenied unless ``token`` may make this request on ``view``."""
    area = getattr(view, "token_scope", None)
    if area == ANY_TOKEN:
        return
    if area is None:
        if request.method in SAFE_METHODS and _anyone_may_call(view):
            return
        raise PermissionDenied("API tokens may not call this endpoint.", code="token_not_allowed")
    if area not in AREAS:
        raise ValueError(f"{type(view).__name__}.token_scope must be one of {AREAS}, not {area!r}")
    needed = scope_for(area, request.method or "GET")
    if needed not in token.scopes:
        raise PermissionDenied(f"This token lacks the scope {needed}.", code="insufficient_scope")
    if not token.owner.has_perm(SCOPE_PERMISSIONS[needed]):
        raise PermissionDenied(f"The token's owner may no longer use the scope {needed}.", code="insufficient_scope")


def token_scope_checked_by_view(view: Any) -> bool:
    return any(isinstance(cls, type) and issubclass(cls, TokenScopePermission) for cls in view.permission_classes)


class TokenScopePermission(BasePermission):
    """Token requests: the view's ``token_scope`` decides. Other requests: allowed (the next
    permission classes and the view decide)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        token = token_of(request)
        if token is not None:
            enforce_token_scope(request, view, token)
        return True


class IsTokenRequest(BasePermission):
    """Only token requests (the token describing itself)."""

    message = "Only API token requests may call this endpoint."
    code = "token_required"

    def has_permission(self, request: Request, view: Any) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False  # DRF answers not_authenticated
        return token_of(request) is not None
