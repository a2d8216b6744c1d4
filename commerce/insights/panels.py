"""The admin home's sales panel: today and the last 7 days against the period before, per
currency, in the staff member's stores (Owners and Managers: ``insights.view_reports``)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from .metrics import sales_summary
from .metrics_scope import Period
from .panel_guard import TimeoutGuardedPanel


def _compare(user: Any, period: Period) -> list[dict[str, Any]]:
    now = {row.currency: row for row in sales_summary(user=user, period=period)}
    before = {row.currency: row for row in sales_summary(user=user, period=period.previous())}
    return [
        {"currency": currency, "now": now.get(currency), "before": before.get(currency)}
        for currency in sorted(set(now) | set(before))
    ]


class SalesPanel(TimeoutGuardedPanel):
    name = "sales"
    heading = "Sales"
    order = 50
    template_name = "insights/sales_panel.html"

    def get_context_data(self, parent_context: Any = None) -> dict[str, Any]:
        today = timezone.localdate()
        return {
            "sales_periods": [
                ("Today", _compare(self.user, Period(today, today))),
                ("Last 7 days", _compare(self.user, Period(today - timedelta(days=6), today))),
            ],
            "report_url": reverse("insights_reports:sales"),
        }
