"""Owners and Managers may view the reports (see ``commerce.insights.roles``)."""

from django.db import migrations

from commerce.insights.roles import report_permissions_grant, report_permissions_revoke


def grant(apps, schema_editor):
    report_permissions_grant(apps)


def revoke(apps, schema_editor):
    report_permissions_revoke(apps)


class Migration(migrations.Migration):
    dependencies = [("insights", "0002_report_access"), ("accounts", "0003_staff_role_groups")]

    operations = [migrations.RunPython(grant, revoke)]
