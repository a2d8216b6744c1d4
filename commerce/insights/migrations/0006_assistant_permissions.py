"""Owners and Managers may ask the insights assistant; Owners read its log (see
``commerce.insights.roles``)."""

from django.db import migrations

from commerce.insights.roles import assistant_permissions_grant, assistant_permissions_revoke


def grant(apps, schema_editor):
    assistant_permissions_grant(apps)


def revoke(apps, schema_editor):
    assistant_permissions_revoke(apps)


class Migration(migrations.Migration):
    dependencies = [("insights", "0005_insight_questions_and_usage"), ("accounts", "0003_staff_role_groups")]

    operations = [migrations.RunPython(grant, revoke)]
