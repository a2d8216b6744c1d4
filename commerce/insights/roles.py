"""Who sees the reports and the insights assistant: Owners and Managers (``insights.view_reports``,
``insights.use_assistant``); Customer service and
Marketers do not. Applied by ``insights.0003`` and ``insights.0005``."""

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


# The insights assistant (issue 14): Owners and Managers ask (``insights.use_assistant``); Owners
# also read every question in the audit log (``insights.view_insightquestion``).
ASSISTANT_PERMISSIONS = {OWNER: ("use_assistant", "view_insightquestion"), MANAGER: ("use_assistant",)}


def assistant_permissions_grant(apps: Any) -> None:
    permissions_create_all(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name__in=ASSISTANT_PERMISSIONS):
        codenames = ASSISTANT_PERMISSIONS[group.name]
        group.permissions.add(*Permission.objects.filter(content_type__app_label="insights", codename__in=codenames))


def assistant_permissions_revoke(apps: Any) -> None:
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = {codename for names in ASSISTANT_PERMISSIONS.values() for codename in names}
    for group in Group.objects.filter(name__in=ASSISTANT_PERMISSIONS):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="insights", codename__in=codenames))
