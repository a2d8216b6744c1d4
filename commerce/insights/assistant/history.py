"""A stored question shown again: the answer rebuilt from its audit row (tool calls, figures and
notes as recorded then; nothing is re-read), so the conversation shows tables and charts too."""

from __future__ import annotations

from typing import Any

from commerce.insights.models import InsightQuestion

from .answers import Answer, compose
from .plan import Plan, ToolCall
from .tools import TOOLS, ToolError, ToolResult


def answer_from_record(record: InsightQuestion) -> Answer:
    if record.outcome in (InsightQuestion.Outcome.REFUSED, InsightQuestion.Outcome.NOT_UNDERSTOOD):
        return Answer(record.outcome, record.answer)
    calls, results = [], {}
    for index, (call, figures) in enumerate(zip(record.tool_calls, _padded(record), strict=False)):
        tool = TOOLS.get(call.get("name", ""))
        if tool is None:
            continue
        calls.append(ToolCall.from_dict(call))
        if call.get("error"):
            results[index] = ToolError(call["error"])
            continue
        rows = figures.get("rows", [])
        present = set().union(*(row.keys() for row in rows)) if rows else {key for key, _ in tool.columns}
        columns = tuple(column for column in tool.columns if column[0] in present)
        results[index] = ToolResult(tool.name, call["arguments"], rows, columns, tool.kind)
    answer = compose(Plan(calls=tuple(calls)), results, time_zones=[])
    answer.text = record.answer  # as it was answered (with its notes)
    answer.outcome = record.outcome
    return answer


def _padded(record: InsightQuestion) -> list[dict[str, Any]]:
    figures = list(record.figures or [])
    return figures + [{}] * (len(record.tool_calls) - len(figures))
