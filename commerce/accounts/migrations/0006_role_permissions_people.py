"""The roles gain what issue 11 adds (see ``accounts.roles``): Managers publish discounts and see
customers; Customer service exports a customer's data; Marketers lose discount codes (they draft
discounts only); Owners get the new apps' permissions."""

from typing import Any

from django.db import migrations

from commerce.accounts.roles import role_groups_sync


def forwards(apps: Any, schema_editor: Any) -> None:
    role_groups_sync(apps, strict=False)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_staff_invitations_customer_permissions"),
        ("inventory", "0003_role_permissions"),
        ("promotions", "0002_discount_publish_permission"),
        ("people", "0001_customer_notes"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
