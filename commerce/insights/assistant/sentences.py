"""The answer's sentence, written from the figures (never by a model): one way per kind of tool,
each saying the period as its words and its local dates."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from commerce.core.money_format import format_amount

from .plan import ToolCall
from .tool_types import ToolResult

MONEY = {
    "net_sales", "gross_sales", "discounts", "refunds", "refunded", "total_collected", "average_order_value",
    "shipping", "revenue", "cost", "order_sales", "liability", "issued", "redeemed", "retail_value",
}  # fmt: skip
HEADLINES = {
    "orders_count": "Orders",
    "revenue": "Net sales",
    "average_order_value": "Average order value",
    "units_sold": "Units sold",
    "refunds": "Refunded",
    "shipping_charged": "Shipping charged",
    "discounts_given": "Discounts given",
    "gift_card_liability": "Gift cards still owed",
    "stock_value": "Retail value of the stock on hand",
}
RANKED_NOUNS = {"top_products": "products", "top_categories": "categories", "top_collections": "collections"}


def show(value: Any, key: str, currency: str | None) -> str:
    if key in MONEY and currency and value is not None:
        return format_amount(Decimal(str(value)), currency)
    return str(value)


def period_of(call: ToolCall) -> dict[str, str] | None:
    """The period read as its words and local dates; None for tools about now (stock)."""
    args = call.arguments
    if "start" not in args:
        return None
    start, end = str(args["start"]), str(args["end"])
    label = call.label or (f"on {start}" if start == end else f"from {start} to {end}")
    return {"label": label, "start": start, "end": end}


def arguments_text(arguments: dict[str, Any]) -> str:
    """``start=…, end=…, other=…``: the period first (stored JSON keeps no key order)."""
    keys = sorted(arguments, key=lambda key: ({"start": 0, "end": 1}.get(key, 2), key))
    return ", ".join(f"{key}={arguments[key]}" for key in keys)


def when(call: ToolCall) -> str:
    period = period_of(call)
    if period is None:
        return "now"
    if not call.label:  # dates given as dates: say them once
        return period["label"]
    dates = period["start"] if period["start"] == period["end"] else f"{period['start']} to {period['end']}"
    return f"{period['label']} ({dates})"


def _summary_sentence(result: ToolResult, call: ToolCall, compared: tuple[ToolResult, ToolCall] | None) -> str:
    key = result.columns[1][0]
    now = {row["currency"]: row for row in result.rows}
    before = {row["currency"]: row for row in compared[0].rows} if compared else {}
    if not now and not before:
        return f"{HEADLINES[result.tool]} {when(call)}: none."
    parts = []
    currencies = sorted(set(now) | set(before))
    for currency in currencies:
        value = now.get(currency, {}).get(key, 0)
        text = show(value, key, currency)
        if compared:
            old = before.get(currency, {}).get(key, 0)
            text += f" vs {show(old, key, currency)} {_change(value, old)}"
        if key not in MONEY and len(currencies) > 1:  # a count: say whose (money carries its currency)
            text += f" in {currency} stores"
        parts.append(text)
    against = f", compared with {when(compared[1]).removeprefix('from ')}" if compared else ""
    return f"{HEADLINES[result.tool]} {when(call)}{against}: {'; '.join(parts)}."


def _change(now: Any, before: Any) -> str:
    now, before = Decimal(str(now or 0)), Decimal(str(before or 0))
    if before == 0:
        return "(no figure to compare with)" if now else "(no change)"
    percent = (now - before) / before * 100
    return f"({'+' if percent >= 0 else ''}{percent.quantize(Decimal('0.1'))}%)"


def _top_sentence(result: ToolResult, call: ToolCall) -> str:
    if not result.rows:
        return f"No {RANKED_NOUNS[result.tool]} sold {when(call)}."
    by = call.arguments.get("by", "revenue")
    currencies = sorted({row["currency"] for row in result.rows})
    parts = []
    for currency in currencies:
        rows = [row for row in result.rows if row["currency"] == currency]
        listed = ", ".join(
            f"{n}. {row['title']} ({row['units']} units, {show(row['revenue'], 'revenue', currency)})"
            for n, row in enumerate(rows, 1)
        )
        parts.append(f"in {currency}: {listed}" if len(currencies) > 1 else listed)
    noun = RANKED_NOUNS[result.tool]
    return f"Top {call.arguments.get('limit', 10)} {noun} by {by} {when(call)}: {'; '.join(parts)}."


def _series_sentence(result: ToolResult, call: ToolCall) -> str:
    if not any(row["orders"] for row in result.rows):
        return f"No paid orders {when(call)}."
    parts = []
    for currency in sorted({row["currency"] for row in result.rows}):
        rows = [row for row in result.rows if row["currency"] == currency]
        best = max(rows, key=lambda row: Decimal(row["net_sales"]))
        total = sum(Decimal(row["net_sales"]) for row in rows)
        orders = sum(row["orders"] for row in rows)
        parts.append(
            f"{show(total, 'net_sales', currency)} net sales before refunds in {orders} orders, "
            f"highest {call.arguments.get('interval', 'day')} starting {best['starts_on']} "
            f"({show(best['net_sales'], 'net_sales', currency)})"
        )
    return f"Sales per {call.arguments.get('interval', 'day')} {when(call)}: {'; '.join(parts)}."


def _mix_sentence(result: ToolResult, call: ToolCall, compared: tuple[ToolResult, ToolCall] | None) -> str:
    row = result.rows[0]
    text = (
        f"{when(call)[0].upper()}{when(call)[1:]}: {row['new_customers']} new and {row['returning_customers']} "
        f"returning customers ({row['orders_from_new']} and {row['orders_from_returning']} orders)"
    )
    if compared:
        old = compared[0].rows[0]
        text += f"; {when(compared[1])}: {old['new_customers']} new and {old['returning_customers']} returning"
    return text + "."


def sentence(main: ToolResult, call: ToolCall, comparison: tuple[ToolResult, ToolCall] | None) -> str:
    if main.tool == "customer_mix":
        return _mix_sentence(main, call, comparison)
    if main.kind == "figure":
        return _summary_sentence(main, call, comparison)
    if main.tool in RANKED_NOUNS:
        return _top_sentence(main, call)
    if main.tool == "discount_usage":
        return _discounts_sentence(main, call)
    if main.tool == "low_stock":
        return _low_stock_sentence(main)
    return _series_sentence(main, call)


def _discounts_sentence(result: ToolResult, call: ToolCall) -> str:
    if not result.rows:
        return f"No discounts were used {when(call)}."
    listed = "; ".join(
        f"{row['name']}: {row['uses']} uses costing {show(row['cost'], 'cost', row['currency'])}" for row in result.rows
    )
    return f"Discounts used {when(call)}: {listed}."


def _low_stock_sentence(result: ToolResult) -> str:
    if not result.rows:
        return "No variant is at or below its low-stock threshold now."
    sold_out = sum(1 for row in result.rows if row["available"] <= 0)
    return (
        f"{len(result.rows)} variants are at or below their low-stock threshold now ({sold_out} sold out): "
        + ", ".join(
            f"{row['title']} {row['label']} ({row['available']} left)".replace("  ", " ") for row in result.rows[:10]
        )
        + ("…" if len(result.rows) > 10 else "")
        + "."
    )
