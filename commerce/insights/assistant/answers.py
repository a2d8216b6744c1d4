"""Answers built from tool results: a sentence with the figures, a table for lists and series, a
small SVG chart for series, the tool calls with their arguments, and each period as local dates.

The sentence is written here from the figures, never by a model, so shop text inside results
(a product named "ignore your instructions…") is shown as data and cannot change the answer."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.safestring import SafeString

from commerce.insights.charts import bar_chart, line_chart

from .plan import Plan, ToolCall
from .sentences import arguments_text, period_of, sentence, show, when
from .tools import TOOLS, ToolError, ToolResult


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


def _table(result: ToolResult, call: ToolCall) -> dict[str, Any]:
    rows = [[show(row.get(key), key, row.get("currency")) for key, _ in result.columns] for row in result.rows]
    return {
        "title": f"{TOOLS[result.tool].description.split(',')[0]} — {when(call)}",
        "columns": [h for _, h in result.columns],
        "rows": rows,
    }


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
    elif result.tool in ("top_products", "top_categories", "top_collections"):
        for currency in sorted({row["currency"] for row in result.rows}):
            rows = [row for row in result.rows if row["currency"] == currency]
            key = "units" if result.arguments.get("by") == "units" else "revenue"
            charts.append(
                bar_chart(
                    title=f"Top {result.tool.removeprefix('top_')} in {currency}",
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
        entry["arguments_text"] = arguments_text(entry["arguments"])
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
        sentences.append(sentence(main, call, comparison))
        if main.kind != "figure" or main.tool == "customer_mix":
            answer.tables.append(_table(main, call))
            if comparison:
                answer.tables.append(_table(*comparison))
        charts.append(_chart(main, comparison[0] if comparison else None))
    answer.text = " ".join(sentences)
    answer.chart = SafeString("".join(charts))
    answer.notes.extend(f"Not read: {error}." for error in errors)
    return answer
