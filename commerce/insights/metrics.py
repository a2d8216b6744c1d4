"""Sales metrics: typed, read-only functions over paid orders, one figure per currency.

Every function takes the asker (``user``: their store scope and row-level-security context), a
:class:`~commerce.insights.metrics_scope.Period` of local days and optionally ``store_ids`` (narrowed
to what the asker may see), and returns frozen dataclasses. Money is never added across
currencies: each row carries its currency, and a view over stores with different currencies gets
one row per currency. An order counts on the local day (store time zone) it was paid; a refund on
the day it succeeded. These functions are the AI assistant's tools (issue 14): keep their
signatures and docstrings exact.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, F, Max, Sum, Value, When

from commerce.orders.models import Order, OrderLine

from .customer_metrics import CustomerMix, customer_mix  # noqa: F401 - part of the metrics' import surface
from .metrics_scope import (
    Interval,
    LocalPeriodStart,
    Period,
    StoreWindow,
    in_windows,
    metric_query,
    period_start,
    period_starts,
    stores_in_scope,
    windows,
)
from .models import DailyProductSales, DailySales
from .refund_figures import refunds_by_currency
from .summary_reads import add_up, split_period

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class SalesSummary:
    """One currency's sales in a period. ``net_sales`` = gross − discounts − refunds."""

    currency: str
    orders: int
    units: int
    gross_sales: Decimal
    discounts: Decimal
    refunds: Decimal
    shipping: Decimal
    tax: Decimal
    total_collected: Decimal

    @property
    def net_sales(self) -> Decimal:
        return self.gross_sales - self.discounts - self.refunds

    @property
    def average_order_value(self) -> Decimal:
        """Total charged per order (before refunds), 0 with no orders."""
        return (self.total_collected / self.orders).quantize(Decimal("0.01")) if self.orders else ZERO


@dataclass(frozen=True)
class SeriesPoint:
    starts_on: date
    currency: str
    orders: int
    net_sales: Decimal


@dataclass(frozen=True)
class TopProduct:
    currency: str
    product_id: int | None
    title: str
    units: int
    revenue: Decimal


def paid_orders(*, user: Any, period: Period, store_ids: Sequence[int] | None = None):
    """Orders paid in the period in the stores the asker may see (a queryset; read it inside
    :func:`metric_query`)."""
    stores = stores_in_scope(user=user, store_ids=store_ids)
    return Order.objects.filter(in_windows(windows(stores, period), field="paid_at")), stores


def paid_lines(stores, period: Period):
    """Lines of orders paid in the period."""
    return paid_lines_in(windows(stores, period))


def paid_lines_in(store_windows: Sequence[StoreWindow]):
    """Lines of orders paid in the windows: a join on the order (not ``order__in``), so the planner
    reads each line's order by its key rather than comparing every line with every order."""
    return OrderLine.objects.filter(in_windows(store_windows, field="order__paid_at", store="order__store_id"))


SUMMARY_SUMS = ("orders", "units", "gross", "discounts", "shipping", "tax", "total", "refunds")


def sales_summary(*, user: Any, period: Period, store_ids: Sequence[int] | None = None) -> list[SalesSummary]:
    """Orders, units, gross sales, discounts, refunds, shipping, tax and total collected, per
    currency, for orders paid (refunds: succeeded) in ``period``. Past days come from the daily
    summary, today from the orders: at most four queries whatever the data."""
    with metric_query(user=user):
        stores = stores_in_scope(user=user, store_ids=store_ids)
        split = split_period(stores, period)
        totals: dict = {}
        if split.has_past:
            add_up(
                totals,
                DailySales.objects.filter(split.past)
                .values("currency")
                .annotate(**{field: Sum(field) for field in SUMMARY_SUMS})
                .order_by(),
                key=["currency"],
                sums=SUMMARY_SUMS,
            )
        if split.live:
            live = Order.objects.filter(in_windows(split.live, field="paid_at"))
            add_up(
                totals,
                live.values("currency")
                .annotate(
                    orders=Count("pk"),
                    gross=Sum("subtotal"),
                    discounts=Sum("discount_total"),
                    shipping=Sum("shipping_total"),
                    tax=Sum("tax_total"),
                    total=Sum("total"),
                )
                .order_by(),
                key=["currency"],
                sums=("orders", "gross", "discounts", "shipping", "tax", "total"),
            )
            units = paid_lines_in(split.live).values("order__currency").annotate(units=Sum("quantity")).order_by()
            add_up(
                totals,
                [{"currency": r["order__currency"], "units": r["units"]} for r in units],
                key=["currency"],
                sums=["units"],
            )
            refunds = refunds_by_currency(store_windows=split.live)
            add_up(
                totals, [{"currency": c, "refunds": a} for c, a in refunds.items()], key=["currency"], sums=["refunds"]
            )
    return [
        SalesSummary(
            currency=currency,
            orders=row.get("orders", 0),
            units=row.get("units", 0),
            gross_sales=Decimal(row.get("gross", 0)) or ZERO,
            discounts=Decimal(row.get("discounts", 0)) or ZERO,
            refunds=Decimal(row.get("refunds", 0)) or ZERO,
            shipping=Decimal(row.get("shipping", 0)) or ZERO,
            tax=Decimal(row.get("tax", 0)) or ZERO,
            total_collected=Decimal(row.get("total", 0)) or ZERO,
        )
        for (currency,), row in sorted(totals.items())
    ]


