"""The seam for refunds (returns have theirs in ``return_figures.py``).

A refund is a succeeded ``payments.Refund``; it counts on the day it succeeded (its ``created_at``:
refunds are recorded as they succeed) in its order's store time zone. :func:`refund_summary` reads
past days from ``insights.DailyRefundOrder`` (``activity_summary.py``) and today from the refunds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from commerce.payments.models import Refund, RefundLine

from .metrics_scope import Period, StoreWindow, in_windows, metric_query, stores_in_scope
from .models import DailyRefundOrder
from .summary_reads import split_period


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
    refunds that succeeded in the period: past days from the summary (one row per order and day),
    today from the refunds, in one query whose distinct count of orders spans both (an order
    refunded on two days of the period is one order refunded)."""
    with metric_query(user=user):
        split = split_period(stores_in_scope(user=user, store_ids=store_ids), period)
        parts = []
        if split.has_past:
            parts.append(
                DailyRefundOrder.objects.filter(split.past)
                .order_by()
                .values_list("currency", "order_id", "refunds", "refunded", "units")
            )
        if split.live:
            units = RefundLine.objects.filter(refund=OuterRef("pk")).values("refund").annotate(n=Sum("quantity"))
            parts.append(
                refunds_in(split.live)
                .order_by()
                .annotate(one=Value(1), units=Coalesce(Subquery(units.values("n")), 0))
                .values_list("currency", "order_id", "one", "amount", "units")
            )
        if not parts:
            return []
        union = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
        inner, params = union.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT currency, sum(refunds)::bigint, count(DISTINCT order_id), sum(units)::bigint, sum(refunded)"  # noqa: S608 - ORM-built SQL
                f" FROM ({inner}) AS r (currency, order_id, refunds, refunded, units) GROUP BY 1 ORDER BY 1",
                params,
            )
            rows = cursor.fetchall()
    return [
        RefundSummary(currency=currency, refunds=n, orders_refunded=orders, units_refunded=units, refunded=total)
        for currency, n, orders, units, total in rows
    ]
