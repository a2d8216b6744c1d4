"""Owners and Managers fulfil; Owners, Managers and Customer service run returns (see ``commerce.orders.roles``)."""

from django.db import migrations

from commerce.orders.roles import fulfilment_permissions_grant, fulfilment_permissions_revoke


def grant(apps, schema_editor):
    fulfilment_permissions_grant(apps)


def revoke(apps, schema_editor):
    fulfilment_permissions_revoke(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0008_fulfilments_and_returns"),
        ("accounts", "0003_staff_role_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
