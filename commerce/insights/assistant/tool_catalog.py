"""Every tool the assistant has: a name, a description and a schema for the model, the metric it
reads (the reports' own functions: one analytics layer) and the columns it shows."""

from __future__ import annotations

from typing import Any

from commerce.insights import (
    catalog_metrics,
    metrics,
    promotion_metrics,
    refund_figures,
    return_figures,
    stock_metrics,
)

from .tool_args import LowStockArgs, PeriodArgs, SeriesArgs, StoreArgs, TopArgs
from .tool_types import Row, Tool


def _summary(user: Any, a: PeriodArgs, keys: tuple[str, ...]) -> list[Row]:
    rows = metrics.sales_summary(user=user, period=a.period, store_ids=a.store_ids)
    return [{"currency": r.currency, **{key: getattr(r, key) for key in keys}} for r in rows]


def _summary_tool(name: str, description: str, keys: tuple[str, ...], headings: tuple[str, ...]) -> Tool:
    return Tool(
        name=name,
        description=description,
        args=PeriodArgs,
        read=lambda user, a: _summary(user, a, keys),
        columns=(("currency", "Currency"), *zip(keys, headings, strict=True)),
    )


def _fields(items: list[Any], keys: tuple[str, ...]) -> list[Row]:
    return [{key: getattr(item, key) for key in keys} for item in items]


def _top_products(user: Any, a: TopArgs) -> list[Row]:
    rows = metrics.top_products(user=user, period=a.period, store_ids=a.store_ids, by=a.by, limit=a.limit)
    return _fields(rows, ("currency", "title", "units", "revenue"))


def _top_groups(reader: Any) -> Any:
    def read(user: Any, a: TopArgs) -> list[Row]:
        rows = reader(user=user, period=a.period, store_ids=a.store_ids, by=a.by, limit=a.limit)
        return [{"currency": r.currency, "title": r.name, "units": r.units, "revenue": r.revenue} for r in rows]

    return read


def _series(user: Any, a: SeriesArgs) -> list[Row]:
    points = metrics.sales_series(user=user, period=a.period, interval=a.interval, store_ids=a.store_ids)
    return _fields(points, ("starts_on", "currency", "orders", "net_sales"))


def _customer_mix(user: Any, a: PeriodArgs) -> list[Row]:
    mix = metrics.customer_mix(user=user, period=a.period, store_ids=a.store_ids)
    return _fields([mix], ("new_customers", "returning_customers", "orders_from_new", "orders_from_returning"))


def _refunds(user: Any, a: PeriodArgs) -> list[Row]:
    rows = refund_figures.refund_summary(user=user, period=a.period, store_ids=a.store_ids)
    return _fields(rows, ("currency", "refunded", "refunds", "orders_refunded", "units_refunded"))


def _returns(user: Any, a: PeriodArgs) -> list[Row]:
    rows = return_figures.returns_summary(user=user, period=a.period, store_ids=a.store_ids)
    keys = ("currency", "requested", "approved", "received", "rejected", "refunded", "units_returned")
    return [
        {
            **{key: getattr(r, key) for key in keys},
            "refunded_value": r.refunded_value,
            "top_reasons": "; ".join(f"{x.label} ({x.units})" for x in r.top_reasons),
        }
        for r in rows
    ]


def _discount_usage(user: Any, a: PeriodArgs) -> list[Row]:
    rows = promotion_metrics.discount_usage(user=user, period=a.period, store_ids=a.store_ids)
    return _fields(rows, ("currency", "name", "uses", "cost", "order_sales"))


def _gift_cards(user: Any, a: PeriodArgs) -> list[Row]:
    rows = promotion_metrics.gift_card_liability(user=user, period=a.period, store_ids=a.store_ids)
    return _fields(rows, ("currency", "liability", "cards_with_balance", "issued", "redeemed"))


def _low_stock(user: Any, a: LowStockArgs) -> list[Row]:
    rows = stock_metrics.low_stock(user=user, store_ids=a.store_ids, limit=a.limit)
    return _fields(rows, ("store", "sku", "title", "label", "available", "threshold"))


def _stock_value(user: Any, a: StoreArgs) -> list[Row]:
    rows = stock_metrics.stock_value(user=user, store_ids=a.store_ids)
    return _fields(rows, ("currency", "retail_value", "units_on_hand", "units_reserved", "variants"))


RANKED = (("title", "Name"), ("units", "Units"), ("revenue", "Revenue"), ("currency", "Currency"))

