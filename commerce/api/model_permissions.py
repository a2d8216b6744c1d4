"""Staff calls are allowed exactly as the admin screens allow them: by the Django permissions the
role groups grant (``commerce.accounts.roles``), checked with ``user.has_perm``, after the default
permission classes (signed in; for an API token, its ``<token_scope>:read|write`` scope).

A staff view declares ``required_permissions``: HTTP method → the permissions the admin screen
doing the same thing requires (e.g. the Inventory screen's "Adjust" needs
``inventory.change_stocklevel``). Store scope is not a permission: the views' querysets are narrowed
to the caller's stores (``commerce.stores.admin_scope``), and RLS underneath refuses the rest.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from commerce.accounts.roles import ACCESS_ADMIN


class StaffModelPermissions(BasePermission):
    """Active staff who can open the admin and hold every permission the method requires."""

    message = "Your role does not allow this."

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.is_active and user.is_staff):
            return False
        wanted = view.required_permissions.get(request.method)
        if wanted is None and request.method in ("HEAD", "OPTIONS"):
            wanted = view.required_permissions.get("GET")
        if wanted is None:  # a method the view does not declare: let the view answer 405
            return True
        return user.has_perms((ACCESS_ADMIN, *wanted))


class StaffPermissionsMixin:
    """For staff API views: the default permission classes, then ``StaffModelPermissions``."""

    token_scope: ClassVar[str]
    required_permissions: ClassVar[dict[str, tuple[str, ...]]] = {}

    def get_permissions(self) -> list[BasePermission]:
        return [*super().get_permissions(), StaffModelPermissions()]  # type: ignore[misc]
