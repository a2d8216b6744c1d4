"""Shipping charged: what shoppers paid for delivery, per currency and shipping method."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum

from .metrics import ZERO, paid_orders
from .metrics_scope import Period, metric_query


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
    orders paid in the period, highest first. One query."""
    with metric_query(user=user):
        orders, _stores = paid_orders(user=user, period=period, store_ids=store_ids)
        rows = list(
            orders.values("currency", "shipping_method_name")
            .annotate(orders=Count("pk"), shipping=Sum("shipping_total"))
            .order_by("currency", "-shipping", "shipping_method_name")
        )
    return [
        ShippingCharged(
            currency=row["currency"],
            method=row["shipping_method_name"] or "(none)",
            orders=row["orders"],
            shipping=row["shipping"],
        )
        for row in rows
    ]
