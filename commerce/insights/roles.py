"""Who sees the reports: Owners and Managers (``insights.view_reports``); Customer service and
Marketers do not. Applied by ``insights.0003``."""

from __future__ import annotations

from typing import Any

from commerce.accounts.roles import MANAGER, OWNER, permissions_create_all


def report_permissions_grant(apps: Any) -> None:
    permissions_create_all(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    reports = Permission.objects.filter(content_type__app_label="insights", codename="view_reports")
    for group in Group.objects.filter(name__in=[OWNER, MANAGER]):
        group.permissions.add(*reports)


def report_permissions_revoke(apps: Any) -> None:
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name__in=[OWNER, MANAGER]):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="insights"))
