"""Owners and Managers issue and revoke API tokens (see ``commerce.api.roles``)."""

from django.db import migrations

from commerce.api.roles import token_permissions_grant, token_permissions_revoke


def grant(apps, schema_editor):
    token_permissions_grant(apps)


def revoke(apps, schema_editor):
    token_permissions_revoke(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0001_api_tokens"),
        ("accounts", "0003_staff_role_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
