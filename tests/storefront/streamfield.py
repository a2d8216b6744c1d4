"""Raw StreamField data for tests, in the JSON shape Wagtail stores."""

from __future__ import annotations

import json
import uuid
from typing import Any


def block(block_type: str, value: Any) -> dict[str, Any]:
    return {"type": block_type, "value": value, "id": str(uuid.uuid4())}


def stream(*blocks: dict[str, Any]) -> str:
    return json.dumps(list(blocks))


def link(label: str, *, page: int | None = None, url: str = "") -> dict[str, Any]:
    return {"label": label, "page": page, "url": url}
