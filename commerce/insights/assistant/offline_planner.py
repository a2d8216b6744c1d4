"""The built-in planner used without an OpenAI key: deterministic rules over the question's words.

It finds the figure asked for (a tool), the period, a comparison, "top N", the stores, and — with
no figure named — refines the previous question ("and the week before?", "only North"). Words it
could not place are named in the answer; a question with no figure it knows is answered with what
it did not understand, never a guess."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from . import periods as p
from .guardrails import refusal_for
from .offline_lexicon import (
    ALL_STORES,
    BY_UNITS,
    COMPARATOR,
    COMPILED_METRICS,
    FOLLOW_UP,
    INTERVALS,
    LAST_YEAR,
    PREVIOUS,
    RERANK,
    SHIFT_BACK,
    SINGLE,
    TOP_N,
    blank,
)
from .offline_periods import find_period
from .offline_stores import StoreRef, find_stores
from .offline_words import STOPWORDS, VOCABULARY, normalise
from .periods import NamedPeriod
from .plan import Plan, ToolCall

DEFAULT_DAYS = 30
UNDATED = frozenset({"low_stock", "stock_value"})  # about now, not a period
RANKED = frozenset({"top_products", "top_categories", "top_collections"})
CAPABILITIES = (
    "orders, revenue (net sales), average order value, units sold, refunds, returns, shipping charged, "
    "discounts given and used, gift cards owed, top products, categories and collections, sales over time, "
    "new vs returning customers, low stock and stock value"
)

__all__ = ["StoreRef", "plan_offline"]


def plan_offline(question: str, *, today: date, stores: list[StoreRef], previous: Plan | None = None) -> Plan:
    """The tool calls that answer ``question`` as of ``today``; ``previous`` is the conversation's
    last answered plan, which a follow-up refines."""
    if reason := refusal_for(question):
        return Plan(refusal=reason)
    store_words = frozenset(word for store in stores for word in store.name.lower().split())
    text = normalise(question, store_words)
    store_ids, text = find_stores(text, stores)
    stores_named = store_ids is not None or bool(ALL_STORES.search(normalise(question, store_words)))
    head, tail = _split_comparison(text)
    comparison, head, tail = _comparison(tail, head)
    shift = SHIFT_BACK.search(head)
    if shift:
        head = blank(head, shift)
    named, head = find_period(head, today)
    limit, by, head = _top(head, None)
    rerank = previous is not None and previous.main is not None and previous.main.name in RANKED
    tool, head = (None, head) if rerank and RERANK.search(head) else _tool(head)
    if tool in RANKED and limit is None and SINGLE.search(text):
        limit = 1
    leftovers = _leftovers(head + " " + tail)
    if tool is None and previous is not None and previous.main is not None:
        return _refine(
            previous, today, named, shift, store_ids if stores_named else "keep", comparison, limit, by, leftovers
        )
    if tool is not None and len(leftovers) >= 2:
        return Plan(not_understood=f"I did not understand: {', '.join(leftovers)}. I can answer about {CAPABILITIES}.")
    if tool is None:
        what = f" (I did not recognise: {', '.join(leftovers)})" if leftovers else ""
        return Plan(
            not_understood=f"I did not understand which figure you want{what}. I can answer about {CAPABILITIES}."
        )
    notes: list[str] = []
    if tool in UNDATED:
        named = named or p.today_period(today)
        if comparison or named.label != "today":
            notes.append("Stock figures are as of now; the period was left out.")
        return Plan(
            calls=(ToolCall(tool, _arguments(tool, named, store_ids, limit, by, text), "now"),), notes=tuple(notes)
        )
    if named is None:
        if previous is not None and previous.main is not None and FOLLOW_UP.search(text.strip()):
            named = _named_from(previous.main)
            store_ids = store_ids if stores_named else previous.main.arguments.get("store_ids")
            notes.append("Same period as your last question.")
        else:
            named = p.last_days(today, DEFAULT_DAYS)
            notes.append(f"No period given: I used the last {DEFAULT_DAYS} days.")
    if leftovers:
        notes.append(f"I did not understand, and left out: {', '.join(leftovers)}.")
    arguments = _arguments(tool, named, store_ids, limit, by, text)
    return _with_comparison(tool, arguments, named, comparison, notes, today)


def _split_comparison(text: str) -> tuple[str, str]:
    match = COMPARATOR.search(text)
    if not match:
        return text, ""
    return text[: match.start()], text[match.end() :]


def _comparison(tail: str, head: str) -> tuple[Any, str, str]:
    """What to compare with ("year", "previous", ("text", words) or None), then head and tail with
    the comparison's words blanked."""
    if match := LAST_YEAR.search(tail):
        return "year", head, blank(tail, match)
    if match := LAST_YEAR.search(head):
        return "year", blank(head, match), tail
    if match := PREVIOUS.search(tail):
        return "previous", head, blank(tail, match)
    if not tail and (match := PREVIOUS.search(head)):
        return "previous", blank(head, match), tail
    if tail.strip():
        return ("text", tail), head, ""
    return None, head, tail


