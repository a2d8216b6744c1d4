"""Who may issue and revoke API tokens: Owners and Managers (``api.manage_apitoken``).

Kept beside the API (as ``commerce.orders.roles`` is beside orders): the accounts migration that
creates the role groups runs before this table exists. Applied by ``api.0002_token_permission``.
"""

from __future__ import annotations

from typing import Any

from commerce.accounts.roles import MANAGER, OWNER, permissions_create_all

GRANTS: dict[str, tuple[str, ...]] = {OWNER: ("manage_apitoken",), MANAGER: ("manage_apitoken",)}


def token_permissions_grant(apps: Any) -> None:
    permissions_create_all(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        permissions = Permission.objects.filter(content_type__app_label="api", codename__in=codenames)
        for group in Group.objects.filter(name=name):
            group.permissions.add(*permissions)


def token_permissions_revoke(apps: Any) -> None:
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = {codename for granted in GRANTS.values() for codename in granted}
    permissions = Permission.objects.filter(content_type__app_label="api", codename__in=codenames)
    for group in Group.objects.filter(name__in=list(GRANTS)):
        group.permissions.remove(*permissions)
