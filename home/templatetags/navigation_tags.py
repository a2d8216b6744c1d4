from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from wagtail.models import Page, Site

register = template.Library()


@dataclass(frozen=True)
class MenuItem:
    title: str
    url: str
    active: bool


@dataclass(frozen=True)
class SiteLinks:
    menu: list[MenuItem]
    footer: list[MenuItem]


def _site_links(context) -> SiteLinks:
    """The site root's live children: those marked "show in menus" for the header, content pages
    marked "show in footer" (policies, contact) for the footer; one query, once per request."""
    request = context.get("request")
    if request is None:
        return SiteLinks([], [])
    cached = getattr(request, "_magpie_site_links", None)
    if cached is not None:
        return cached
    site = Site.find_for_request(request)
    links = SiteLinks([], [])
    if site is not None:
        current: Page | None = context.get("page")
        current_path = getattr(current, "path", "")
        children = (
            Page.objects.child_of(site.root_page)
            .live()
            .filter(Q(show_in_menus=True) | Q(contentpage__show_in_footer=True))
            .annotate(in_footer=Coalesce(F("contentpage__show_in_footer"), Value(False)))
            .order_by("path")
            .only("id", "title", "path", "url_path", "show_in_menus")
        )
        for child in children:
            url = child.get_url(request)
            if not url:
                continue
            item = MenuItem(child.title, url, bool(current_path) and current_path.startswith(child.path))
            if child.show_in_menus:
                links.menu.append(item)
            if child.in_footer:
                links.footer.append(item)
    request._magpie_site_links = links
    return links


@register.simple_tag(takes_context=True)
def main_menu(context) -> list[MenuItem]:
    """The header's menu: the site root's live children marked "show in menus"."""
    return _site_links(context).menu


@register.simple_tag(takes_context=True)
def footer_links(context) -> list[MenuItem]:
    """The footer's pages (shipping, returns, privacy, contact): content pages marked "show in footer"."""
    return _site_links(context).footer
