"""What a planner decides: tool calls (and what their periods were called), or a refusal, or what
it did not understand. Both planners produce the same :class:`ToolCall` shapes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Outcome = Literal["answered", "refused", "not_understood", "error"]


@dataclass(frozen=True)
class ToolCall:
    name: str
    arguments: dict[str, Any]
    label: str = ""  # the words that named the period ("last week"), shown beside its dates
    role: Literal["main", "comparison"] = "main"

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "arguments": self.arguments, "label": self.label, "role": self.role}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ToolCall:
        return cls(data["name"], dict(data["arguments"]), data.get("label", ""), data.get("role", "main"))


@dataclass(frozen=True)
class Plan:
    calls: tuple[ToolCall, ...] = ()
    refusal: str = ""
    not_understood: str = ""
    notes: tuple[str, ...] = field(default=())

    @property
    def outcome(self) -> Outcome:
        if self.refusal:
            return "refused"
        if not self.calls:
            return "not_understood"
        return "answered"

    @property
    def main(self) -> ToolCall | None:
        return next((call for call in self.calls if call.role == "main"), None)
