from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template
from wagtail.models import Page, Site

from commerce.core.page_cache import store_generation

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


@register.simple_tag(takes_context=True)
def store_generation_key(context: template.Context) -> str:
    """The serving store's generation (``store_generation``), as a vary-on for a fragment that shows
    the store's catalogue (``{% wagtailpagecache ... generation %}``): it changes with any publish,
    unpublish or move in the store, a stock status, the store or its Site, or an image edited."""
    request = context.get("request")
    site = Site.find_for_request(request) if request is not None else None
    return store_generation(site.pk) if site is not None else ""
