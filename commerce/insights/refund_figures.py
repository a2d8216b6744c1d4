"""The seam for refunds and (when the back office adds them) returns.

Today a refund is a succeeded ``payments.Refund``; it counts on the day it succeeded (its
``created_at``: refunds are recorded as they succeed) in its order's store time zone. When returns
exist, their figures belong here too, so every report and the dashboard change in one place.
Call inside :func:`~commerce.insights.metrics_scope.metric_query`.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.db.models import Count, Sum

from commerce.payments.models import Refund

from .metrics_scope import StoreWindow, in_windows


def refunds_in(store_windows: Sequence[StoreWindow]):
    return Refund.objects.filter(
        in_windows(store_windows, field="created_at", store="order__store_id"), status=Refund.Status.SUCCEEDED
    )


def refunds_by_currency(*, store_windows: Sequence[StoreWindow]) -> dict[str, Decimal]:
    """Money refunded per currency in the windows (one query)."""
    rows = refunds_in(store_windows).values("currency").annotate(total=Sum("amount")).order_by()
    return {row["currency"]: row["total"] for row in rows}


def refund_counts_by_currency(*, store_windows: Sequence[StoreWindow]) -> dict[str, tuple[int, Decimal]]:
    """(refunds, money refunded) per currency (one query)."""
    rows = refunds_in(store_windows).values("currency").annotate(n=Count("pk"), total=Sum("amount")).order_by()
    return {row["currency"]: (row["n"], row["total"]) for row in rows}
