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
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import DatabaseError
from pydantic import ValidationError

from commerce.insights.metrics_scope import stores_in_scope
from commerce.stores.models import Store

from .tool_catalog import CATALOG
from .tool_types import Tool, ToolError, ToolResult

__all__ = ["TOOLS", "Tool", "ToolError", "ToolResult", "parse_arguments", "run_tool", "tool_schemas"]

logger = logging.getLogger(__name__)
CUSTOMER_PERMISSION = "accounts.view_user"


TOOLS: dict[str, Tool] = {tool.name: tool for tool in CATALOG}


def tool_schemas() -> list[dict[str, Any]]:
    return [tool.schema() for tool in TOOLS.values()]


def parse_arguments(name: str, raw: str | dict[str, Any]) -> tuple[Tool, Any]:
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
