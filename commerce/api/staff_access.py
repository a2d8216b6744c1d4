"""Who may call a staff endpoint: the checks the admin screens make, nothing of our own.

A staff view names the permissions its admin screen asks for (``staff_permissions``: a method's
own entry, else ``"*"``); the caller must be active staff (``is_staff``, kept in step with the
roles by ``accounts.staff``), may open the admin (``wagtailadmin.access_admin``) and hold those
permissions. Which objects they see is the admin's store scope (``stores.admin_scope``) with
row-level security underneath. Anonymous callers get 403 ``not_authenticated`` (DRF's answer when
the first authentication class, the session, sends no challenge); customers 403 ``permission_denied``.

Views keep the project's default permission classes in front of this one (``STAFF_PERMISSION_CLASSES``),
so a default added there (the tokens' scope check, say) still runs on staff endpoints.
"""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.settings import api_settings

from commerce.accounts.roles import ACCESS_ADMIN
from commerce.stores.admin_scope import scope_queryset
from commerce.stores.models import Store


def staff_may(user: Any, permissions: tuple[str, ...]) -> bool:
    """Whether ``user`` is active staff who may open the admin and holds every one of ``permissions``."""
    if user is None or not user.is_authenticated or not user.is_active or not user.is_staff:
        return False
    return user.has_perm(ACCESS_ADMIN) and all(user.has_perm(permission) for permission in permissions)


class StaffRolePermission(BasePermission):
    message = "Your role does not allow this."

    def has_permission(self, request: Request, view: Any) -> bool:
        required: dict[str, tuple[str, ...]] = getattr(view, "staff_permissions", {})
        method = "GET" if request.method in ("HEAD", "OPTIONS") else request.method or ""
        permissions = required.get(method, required.get("*"))
        if permissions is None:
            return False  # a method the view does not declare: refuse rather than allow
        return staff_may(request.user, permissions)


def staff_permission_classes() -> list[type[BasePermission]]:
    """The project's default permission classes (read now, so settings overrides apply), then the role check."""
    return [*api_settings.DEFAULT_PERMISSION_CLASSES, StaffRolePermission]


class StaffViewMixin:
    """For a staff view: the default permissions plus the admin's role checks."""

    def get_permissions(self) -> list[BasePermission]:
        return [permission() for permission in staff_permission_classes()]


def staff_store(user: Any, store_id: int | None) -> Store | None:
    """The store ``store_id`` if it is one of ``user``'s stores (None when no id is given); an
    unknown store, or another's, is a 400 naming ``store`` (the admin's filter offers only theirs)."""
    if store_id is None:
        return None
    store = scope_queryset(Store.objects.all(), user).filter(pk=store_id).first()
    if store is None:
        raise ValidationError({"store": ["Not one of your stores."]})
    return store
