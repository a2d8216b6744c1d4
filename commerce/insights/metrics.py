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

from django.db.models import Case, Count, Exists, F, Max, OuterRef, Sum, Value, When

from commerce.orders.models import Order, OrderLine

from .metrics_scope import (
    Interval,
    LocalPeriodStart,
    Period,
    in_windows,
    metric_query,
    period_starts,
    stores_in_scope,
    windows,
)
from .refund_figures import refunds_by_currency

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


@dataclass(frozen=True)
class CustomerMix:
    """Customers (by email) who ordered in the period: new ones placed their first paid order in it."""

    new_customers: int
    returning_customers: int
    orders_from_new: int
    orders_from_returning: int


def paid_orders(*, user: Any, period: Period, store_ids: Sequence[int] | None = None):
    """Orders paid in the period in the stores the asker may see (a queryset; read it inside
    :func:`metric_query`)."""
    stores = stores_in_scope(user=user, store_ids=store_ids)
    return Order.objects.filter(in_windows(windows(stores, period), field="paid_at")), stores


def paid_lines(stores, period: Period):
    """Lines of orders paid in the period: a join on the order (not ``order__in``), so the planner
    reads each line's order by its key rather than comparing every line with every order."""
    return OrderLine.objects.filter(
        in_windows(windows(stores, period), field="order__paid_at", store="order__store_id")
    )


def sales_summary(*, user: Any, period: Period, store_ids: Sequence[int] | None = None) -> list[SalesSummary]:
    """Orders, units, gross sales, discounts, refunds, shipping, tax and total collected, per
    currency, for orders paid (refunds: succeeded) in ``period``. Three queries whatever the data."""
    with metric_query(user=user):
        orders, stores = paid_orders(user=user, period=period, store_ids=store_ids)
        totals = {
            row["currency"]: row
            for row in orders.values("currency").annotate(
                orders=Count("pk"),
                gross=Sum("subtotal"),
                discounts=Sum("discount_total"),
                shipping=Sum("shipping_total"),
                tax=Sum("tax_total"),
                total=Sum("total"),
            )
        }
        units = dict(
            paid_lines(stores, period)
            .values("order__currency")
            .annotate(units=Sum("quantity"))
            .values_list("order__currency", "units")
        )
        refunds = refunds_by_currency(store_windows=windows(stores, period))
    return [
        SalesSummary(
            currency=currency,
            orders=totals.get(currency, {}).get("orders", 0),
            units=units.get(currency) or 0,
            gross_sales=totals.get(currency, {}).get("gross") or ZERO,
            discounts=totals.get(currency, {}).get("discounts") or ZERO,
            refunds=refunds.get(currency, ZERO),
            shipping=totals.get(currency, {}).get("shipping") or ZERO,
            tax=totals.get(currency, {}).get("tax") or ZERO,
            total_collected=totals.get(currency, {}).get("total") or ZERO,
        )
        for currency in sorted(set(totals) | set(refunds))
    ]


def sales_series(
    *, user: Any, period: Period, interval: Interval = "day", store_ids: Sequence[int] | None = None
) -> list[SeriesPoint]:
    """Orders and net sales before refunds (gross − discounts) per local day, ISO week (from
    Monday) or month, per currency, every bucket of the period present (zeros included). One query."""
    with metric_query(user=user):
        orders, stores = paid_orders(user=user, period=period, store_ids=store_ids)
        rows = list(
            orders.annotate(bucket=LocalPeriodStart(interval, "paid_at", "store__time_zone"))
            .values("bucket", "currency")
            .annotate(orders=Count("pk"), net=Sum(F("subtotal") - F("discount_total")))
            .order_by()
        )
    found = {(row["bucket"], row["currency"]): row for row in rows}
    currencies = sorted({row["currency"] for row in rows} or {store.currency for store in stores})
    return [
        SeriesPoint(
            starts_on=start,
            currency=currency,
            orders=found.get((start, currency), {}).get("orders", 0),
            net_sales=found.get((start, currency), {}).get("net") or ZERO,
        )
        for currency in currencies
        for start in period_starts(period, interval)
    ]


def top_products(
    *, user: Any, period: Period, store_ids: Sequence[int] | None = None, by: str = "revenue", limit: int = 10
) -> list[TopProduct]:
    """The best-selling products per currency by ``revenue`` (line totals after discounts) or
    ``units``, at most ``limit`` per currency. One query."""
    if by not in ("revenue", "units"):
        raise ValueError("by must be 'revenue' or 'units'")
    with metric_query(user=user):
        stores = stores_in_scope(user=user, store_ids=store_ids)
        rows = list(
            paid_lines(stores, period)
            # Lines whose variant is gone are grouped by the title they were sold under.
            .annotate(orphan=Case(When(variant__isnull=True, then=F("product_title")), default=Value("")))
            .values("order__currency", "variant__product_id", "orphan")
            .annotate(title=Max("product_title"), units=Sum("quantity"), revenue=Sum("line_total"))
            .order_by("order__currency", f"-{by}", "title")
        )
    result: list[TopProduct] = []
    counts: dict[str, int] = {}
    for row in rows:
        currency = row["order__currency"]
        if counts.get(currency, 0) >= limit:
            continue
        counts[currency] = counts.get(currency, 0) + 1
        result.append(
            TopProduct(
                currency=currency,
                product_id=row["variant__product_id"],
                title=row["title"],
                units=row["units"],
                revenue=row["revenue"],
            )
        )
    return result


def customer_mix(*, user: Any, period: Period, store_ids: Sequence[int] | None = None) -> CustomerMix:
    """New and returning customers (by order email, per store) among the period's paid orders. One query."""
    with metric_query(user=user):
        orders, _stores = paid_orders(user=user, period=period, store_ids=store_ids)
        earlier = Order.objects.filter(
            store_id=OuterRef("store_id"), email=OuterRef("email"), paid_at__lt=OuterRef("paid_at")
        )
        rows = list(
            orders.annotate(returning=Exists(earlier))
            .values("returning")
            .annotate(customers=Count("email", distinct=True), orders=Count("pk"))
            .order_by()
        )
    by_kind = {row["returning"]: row for row in rows}
    new, returning = by_kind.get(False, {}), by_kind.get(True, {})
    return CustomerMix(
        new_customers=new.get("customers", 0),
        returning_customers=returning.get("customers", 0),
        orders_from_new=new.get("orders", 0),
        orders_from_returning=returning.get("orders", 0),
    )


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
