from __future__ import annotations

from dataclasses import dataclass

from django import template
from wagtail.models import Page, Site

register = template.Library()


@dataclass(frozen=True)
class MenuItem:
    title: str
    url: str
    active: bool


@register.simple_tag(takes_context=True)
def main_menu(context) -> list[MenuItem]:
    """The site root's live children marked "show in menus", computed once per request."""
    request = context.get("request")
    if request is None:
        return []
    cached = getattr(request, "_magpie_main_menu", None)
    if cached is not None:
        return cached
    site = Site.find_for_request(request)
    items: list[MenuItem] = []
    if site is not None:
        current: Page | None = context.get("page")
        current_path = getattr(current, "path", "")
        children = (
            Page.objects.child_of(site.root_page)
            .live()
            .in_menu()
            .order_by("path")
            .only("id", "title", "path", "url_path")
        )
        for child in children:
            url = child.get_url(request)
            if url:
                items.append(MenuItem(child.title, url, bool(current_path) and current_path.startswith(child.path)))
    request._magpie_main_menu = items
    return items
