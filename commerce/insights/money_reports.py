"""Reports of what promotions, refunds and shipping come to: discounts, gift cards, refunds,
shipping charged. Each row carries the comparison period's main figure when the asker compares."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from django.utils.safestring import SafeString
from wagtail.admin.ui.tables import Column

from .group_reports import per_currency_bars
from .metrics_scope import Period
from .promotion_metrics import GiftCardLiability, discount_usage, gift_card_liability
from .refund_figures import RefundSummary, refund_summary
from .report_filters import PeriodFilterSet
from .report_views import MetricReportView
from .shipping_metrics import shipping_charged


@dataclass(frozen=True)
class DiscountRow:
    currency: str
    name: str
    uses: int
    cost: Decimal
    cost_per_use: Decimal
    shipping_cost: Decimal
    order_sales: Decimal
    previous_cost: Decimal | None = None


@dataclass(frozen=True)
class GiftCardRow(GiftCardLiability):
    """The metric's row, named for the chart, with the comparison period's liability beside it."""

    name: str = "Liability at the end"
    previous_liability: Decimal | None = None


@dataclass(frozen=True)
class RefundRow(RefundSummary):
    """The metric's row, named for the chart, with the comparison period's refunds beside it."""

    name: str = "Refunded"
    previous_refunded: Decimal | None = None


@dataclass(frozen=True)
class ShippingRow:
    currency: str
    name: str
    orders: int
    shipping: Decimal
    average: Decimal
    previous_shipping: Decimal | None = None


def previous_figures(
    view: MetricReportView, metric: Callable[..., Sequence[Any]], key: Callable[[Any], Any], value: str
) -> dict[Any, Decimal] | None:
    """``value`` of each row of ``metric`` over the comparison period, by ``key``; None when not comparing."""
    previous: Period | None = view.previous()
    if previous is None:
        return None
    rows = metric(user=view.request.user, period=previous, store_ids=view.filters.store_ids())
    return {key(row): getattr(row, value) for row in rows}


def _beside(before: dict[Any, Decimal] | None, key: Any) -> Decimal | None:
    return None if before is None else before.get(key, Decimal("0.00"))


class MoneyReportView(MetricReportView):
    filterset_class = PeriodFilterSet
    chart_title = ""
    chart_value = ""

    def current(self, metric: Callable[..., Sequence[Any]]) -> Sequence[Any]:
        return metric(user=self.request.user, period=self.period, store_ids=self.filters.store_ids())

    def chart(self, rows: list[Any]) -> SafeString:
        return per_currency_bars(
            rows, title=self.chart_title, label="name", value=self.chart_value, compare=self.previous() is not None
        )


class DiscountsReportView(MoneyReportView):
    page_title = "Discounts"
    slug = "discounts"
    chart_title, chart_value = "Discount cost", "cost"
    note = "Uses on orders paid in the period; uses released by a cancellation or a full refund do not count."
    columns = [
        Column("currency", label="Currency"),
        Column("name", label="Discount"),
        Column("uses", label="Uses"),
        Column("cost", label="Cost (amount taken off)"),
        Column("cost_per_use", label="Cost per use"),
        Column("shipping_cost", label="Of which shipping"),
        Column("order_sales", label="Gross sales of those orders"),
        Column("previous_cost", label="Cost (previous)"),
    ]

    def rows(self) -> list[DiscountRow]:
        before = previous_figures(self, discount_usage, lambda r: (r.currency, r.discount_id), "cost")
        return [
            DiscountRow(
                currency=r.currency,
                name=r.name,
                uses=r.uses,
                cost=r.cost,
                cost_per_use=r.cost_per_use,
                shipping_cost=r.shipping_cost,
                order_sales=r.order_sales,
                previous_cost=_beside(before, (r.currency, r.discount_id)),
            )
            for r in self.current(discount_usage)
        ]


class GiftCardsReportView(MoneyReportView):
    page_title = "Gift cards"
    slug = "gift-cards"
    chart_title, chart_value = "Gift-card liability", "liability"
    note = "From the card ledger: redeemed is what cards paid for; the liability is what cards still hold."
    columns = [
        Column("currency", label="Currency"),
        Column("issued", label="Issued"),
        Column("redeemed", label="Redeemed"),
        Column("refunded_to_cards", label="Refunded to cards"),
        Column("expired_or_adjusted", label="Expired or adjusted"),
        Column("liability", label="Liability at the end"),
        Column("cards_with_balance", label="Cards holding a balance"),
        Column("previous_liability", label="Liability (previous)"),
    ]

    def rows(self) -> list[GiftCardRow]:
        before = previous_figures(self, gift_card_liability, lambda r: r.currency, "liability")
        return [
            GiftCardRow(**asdict(r), previous_liability=_beside(before, r.currency))
            for r in self.current(gift_card_liability)
        ]


class RefundsReportView(MoneyReportView):
    page_title = "Refunds"
    slug = "refunds"
    chart_title, chart_value = "Money refunded", "refunded"
    note = "Refunds count on the day they succeeded, whenever the order was paid."
    columns = [
        Column("currency", label="Currency"),
        Column("refunds", label="Refunds"),
        Column("orders_refunded", label="Orders refunded"),
        Column("units_refunded", label="Units refunded"),
        Column("refunded", label="Refunded"),
        Column("previous_refunded", label="Refunded (previous)"),
    ]

    def rows(self) -> list[RefundRow]:
        before = previous_figures(self, refund_summary, lambda r: r.currency, "refunded")
        return [
            RefundRow(**asdict(r), previous_refunded=_beside(before, r.currency)) for r in self.current(refund_summary)
        ]


class ShippingReportView(MoneyReportView):
    page_title = "Shipping charged"
    slug = "shipping"
    chart_title, chart_value = "Shipping charged", "shipping"
    columns = [
        Column("currency", label="Currency"),
        Column("name", label="Shipping method"),
        Column("orders", label="Orders"),
        Column("shipping", label="Shipping charged"),
        Column("average", label="Per order"),
        Column("previous_shipping", label="Shipping charged (previous)"),
    ]

    def rows(self) -> list[ShippingRow]:
        before = previous_figures(self, shipping_charged, lambda r: (r.currency, r.method), "shipping")
        return [
            ShippingRow(
                currency=r.currency,
                name=r.method,
                orders=r.orders,
                shipping=r.shipping,
                average=r.average,
                previous_shipping=_beside(before, (r.currency, r.method)),
            )
            for r in self.current(shipping_charged)
        ]