def _tool(text: str) -> tuple[str | None, str]:
    for name, pattern in COMPILED_METRICS:
        if match := pattern.search(text):
            return name, blank(text, match)
    return None, text


def _top(text: str, tool: str | None) -> tuple[int | None, str | None, str]:
    limit = by = None
    if match := TOP_N.search(text):
        limit = int(match.group("n") or match.group("m"))
    elif tool in RANKED and SINGLE.search(text):
        limit = 1
    if BY_UNITS.search(text):
        by = "units"
    elif re.search(r"\bby\s+(?:revenue|sales|value)\b", text):
        by = "revenue"
    return limit, by, text


def _leftovers(text: str) -> list[str]:
    words = re.sub(r"\b(?:product|products|items?|sellers?|customers?|selling|sold)\b", " ", text).split()
    return [word for word in words if word not in STOPWORDS and word not in VOCABULARY and not word.isdigit()]


def _interval(text: str, named: NamedPeriod) -> str:
    for interval, pattern in INTERVALS.items():
        if re.search(rf"\b(?:{pattern})\b", text) and interval != "day":
            return interval
    if re.search(r"\b(?:daily|per\s+day|by\s+day|each\s+day|every\s+day|day\s+by\s+day)\b", text):
        return "day"
    days = named.period.days
    return "day" if days <= 62 else "week" if days <= 183 else "month"


def _arguments(
    tool: str, named: NamedPeriod, store_ids: list[int] | None, limit: int | None, by: str | None, text: str
) -> dict[str, Any]:
    arguments: dict[str, Any] = {}
    if tool not in UNDATED:
        arguments.update(start=named.period.start.isoformat(), end=named.period.end.isoformat())
    if store_ids:
        arguments["store_ids"] = store_ids
    if tool == "low_stock" and limit:
        arguments["limit"] = min(limit, 50)
    if tool in RANKED:
        arguments["limit"] = min(limit or 10, 50)
        arguments["by"] = by or "revenue"
    if tool == "sales_series":
        interval_text = re.sub(r"\b(?:this|last|previous|past|current)\s+(?:week|month|year)\b", " ", text)
        arguments["interval"] = _interval(interval_text, named)
    return arguments


def _named_from(call: ToolCall) -> NamedPeriod:
    args = call.arguments
    return NamedPeriod(call.label, p.Period(date.fromisoformat(args["start"]), date.fromisoformat(args["end"])))


def _with_comparison(
    tool: str, arguments: dict[str, Any], named: NamedPeriod, comparison: Any, notes: list[str], today: date
) -> Plan:
    calls = [ToolCall(tool, arguments, named.label)]
    other: NamedPeriod | None = None
    if comparison == "year":
        other = NamedPeriod("the same period last year", p.same_period_last_year(named.period))
    elif comparison == "previous":
        other = NamedPeriod("the period before", named.period.previous())
    elif isinstance(comparison, tuple):
        other, _rest = find_period(comparison[1], today)
        if other is None:
            notes.append(f"I did not understand what to compare with ({comparison[1].strip()}).")
    if other is not None:
        if other.period.days != named.period.days:
            notes.append(f"The periods differ in length: {named.period.days} days against {other.period.days}.")
        compared = {**arguments, "start": other.period.start.isoformat(), "end": other.period.end.isoformat()}
        calls.append(ToolCall(tool, compared, other.label, role="comparison"))
    return Plan(calls=tuple(calls), notes=tuple(notes))


def _refine(
    previous: Plan,
    today: date,
    named: NamedPeriod | None,
    shift: re.Match[str] | None,
    store_ids: Any,
    comparison: Any,
    limit: int | None,
    by: str | None,
    leftovers: list[str],
) -> Plan:
    main = previous.main
    assert main is not None
    if named is None and shift is None and store_ids == "keep" and limit is None and by is None and not comparison:
        what = f" (I did not recognise: {', '.join(leftovers)})" if leftovers else ""
        return Plan(not_understood=f"I did not understand how to change your last question{what}.")
    if main.name in UNDATED:  # stock is about now: only the stores can change
        arguments = {k: v for k, v in main.arguments.items() if k != "store_ids"}
        kept = main.arguments.get("store_ids") if store_ids == "keep" else store_ids
        if kept:
            arguments["store_ids"] = kept
        return Plan(calls=(ToolCall(main.name, arguments, "now"),), notes=("Refined your last question.",))
    current = _named_from(main)
    if shift is not None:
        unit = shift.groupdict().get("unit") or "period"
        named = p.shift(current, "period" if unit == "quarter" else unit if unit != "day" else "period")
    named = named or current
    arguments = dict(main.arguments)
    arguments.update(start=named.period.start.isoformat(), end=named.period.end.isoformat())
    if store_ids != "keep":
        arguments.pop("store_ids", None)
        if store_ids:
            arguments["store_ids"] = store_ids
    if main.name in RANKED:
        arguments["limit"] = limit or arguments.get("limit", 10)
        arguments["by"] = by or arguments.get("by", "revenue")
    notes = [f"Refined your last question ({main.name.replace('_', ' ')})."]
    return _with_comparison(main.name, arguments, named, comparison, notes, today)