CATALOG: tuple[Tool, ...] = (
    _summary_tool("orders_count", "Number of orders paid in the period, per currency.", ("orders",), ("Orders",)),
    _summary_tool(
        "revenue",
        "Net sales (gross − discounts − refunds), gross sales, discounts and refunds per currency.",
        ("net_sales", "gross_sales", "discounts", "refunds", "total_collected"),
        ("Net sales", "Gross sales", "Discounts", "Refunds", "Total collected"),
    ),
    _summary_tool(
        "average_order_value",
        "Average order value (total charged per paid order, before refunds) per currency.",
        ("average_order_value", "orders"),
        ("Average order value", "Orders"),
    ),
    _summary_tool("units_sold", "Units sold on paid orders, per currency.", ("units",), ("Units sold",)),
    Tool(
        name="refunds",
        description="Money refunded, refunds, orders and units refunded for refunds that succeeded, per currency.",
        args=PeriodArgs,
        read=_refunds,
        columns=(
            ("currency", "Currency"),
            ("refunded", "Refunded"),
            ("refunds", "Refunds"),
            ("orders_refunded", "Orders refunded"),
            ("units_refunded", "Units refunded"),
        ),
    ),
    Tool(
        name="returns",
        description="Returns per step in the period (requested, approved, received, rejected, refunded), units "
        "returned, the value their refunds paid back and the top return reasons, per currency.",
        args=PeriodArgs,
        read=_returns,
        columns=(
            ("currency", "Currency"),
            ("requested", "Requested"),
            ("approved", "Approved"),
            ("received", "Received"),
            ("rejected", "Rejected"),
            ("refunded", "Refunded"),
            ("units_returned", "Units returned"),
            ("refunded_value", "Refunded value"),
            ("top_reasons", "Top reasons"),
        ),
    ),
    _summary_tool(
        "shipping_charged", "Shipping charged on paid orders, per currency.", ("shipping",), ("Shipping charged",)
    ),
    _summary_tool(
        "discounts_given",
        "Discounts given on paid orders, per currency.",
        ("discounts", "orders"),
        ("Discounts", "Orders"),
    ),
    Tool(
        name="discount_usage",
        description="Uses and cost of each discount on orders paid in the period, costliest first, per currency.",
        args=PeriodArgs,
        read=_discount_usage,
        columns=(
            ("name", "Discount"),
            ("uses", "Uses"),
            ("cost", "Cost"),
            ("order_sales", "Order sales"),
            ("currency", "Currency"),
        ),
        kind="table",
    ),
    Tool(
        name="gift_card_liability",
        description="Gift cards: owed at the period's end (liability), cards with a balance, issued, redeemed.",
        args=PeriodArgs,
        read=_gift_cards,
        columns=(
            ("currency", "Currency"),
            ("liability", "Liability"),
            ("cards_with_balance", "Cards with a balance"),
            ("issued", "Issued"),
            ("redeemed", "Redeemed"),
        ),
    ),
    Tool(
        name="top_products",
        description="Best-selling products by revenue (after discounts) or units, per currency.",
        args=TopArgs,
        read=_top_products,
        columns=RANKED,
        kind="table",
    ),
    Tool(
        name="top_categories",
        description="Best-selling categories by revenue or units of their products, per currency.",
        args=TopArgs,
        read=_top_groups(catalog_metrics.top_categories),
        columns=RANKED,
        kind="table",
    ),
    Tool(
        name="top_collections",
        description="Best-selling collections by revenue or units of the products they list, per currency.",
        args=TopArgs,
        read=_top_groups(catalog_metrics.top_collections),
        columns=RANKED,
        kind="table",
    ),
    Tool(
        name="sales_series",
        description="Orders and net sales before refunds per local day, ISO week or month, every bucket present.",
        args=SeriesArgs,
        read=_series,
        columns=(
            ("starts_on", "Starts on"),
            ("orders", "Orders"),
            ("net_sales", "Net sales"),
            ("currency", "Currency"),
        ),
        kind="series",
    ),
    Tool(
        name="customer_mix",
        description="New versus returning customers (by email, per store) among the period's paid orders.",
        args=PeriodArgs,
        read=_customer_mix,
        columns=(
            ("new_customers", "New customers"),
            ("returning_customers", "Returning customers"),
            ("orders_from_new", "Orders from new"),
            ("orders_from_returning", "Orders from returning"),
        ),
    ),
    Tool(
        name="low_stock",
        description="Variants at or below their low-stock threshold now (available = on hand − reserved).",
        args=LowStockArgs,
        read=_low_stock,
        columns=(
            ("store", "Store"),
            ("sku", "SKU"),
            ("title", "Product"),
            ("label", "Variant"),
            ("available", "Available"),
            ("threshold", "Threshold"),
        ),
        kind="table",
    ),
    Tool(
        name="stock_value",
        description="Retail value of the stock on hand now (units × current price) and units, per currency.",
        args=StoreArgs,
        read=_stock_value,
        columns=(
            ("currency", "Currency"),
            ("retail_value", "Retail value"),
            ("units_on_hand", "Units on hand"),
            ("units_reserved", "Units reserved"),
            ("variants", "Variants"),
        ),
    ),
)
