"""The assistant's tools: typed, read-only functions over the metrics, each with a JSON schema.

A planner only *names* tools and arguments; :func:`run_tool` validates them (unknown tool,
malformed JSON, wrong or missing fields, a store outside the asker's scope: a :class:`ToolError`
saying which), then calls the metric as the asker. The metrics themselves read under the asker's
store scope and RLS context, in a read-only transaction with a statement timeout
(:func:`commerce.insights.metrics_scope.metric_query`). No tool writes, sends email or reaches the
network. Columns a tool marks ``personal`` are dropped unless the asker may see customers.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from django.db import DatabaseError
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from commerce.insights import metrics
from commerce.insights.metrics_scope import Period, stores_in_scope
from commerce.stores.models import Store

logger = logging.getLogger(__name__)
MAX_DAYS = 3 * 366
CUSTOMER_PERMISSION = "accounts.view_user"


class ToolError(Exception):
    """A tool call that cannot run; the message is safe to show and to send back to the model."""


class PeriodArgs(BaseModel):
    """Every tool reads local calendar days ``start``..``end`` (inclusive) in each store's time zone."""

    model_config = ConfigDict(extra="forbid")

    start: date = Field(description="First local day, YYYY-MM-DD.")
    end: date = Field(description="Last local day (inclusive), YYYY-MM-DD.")
    store_ids: list[int] | None = Field(
        default=None, description="Limit to these store ids; omit for all of the asker's stores."
    )

    @model_validator(mode="after")
    def _bounded(self) -> PeriodArgs:
        if self.end < self.start:
            raise ValueError("end must be on or after start")
        if (self.end - self.start).days >= MAX_DAYS:
            raise ValueError(f"a period may span at most {MAX_DAYS} days")
        return self

    @property
    def period(self) -> Period:
        return Period(self.start, self.end)


class TopArgs(PeriodArgs):
    limit: int = Field(default=10, ge=1, le=50, description="How many to list (1-50).")
    by: Literal["revenue", "units"] = Field(default="revenue", description="Rank by revenue or by units sold.")


class SeriesArgs(PeriodArgs):
    interval: Literal["day", "week", "month"] = Field(
        default="day", description="One point per local day, ISO week (from Monday) or month."
    )


Row = dict[str, Any]


@dataclass(frozen=True)
class Tool:
    name: str
    description: str
    args: type[PeriodArgs]
    read: Callable[[Any, Any], list[Row]]
    columns: tuple[tuple[str, str], ...]  # (key, heading); the first figure column is the headline
    kind: Literal["figure", "table", "series"] = "figure"
    personal: tuple[str, ...] = ()  # columns holding customers' emails, names or addresses

    def schema(self) -> dict[str, Any]:
        """The OpenAI function-tool definition (JSON schema of the arguments)."""
        parameters = self.args.model_json_schema()
        parameters.pop("title", None)
        return {
            "type": "function",
            "function": {"name": self.name, "description": self.description, "parameters": parameters},
        }


@dataclass(frozen=True)
class ToolResult:
    tool: str
    arguments: dict[str, Any]
    rows: list[Row]
    columns: tuple[tuple[str, str], ...]
    kind: str
    hidden: tuple[str, ...] = field(default=())  # personal columns left out for this asker

    def as_json(self) -> str:
        """What the model sees: the figures as data, nothing else."""
        return json.dumps({"tool": self.tool, "arguments": self.arguments, "rows": self.rows}, default=str)


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


def _top_products(user: Any, a: TopArgs) -> list[Row]:
    rows = metrics.top_products(user=user, period=a.period, store_ids=a.store_ids, by=a.by, limit=a.limit)
    return [{"currency": r.currency, "title": r.title, "units": r.units, "revenue": r.revenue} for r in rows]


def _series(user: Any, a: SeriesArgs) -> list[Row]:
    points = metrics.sales_series(user=user, period=a.period, interval=a.interval, store_ids=a.store_ids)
    return [
        {"starts_on": p.starts_on.isoformat(), "currency": p.currency, "orders": p.orders, "net_sales": p.net_sales}
        for p in points
    ]


def _customer_mix(user: Any, a: PeriodArgs) -> list[Row]:
    mix = metrics.customer_mix(user=user, period=a.period, store_ids=a.store_ids)
    return [
        {
            "new_customers": mix.new_customers,
            "returning_customers": mix.returning_customers,
            "orders_from_new": mix.orders_from_new,
            "orders_from_returning": mix.orders_from_returning,
        }
    ]


TOOLS: dict[str, Tool] = {
    tool.name: tool
    for tool in (
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
        _summary_tool("refunds", "Refunds that succeeded in the period, per currency.", ("refunds",), ("Refunds",)),
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
            name="top_products",
            description="Best-selling products by revenue (after discounts) or units, per currency.",
            args=TopArgs,
            read=_top_products,
            columns=(("title", "Product"), ("units", "Units"), ("revenue", "Revenue"), ("currency", "Currency")),
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
    )
}


def tool_schemas() -> list[dict[str, Any]]:
    return [tool.schema() for tool in TOOLS.values()]


def parse_arguments(name: str, raw: str | dict[str, Any]) -> tuple[Tool, PeriodArgs]:
    """The tool and its validated arguments, or a :class:`ToolError` naming what is wrong."""
    tool = TOOLS.get(name)
    if tool is None:
        raise ToolError(f"unknown tool {name!r}; the tools are: {', '.join(TOOLS)}")
    if isinstance(raw, str):
        try:
            raw = json.loads(raw or "{}")
        except json.JSONDecodeError as error:
            raise ToolError(f"the arguments of {name} are not valid JSON ({error.msg})") from None
    if not isinstance(raw, dict):
        raise ToolError(f"the arguments of {name} must be a JSON object")
    try:
        return tool, tool.args.model_validate(raw)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in e['loc']) or 'arguments'}: {e['msg']}" for e in error.errors()
        )
        raise ToolError(f"invalid arguments for {name}: {problems}") from None


def normalised(name: str, raw: str | dict[str, Any]) -> dict[str, Any]:
    """The arguments as the tool reads them (defaults filled in, dates as ISO strings)."""
    _tool, args = parse_arguments(name, raw)
    return args.model_dump(mode="json")


def may_see_customers(user: Any) -> bool:
    return bool(user.has_perm(CUSTOMER_PERMISSION))


def run_tool(name: str, raw: str | dict[str, Any], *, user: Any) -> ToolResult:
    """Validate and run one tool call as ``user``. Raises :class:`ToolError` (never a database error)."""
    tool, args = parse_arguments(name, raw)
    if args.store_ids is not None:
        allowed = {store.pk for store in stores_in_scope(user=user)}
        outside = sorted(set(args.store_ids) - allowed)
        if outside:
            names = ", ".join(f"{store.name} (store {store.pk})" for store in Store.objects.filter(pk__in=outside))
            raise ToolError(f"{names or 'store ' + ', '.join(map(str, outside))} is not one of your stores")
    try:
        rows = tool.read(user, args)
    except DatabaseError:
        logger.warning("insights tool %s failed in the database", name, exc_info=True)
        raise ToolError(f"{name} could not be read in time; try a shorter period") from None
    hidden = () if may_see_customers(user) else tool.personal
    rows = [{key: _plain(value) for key, value in row.items() if key not in hidden} for row in rows]
    columns = tuple(column for column in tool.columns if column[0] not in hidden)
    return ToolResult(tool.name, args.model_dump(mode="json"), rows, columns, tool.kind, hidden)


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value
