"""Owners get every inventory permission; Managers run stock (view and change levels and locations,
view movements, edit the store's inventory settings). Customer service and Marketers get none."""

from django.db import migrations

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


def grant(apps, schema_editor):
    permissions_create_all(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    inventory = Permission.objects.filter(content_type__app_label="inventory")
    for group in Group.objects.filter(name=OWNER):
        group.permissions.add(*inventory)
    for group in Group.objects.filter(name=MANAGER):
        group.permissions.add(*inventory.filter(codename__in=MANAGER_PERMISSIONS))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name__in=[OWNER, MANAGER]):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="inventory"))


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0002_opening_stock"),
        ("accounts", "0003_staff_role_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
