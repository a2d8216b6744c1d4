"""Answers built from tool results: a sentence with the figures, a table for lists and series, a
small SVG chart for series, the tool calls with their arguments, and each period as local dates.

The sentence is written here from the figures, never by a model, so shop text inside results
(a product named "ignore your instructions…") is shown as data and cannot change the answer."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.safestring import SafeString

from commerce.core.money_format import format_amount
from commerce.insights.charts import bar_chart, line_chart

from .plan import Plan, ToolCall
from .tools import TOOLS, ToolError, ToolResult

MONEY = {
    "net_sales",
    "gross_sales",
    "discounts",
    "refunds",
    "total_collected",
    "average_order_value",
    "shipping",
    "revenue",
}
HEADLINES = {
    "orders_count": "Orders",
    "revenue": "Net sales",
    "average_order_value": "Average order value",
    "units_sold": "Units sold",
    "refunds": "Refunds",
    "shipping_charged": "Shipping charged",
    "discounts_given": "Discounts given",
}


@dataclass
class Answer:
    outcome: str
    text: str
    notes: list[str] = field(default_factory=list)
    calls: list[dict[str, Any]] = field(default_factory=list)  # name, arguments, label, role, period, error
    tables: list[dict[str, Any]] = field(default_factory=list)  # title, columns [(key, heading)], rows
    chart: SafeString = field(default_factory=lambda: SafeString(""))
    time_zones: list[str] = field(default_factory=list)

    def figures(self) -> list[dict[str, Any]]:
        return [{"tool": call["name"], "role": call["role"], "rows": call.get("rows", [])} for call in self.calls]

    def as_json(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome,
            "answer": self.text,
            "notes": self.notes,
            "tool_calls": [{"name": c["name"], "arguments": c["arguments"]} for c in self.calls],
            "periods": [c["period"] for c in self.calls if c.get("period")],
            "figures": self.figures(),
            "time_zones": self.time_zones,
        }


def show(value: Any, key: str, currency: str | None) -> str:
    if key in MONEY and currency and value is not None:
        return format_amount(Decimal(str(value)), currency)
    return str(value)


def period_of(call: ToolCall) -> dict[str, str]:
    args = call.arguments
    return {"label": call.label or "the dates given", "start": str(args.get("start")), "end": str(args.get("end"))}


def _when(call: ToolCall) -> str:
    period = period_of(call)
    dates = period["start"] if period["start"] == period["end"] else f"{period['start']} to {period['end']}"
    return f"{period['label']} ({dates})"


def _summary_sentence(result: ToolResult, call: ToolCall, compared: tuple[ToolResult, ToolCall] | None) -> str:
    key = result.columns[1][0]
    now = {row["currency"]: row for row in result.rows}
    before = {row["currency"]: row for row in compared[0].rows} if compared else {}
    if not now and not before:
        return f"{HEADLINES[result.tool]} {_when(call)}: none (no paid orders)."
    parts = []
    for currency in sorted(set(now) | set(before)):
        value = now.get(currency, {}).get(key, 0)
        text = show(value, key, currency)
        if compared:
            old = before.get(currency, {}).get(key, 0)
            text += f" vs {show(old, key, currency)} {_change(value, old)}"
        parts.append(text)
    against = f", compared with {_when(compared[1])}" if compared else ""
    return f"{HEADLINES[result.tool]} {_when(call)}{against}: {'; '.join(parts)}."


def _change(now: Any, before: Any) -> str:
    now, before = Decimal(str(now or 0)), Decimal(str(before or 0))
    if before == 0:
        return "(no figure to compare with)" if now else "(no change)"
    percent = (now - before) / before * 100
    return f"({'+' if percent >= 0 else ''}{percent.quantize(Decimal('0.1'))}%)"


def _table(result: ToolResult, call: ToolCall) -> dict[str, Any]:
    rows = [[show(row.get(key), key, row.get("currency")) for key, _ in result.columns] for row in result.rows]
    return {
        "title": f"{TOOLS[result.tool].description.split(',')[0]} — {_when(call)}",
        "columns": [h for _, h in result.columns],
        "rows": rows,
    }


def _top_sentence(result: ToolResult, call: ToolCall) -> str:
    if not result.rows:
        return f"No products sold {_when(call)}."
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
    return f"Top {call.arguments.get('limit', 10)} products by {by} {_when(call)}: {'; '.join(parts)}."


def _series_sentence(result: ToolResult, call: ToolCall) -> str:
    if not any(row["orders"] for row in result.rows):
        return f"No paid orders {_when(call)}."
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
    return f"Sales per {call.arguments.get('interval', 'day')} {_when(call)}: {'; '.join(parts)}."


def _mix_sentence(result: ToolResult, call: ToolCall, compared: tuple[ToolResult, ToolCall] | None) -> str:
    row = result.rows[0]
    text = (
        f"{_when(call)[0].upper()}{_when(call)[1:]}: {row['new_customers']} new and {row['returning_customers']} "
        f"returning customers ({row['orders_from_new']} and {row['orders_from_returning']} orders)"
    )
    if compared:
        old = compared[0].rows[0]
        text += f"; {_when(compared[1])}: {old['new_customers']} new and {old['returning_customers']} returning"
    return text + "."


def _chart(result: ToolResult, compared: ToolResult | None) -> SafeString:
    charts = []
    if result.kind == "series":
        for currency in sorted({row["currency"] for row in result.rows}):
            rows = [row for row in result.rows if row["currency"] == currency]
            previous = (
                [Decimal(r["net_sales"]) for r in compared.rows if r["currency"] == currency] if compared else None
            )
            charts.append(
                line_chart(
                    title=f"Net sales in {currency}",
                    labels=[row["starts_on"] for row in rows],
                    current=[Decimal(row["net_sales"]) for row in rows],
                    previous=previous[: len(rows)] if previous else None,
                )
            )
    elif result.tool == "top_products":
        for currency in sorted({row["currency"] for row in result.rows}):
            rows = [row for row in result.rows if row["currency"] == currency]
            key = "units" if result.arguments.get("by") == "units" else "revenue"
            charts.append(
                bar_chart(
                    title=f"Top products in {currency}",
                    labels=[row["title"] for row in rows],
                    values=[Decimal(str(row[key])) for row in rows],
                )
            )
    return SafeString("".join(charts))


def compose(plan: Plan, results: dict[int, ToolResult | ToolError], *, time_zones: list[str]) -> Answer:
    """The answer to ``plan`` from each call's result (by index in ``plan.calls``)."""
    if plan.refusal:
        return Answer("refused", plan.refusal, list(plan.notes))
    if not plan.calls:
        return Answer("not_understood", plan.not_understood or "I did not understand the question.", list(plan.notes))
    answer = Answer("answered", "", list(plan.notes), time_zones=time_zones)
    for index, call in enumerate(plan.calls):
        result = results.get(index)
        entry = {**call.as_dict(), "period": period_of(call)}
        if isinstance(result, ToolResult):
            entry["arguments"] = result.arguments  # as the tool read them (defaults filled in)
            entry["rows"] = result.rows
        elif isinstance(result, ToolError):
            entry["error"] = str(result)
        answer.calls.append(entry)
    errors = [str(r) for r in results.values() if isinstance(r, ToolError)]
    mains = [i for i, call in enumerate(plan.calls) if call.role == "main" and isinstance(results.get(i), ToolResult)]
    if not mains:
        answer.outcome = "error"
        answer.text = f"I could not read that: {errors[0] if errors else 'no result'}."
        return answer
    sentences, charts = [], []
    for index in mains:
        main, call = results[index], plan.calls[index]
        assert isinstance(main, ToolResult)
        comparison = next(
            (
                (results[i], c)
                for i, c in enumerate(plan.calls)
                if c.role == "comparison" and c.name == call.name and isinstance(results.get(i), ToolResult)
            ),
            None,
        )
        sentences.append(_sentence(main, call, comparison))
        if main.kind != "figure" or main.tool == "customer_mix":
            answer.tables.append(_table(main, call))
            if comparison:
                answer.tables.append(_table(*comparison))
        charts.append(_chart(main, comparison[0] if comparison else None))
    answer.text = " ".join(sentences)
    answer.chart = SafeString("".join(charts))
    answer.notes.extend(f"Not read: {error}." for error in errors)
    return answer


def _sentence(main: ToolResult, call: ToolCall, comparison: tuple[ToolResult, ToolCall] | None) -> str:
    if main.tool == "customer_mix":
        return _mix_sentence(main, call, comparison)
    if main.kind == "figure":
        return _summary_sentence(main, call, comparison)
    if main.tool == "top_products":
        return _top_sentence(main, call)
    return _series_sentence(main, call)
