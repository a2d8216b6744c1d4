"""Who sees the reports and the insights assistant: Owners and Managers (``insights.view_reports``,
``insights.use_assistant``); Customer service and
Marketers do not. Applied by ``insights.0003`` and ``insights.0005``."""

from __future__ import annotations

from typing import Any

from commerce.accounts.roles import MANAGER, OWNER, app_permissions_grant, app_permissions_revoke

REPORT_PERMISSIONS = {OWNER: ("view_reports",), MANAGER: ("view_reports",)}

# The insights assistant (issue 14): Owners and Managers ask (``insights.use_assistant``); Owners
# also read every question in the audit log (``insights.view_insightquestion``).
ASSISTANT_PERMISSIONS = {OWNER: ("use_assistant", "view_insightquestion"), MANAGER: ("use_assistant",)}


def report_permissions_grant(apps: Any) -> None:
    app_permissions_grant(apps, app_label="insights", grants=REPORT_PERMISSIONS)


def report_permissions_revoke(apps: Any) -> None:
    app_permissions_revoke(apps, app_label="insights", grants=REPORT_PERMISSIONS)


def assistant_permissions_grant(apps: Any) -> None:
    app_permissions_grant(apps, app_label="insights", grants=ASSISTANT_PERMISSIONS)


def assistant_permissions_revoke(apps: Any) -> None:
    app_permissions_revoke(apps, app_label="insights", grants=ASSISTANT_PERMISSIONS)
