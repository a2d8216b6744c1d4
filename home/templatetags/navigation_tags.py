from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.core.cache import caches
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from wagtail.models import Page, Site

from commerce.core.page_cache import store_generation

register = template.Library()

# How long a site's menu rows stay in the ``listings`` cache; a publish, unpublish or move in the
# site changes its generation (and so the key) sooner.
MENU_SECONDS = 3600


@dataclass(frozen=True)
class MenuItem:
    title: str
    url: str
    active: bool


@dataclass(frozen=True)
class SiteLinks:
    menu: list[MenuItem]
    footer: list[MenuItem]


@dataclass(frozen=True)
class _MenuRow:
    title: str
    url: str
    path: str
    in_menu: bool
    in_footer: bool


def _menu_rows(site: Site, request) -> list[_MenuRow]:
    """The site root's live children shown in the header or footer. Read once per site generation
    (``store_generation``: a publish, unpublish or move in the site, or a Site change, starts a new
    one), not on every storefront request; one query when read."""
    cache = caches["listings"]
    key = f"magpie.site_menu:{site.pk}:{store_generation(site.pk)}"
    rows = cache.get(key)
    if rows is None:
        children = (
            Page.objects.child_of(site.root_page)
            .live()
            .filter(Q(show_in_menus=True) | Q(contentpage__show_in_footer=True))
            .annotate(in_footer=Coalesce(F("contentpage__show_in_footer"), Value(False)))
            .order_by("path")
            .only("id", "title", "path", "url_path", "show_in_menus")
        )
        rows = [
            _MenuRow(child.title, url, child.path, child.show_in_menus, child.in_footer)
            for child in children
            if (url := child.get_url(request))
        ]
        cache.set(key, rows, timeout=MENU_SECONDS)
    return rows


def _site_links(context) -> SiteLinks:
    """The site root's live children: those marked "show in menus" for the header, content pages
    marked "show in footer" (policies, contact) for the footer; read once per site generation."""
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
        for row in _menu_rows(site, request):
            item = MenuItem(row.title, row.url, bool(current_path) and current_path.startswith(row.path))
            if row.in_menu:
                links.menu.append(item)
            if row.in_footer:
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
