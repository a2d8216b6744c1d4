"""Small helpers for creating published pages and validated StreamField values."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any, TypeVar

from wagtail.blocks import StreamBlock, StreamValue
from wagtail.models import Page

PageT = TypeVar("PageT", bound=Page)


def page_add_published(*, parent: Page, page: PageT) -> PageT:
    """Add ``page`` under ``parent`` and publish it through a revision, as the editor's Publish button does.

    Publishing saves the page again, which fires the signals that update the search and reference indexes.
    """
    page.live = True
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def block(block_type: str, value: Any) -> dict[str, Any]:
    """One item of a StreamField's raw JSON: ``{"type", "value", "id"}``."""
    return {"type": block_type, "value": value, "id": str(uuid.uuid4())}


def list_items(values: Iterable[Any]) -> list[dict[str, Any]]:
    """A ListBlock's raw JSON, each item with its own id."""
    return [block("item", value) for value in values]


def stream_value(stream_block: StreamBlock, raw: list[dict[str, Any]]) -> StreamValue:
    """Turn raw StreamField JSON into a value, validated by the block exactly as the editor would be.

    Raises ``django.core.exceptions.ValidationError`` (a ``StreamBlockValidationError``) when invalid.
    """
    return stream_block.clean(stream_block.to_python(raw))
