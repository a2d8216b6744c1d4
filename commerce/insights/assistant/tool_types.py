"""What a tool is, what it returns and how it fails (shared by the registry and the catalogue)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from .tool_args import StoreArgs


class ToolError(Exception):
    """A tool call that cannot run; the message is safe to show and to send back to the model."""


Row = dict[str, Any]


@dataclass(frozen=True)
class Tool:
    name: str
    description: str
    args: type[StoreArgs]
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
