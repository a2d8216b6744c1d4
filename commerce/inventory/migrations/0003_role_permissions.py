"""Owners and Managers get the inventory permissions (see ``commerce.inventory.roles``)."""

from django.db import migrations

from commerce.inventory.roles import inventory_permissions_grant, inventory_permissions_revoke


def grant(apps, schema_editor):
    inventory_permissions_grant(apps)


def revoke(apps, schema_editor):
    inventory_permissions_revoke(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0002_opening_stock"),
        ("accounts", "0003_staff_role_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
