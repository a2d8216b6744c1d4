"""Who already holds a SKU or a slug, so the product editor's error names that page and links to it.

A SKU can be held by a saved variant row (a live product, or a draft never published) or only by
another product's unpublished or autosaved draft (its revision's JSON): both are looked up.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from wagtail.models import Page, Revision

from commerce.stores.models import Store

from .models import ProductPage, ProductVariant


def sku_holders(*, store: Store, skus: Iterable[str], exclude_page_id: int | None) -> dict[str, Page]:
    """Each SKU of ``skus`` held by another product of ``store``, with that product (two queries)."""
    wanted = {sku for sku in skus if sku}
    held: dict[str, Page] = {}
    rows = ProductVariant.objects.filter(store=store, sku__in=wanted).exclude(product_id=exclude_page_id)
    for variant in rows.select_related("product"):
        held.setdefault(variant.sku, variant.product)
    drafts = (
        ProductPage.objects.filter(path__startswith=store.site.root_page.path, has_unpublished_changes=True)
        .exclude(pk=exclude_page_id)
        .exclude(latest_revision__isnull=True)
    )
    revisions = Revision.objects.filter(pk__in=drafts.values("latest_revision_id")).only("object_id", "content")
    pages = {}
    for revision in revisions:
        for variant in revision.content.get("variants", []):
            sku = variant.get("sku")
            if sku in wanted and sku not in held:
                pages.setdefault(int(revision.object_id), []).append(sku)
    for page in Page.objects.filter(pk__in=pages).only("pk", "title"):
        for sku in pages[page.pk]:
            held[sku] = page
    return held


def page_link(page: Page) -> SafeString:
    """The page's title linking to its editor (opens in a new tab so the current edit is kept)."""
    return format_html(
        '“<a href="{}" target="_blank" rel="noopener">{}</a>”',
        reverse("wagtailadmin_pages:edit", args=[page.pk]),
        page.title,
    )


def sku_conflict_message(*, sku: str, page: Page, store: Store) -> SafeString:
    state = "" if page.live else " (a draft)"
    return format_html("SKU {} is already used by {}{} in {}.", sku, page_link(page), state, store.name)


def slug_conflict_message(*, slug: str, parent: Page, exclude_page_id: int | None) -> SafeString | None:
    sibling = parent.get_children().filter(slug=slug).exclude(pk=exclude_page_id).only("pk", "title", "live").first()
    if sibling is None:
        return None
    state = "" if sibling.live else " (a draft)"
    return format_html("The slug “{}” is already used by {}{} here. Choose another.", slug, page_link(sibling), state)
