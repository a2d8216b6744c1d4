"""Prepare one benchmark database: ``python -m bench.prepare --database NAME --products N``.

Runs in its own process because the database is chosen before Django starts
(``MAGPIE_EMBEDDED_DB_NAME``). Migrates, seeds the demo (idempotent), adds bulk products until the
main store has N of them, indexes them for search when products were added, shows 48 products
per listing page, and prints the URLs to measure as one JSON line on stdout (progress goes to stderr).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wagtail.models import Page

LISTING_PER_PAGE = 48  # the table measures the shop and a collection with 48 cards


def _say(message: str) -> None:
    print(f"  {message}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.prepare")
    parser.add_argument("--database", required=True)
    parser.add_argument("--products", type=int, required=True)
    args = parser.parse_args(argv)
    os.environ["MAGPIE_EMBEDDED_DB_NAME"] = args.database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()
    print(json.dumps(prepare(products=args.products)), flush=True)


def prepare(*, products: int) -> dict[str, object]:
    from django.core.management import call_command

    from commerce.core.rls import system_context

    started = time.monotonic()
    call_command("migrate", interactive=False, verbosity=0)
    _say(f"migrated ({time.monotonic() - started:.0f} s)")
    with system_context("bench"):
        call_command("seed_demo", verbosity=0, stdout=io.StringIO())
        _say(f"demo seeded ({time.monotonic() - started:.0f} s)")
        added = _bulk_products_ensure(products)
    if added or not _indexed():
        step = time.monotonic()
        call_command("update_index", verbosity=0, stdout=io.StringIO())
        _say(f"search index updated in {time.monotonic() - step:.0f} s")
    with system_context("bench"):
        return _targets()


def _bulk_products_ensure(target: int) -> int:
    from django.core.management import call_command

    from commerce.catalog.models import ProductPage
    from demo.bulk import SLUG_PREFIX
    from demo.seed import demo_main_store

    store = demo_main_store()
    shop = store.site.root_page
    have = ProductPage.objects.descendant_of(shop).filter(slug__startswith=SLUG_PREFIX).count()
    missing = target - have
    if missing <= 0:
        _say(f"{have:,} bulk products already there")
        return 0
    step = time.monotonic()
    call_command("seed_demo", products=missing, verbosity=0, stdout=io.StringIO())
    _say(f"added {missing:,} bulk products in {time.monotonic() - step:.0f} s")
    return missing


def _indexed() -> bool:
    """Every live product has a search index entry."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.search.models import IndexEntry

    from commerce.catalog.models import ProductPage

    content_type = ContentType.objects.get_for_model(ProductPage)
    entries = IndexEntry.objects.filter(content_type=content_type).count()
    return entries >= ProductPage.objects.live().count()


def _targets() -> dict[str, object]:
    """The pages of the issue's table, on the main store, with 48 products per listing page."""
    from commerce.catalog.models import CollectionPage, ProductIndexPage, ProductPage
    from demo.bulk import SLUG_PREFIX
    from demo.seed import demo_main_store

    store = demo_main_store()
    root = store.site.root_page
    shop = ProductIndexPage.objects.descendant_of(root).get()
    collection = CollectionPage.objects.descendant_of(root).live().order_by("path").first()
    for page in (shop, collection):
        if page is not None and page.products_per_page != LISTING_PER_PAGE:
            page.products_per_page = LISTING_PER_PAGE
            page.save_revision().publish()
    product = (
        ProductPage.objects.descendant_of(root).live().exclude(slug__startswith=SLUG_PREFIX).order_by("path").first()
    )
    return {
        "host": store.site.hostname,
        "products": ProductPage.objects.descendant_of(root).live().count(),
        "pages": {
            "baseline": f"/bench/baseline/{store.site_id}/",
            "shop": _path(shop, root),
            "collection": _path(collection, root) if collection else None,
            "product": _path(product, root) if product else None,
            "home": "/",
            "search": "/search/?q=shirt",
        },
    }


def _path(page: Page, root: Page) -> str:
    return "/" + page.url_path.removeprefix(root.url_path)


if __name__ == "__main__":
    main()