def sales_series(
    *, user: Any, period: Period, interval: Interval = "day", store_ids: Sequence[int] | None = None
) -> list[SeriesPoint]:
    """Orders and net sales before refunds (gross − discounts) per local day, ISO week (from
    Monday) or month, per currency, every bucket of the period present (zeros included). Past days
    from the daily summary, today from the orders: at most two queries."""
    with metric_query(user=user):
        stores = stores_in_scope(user=user, store_ids=store_ids)
        split = split_period(stores, period)
        days: list[dict] = []
        if split.has_past:
            days += (
                DailySales.objects.filter(split.past)
                .values("day", "currency")
                .annotate(orders=Sum("orders"), net=Sum(F("gross") - F("discounts")))
                .order_by()
            )
        if split.live:
            days += (
                Order.objects.filter(in_windows(split.live, field="paid_at"))
                .annotate(day=LocalPeriodStart("day", "paid_at", "store__time_zone"))
                .values("day", "currency")
                .annotate(orders=Count("pk"), net=Sum(F("subtotal") - F("discount_total")))
                .order_by()
            )
    found = add_up(
        {},
        [{**row, "bucket": period_start(row["day"], interval)} for row in days],
        key=["bucket", "currency"],
        sums=["orders", "net"],
    )
    currencies = sorted({row["currency"] for row in days} or {store.currency for store in stores})
    return [
        SeriesPoint(
            starts_on=start,
            currency=currency,
            orders=found.get((start, currency), {}).get("orders", 0),
            net_sales=Decimal(found.get((start, currency), {}).get("net", 0)) or ZERO,
        )
        for currency in currencies
        for start in period_starts(period, interval)
    ]


def top_products(
    *, user: Any, period: Period, store_ids: Sequence[int] | None = None, by: str = "revenue", limit: int = 10
) -> list[TopProduct]:
    """The best-selling products per currency by ``revenue`` (line totals after discounts) or
    ``units``, at most ``limit`` per currency. Past days from the daily product summary, today from
    the order lines: at most two queries."""
    if by not in ("revenue", "units"):
        raise ValueError("by must be 'revenue' or 'units'")
    with metric_query(user=user):
        stores = stores_in_scope(user=user, store_ids=store_ids)
        split = split_period(stores, period)
        rows: list[dict] = []
        if split.has_past:
            rows += (
                DailyProductSales.objects.filter(split.past)
                .values("currency", "product_id", "orphan_title")
                .annotate(title=Max("title"), units=Sum("units"), revenue=Sum("revenue"))
                .order_by()
            )
        if split.live:
            rows += (
                paid_lines_in(split.live)
                # Lines whose variant is gone are grouped by the title they were sold under.
                .annotate(
                    orphan_title=Case(When(variant__isnull=True, then=F("product_title")), default=Value("")),
                    currency=F("order__currency"),
                    product_id=F("variant__product_id"),
                )
                .values("currency", "product_id", "orphan_title")
                .annotate(title=Max("product_title"), units=Sum("quantity"), revenue=Sum("line_total"))
                .order_by()
            )
    totals = add_up(
        {}, rows, key=["currency", "product_id", "orphan_title"], sums=["units", "revenue"], maxes=["title"]
    ).values()
    ranked = sorted(totals, key=lambda r: (r["currency"], -r[by], r["title"], r["product_id"] or 0))
    result: list[TopProduct] = []
    counts: dict[str, int] = {}
    for row in ranked:
        currency = row["currency"]
        if counts.get(currency, 0) >= limit:
            continue
        counts[currency] = counts.get(currency, 0) + 1
        result.append(
            TopProduct(
                currency=currency,
                product_id=row["product_id"],
                title=row["title"],
                units=row["units"],
                revenue=row["revenue"],
            )
        )
    return result
