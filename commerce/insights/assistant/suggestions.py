"""Questions the Insights page and the dashboard panel suggest (each answered by the offline
planner too, so they work on ``make run`` without a key)."""

from __future__ import annotations

from typing import Any

from commerce.insights.metrics_scope import stores_in_scope

SUGGESTIONS = (
    "How many orders last week?",
    "Revenue this month vs last month",
    "Top 5 products last month",
    "Average order value year to date",
    "Daily sales for the last 14 days",
    "New vs returning customers last month",
)


def suggested_questions(user: Any) -> list[str]:
    stores = stores_in_scope(user=user)
    extra = [f"Top 5 products this month at {stores[-1].name}"] if len(stores) > 1 else []
    return [*SUGGESTIONS, *extra]
