"""Shipping charged: what shoppers paid for delivery, per currency and shipping method."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Sum

from commerce.orders.models import Order

from .metrics import ZERO
from .metrics_scope import Period, in_windows, metric_query, stores_in_scope
from .models import DailyShippingSales
from .summary_reads import add_up, split_period


@dataclass(frozen=True)
class ShippingCharged:
    """What shoppers paid for shipping with one method in one currency (before any refund)."""

    currency: str
    method: str
    orders: int
    shipping: Decimal

    @property
    def average(self) -> Decimal:
        return (self.shipping / self.orders).quantize(Decimal("0.01")) if self.orders else ZERO


def shipping_charged(*, user: Any, period: Period, store_ids: Sequence[int] | None = None) -> list[ShippingCharged]:
    """Orders and shipping charged per currency and shipping method (by its name at checkout) for
    orders paid in the period, highest first. Past days from the daily summary, today from the
    orders: at most two queries."""
    with metric_query(user=user):
        split = split_period(stores_in_scope(user=user, store_ids=store_ids), period)
        totals: dict = {}
        if split.has_past:
            add_up(
                totals,
                DailyShippingSales.objects.filter(split.past)
                .values("currency", "method")
                .annotate(orders=Sum("orders"), shipping=Sum("shipping"))
                .order_by(),
                key=["currency", "method"],
                sums=["orders", "shipping"],
            )
        if split.live:
            add_up(
                totals,
                Order.objects.filter(in_windows(split.live, field="paid_at"))
                .values("currency", method=F("shipping_method_name"))
                .annotate(orders=Count("pk"), shipping=Sum("shipping_total"))
                .order_by(),
                key=["currency", "method"],
                sums=["orders", "shipping"],
            )
    rows = sorted(totals.values(), key=lambda r: (r["currency"], -r["shipping"], r["method"]))
    return [
        ShippingCharged(
            currency=row["currency"],
            method=row["method"] or "(none)",
            orders=row["orders"],
            shipping=Decimal(row["shipping"]),
        )
        for row in rows
    ]
