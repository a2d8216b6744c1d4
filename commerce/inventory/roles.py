"""What the staff roles may do with stock. Owners: everything; Managers run stock (levels,
locations, the ledger, the store's inventory settings); Customer service and Marketers: nothing.

Kept beside inventory (not in ``accounts.roles``, which the accounts migration applies before this
app's tables exist) and applied by ``inventory.0003``."""

from __future__ import annotations

from typing import Any

from commerce.accounts.roles import MANAGER, OWNER, permissions_create_all

MANAGER_PERMISSIONS = (
    "view_stocklevel",
    "change_stocklevel",
    "view_stocklocation",
    "add_stocklocation",
    "change_stocklocation",
    "view_stockmovement",
    "change_inventorysettings",
)


def inventory_permissions_grant(apps: Any) -> None:
    permissions_create_all(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    inventory = Permission.objects.filter(content_type__app_label="inventory")
    for group in Group.objects.filter(name=OWNER):
        group.permissions.add(*inventory)
    for group in Group.objects.filter(name=MANAGER):
        group.permissions.add(*inventory.filter(codename__in=MANAGER_PERMISSIONS))


def inventory_permissions_revoke(apps: Any) -> None:
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name__in=[OWNER, MANAGER]):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="inventory"))
