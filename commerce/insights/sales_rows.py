"""The sales report's rows: each bucket of the period beside the same bucket of the previous one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from .metrics import sales_series
from .metrics_scope import Interval, Period


@dataclass(frozen=True)
class SalesRow:
    starts_on: date
    currency: str
    orders: int
    net_sales: Decimal
    previous_starts_on: date | None = None
    previous_orders: int | None = None
    previous_net_sales: Decimal | None = None


def sales_rows(
    *, user: Any, period: Period, interval: Interval, store_ids: Sequence[int] | None, compare: bool
) -> list[SalesRow]:
    """The series of ``period`` and, when ``compare``, the n-th bucket of the previous period beside
    the n-th bucket of this one (per currency). Two queries with the comparison, one without."""
    current = sales_series(user=user, period=period, interval=interval, store_ids=store_ids)
    previous: dict[str, list] = {}
    if compare:
        for point in sales_series(user=user, period=period.previous(), interval=interval, store_ids=store_ids):
            previous.setdefault(point.currency, []).append(point)
    rows, seen = [], {}
    for point in current:
        index = seen[point.currency] = seen.get(point.currency, -1) + 1
        before = previous.get(point.currency, [])
        other = before[index] if index < len(before) else None
        rows.append(
            SalesRow(
                starts_on=point.starts_on,
                currency=point.currency,
                orders=point.orders,
                net_sales=point.net_sales,
                previous_starts_on=other.starts_on if other else None,
                previous_orders=other.orders if other else (0 if compare else None),
                previous_net_sales=other.net_sales if other else (Decimal("0.00") if compare else None),
            )
        )
    return rows
