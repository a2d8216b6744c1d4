"""The seam for refunds and (when the back office adds them) returns.

Today a refund is a succeeded ``payments.Refund``; it counts on the day it succeeded (its
``created_at``: refunds are recorded as they succeed) in its order's store time zone. When returns
exist, their figures belong here too, so every report and the dashboard change in one place.
Call inside :func:`~commerce.insights.metrics_scope.metric_query`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum

from commerce.payments.models import Refund, RefundLine

from .metrics_scope import Period, StoreWindow, in_windows, metric_query, stores_in_scope, windows


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


@dataclass(frozen=True)
class RefundSummary:
    """One currency's succeeded refunds in a period (counted on the day they succeeded)."""

    currency: str
    refunds: int
    orders_refunded: int
    units_refunded: int
    refunded: Decimal


def refund_summary(*, user: Any, period: Period, store_ids: Sequence[int] | None = None) -> list[RefundSummary]:
    """Refunds, orders refunded, units refunded (refund lines) and money refunded per currency for
    refunds that succeeded in the period. Two queries. Returns (issue 11) will add their figures here."""
    with metric_query(user=user):
        store_windows = windows(stores_in_scope(user=user, store_ids=store_ids), period)
        rows = list(
            refunds_in(store_windows)
            .values("currency")
            .annotate(n=Count("pk"), orders=Count("order_id", distinct=True), total=Sum("amount"))
            .order_by("currency")
        )
        units = dict(
            RefundLine.objects.filter(refund__in=refunds_in(store_windows))
            .values("refund__currency")
            .annotate(units=Sum("quantity"))
            .values_list("refund__currency", "units")
        )
    return [
        RefundSummary(
            currency=row["currency"],
            refunds=row["n"],
            orders_refunded=row["orders"],
            units_refunded=units.get(row["currency"]) or 0,
            refunded=row["total"],
        )
        for row in rows
    ]
