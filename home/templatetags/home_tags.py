from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template
from wagtail.models import Page

register = template.Library()


@register.simple_tag(takes_context=True)
def link_href(context: template.Context, link: Mapping[str, Any] | None) -> str:
    """Where a ``LinkBlock`` points: its live page's URL for this request, else its URL, else ''."""
    if not link:
        return ""
    page: Page | None = link.get("page")
    if page is not None and page.live:
        return page.get_url(context.get("request")) or ""
    return link.get("url") or ""
