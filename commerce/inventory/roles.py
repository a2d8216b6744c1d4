"""What the staff roles may do with stock. The permissions themselves are declared with every
other role permission in ``commerce.accounts.roles`` (Owners: everything; Managers run stock;
Customer service and Marketers: nothing); ``inventory.0003`` applies them once this app's tables
exist, through the same sync."""

from __future__ import annotations

from typing import Any

from commerce.accounts.roles import MANAGER, OWNER, role_groups_sync


def inventory_permissions_grant(apps: Any) -> None:
    role_groups_sync(apps, strict=False)


def inventory_permissions_revoke(apps: Any) -> None:
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name__in=[OWNER, MANAGER]):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="inventory"))
