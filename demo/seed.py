"""Seeding the whole demo: two stores, their catalogues, collections and pages, in one transaction."""

from __future__ import annotations

from dataclasses import replace

from django.db import models, transaction
from django.db.models import Max
from wagtail.models import Page, ReferenceIndex
from wagtail.signal_handlers import disable_reference_index_auto_update

from commerce.catalog.models import CollectionPage, ProductPage, ProductVariant
from commerce.stores.models import Store

from .catalogue import (
    categories_ensure,
    home_page_ensure,
    products_ensure,
    shop_ensure,
    site_ensure,
    store_ensure,
    welcome_page_remove,
)
from .catalogue_data import CATEGORIES, STORES
from .images import DEFAULT_IMAGE_SIZE, MIN_IMAGE_SIZE, demo_collection
from .pages import about_page_ensure, collections_ensure, home_page_fill
from .policies import policy_pages_ensure
from .promotions import promotions_ensure
from .report import SeedReport, StoreLine
from .shipping import shipping_ensure
from .specs import StoreSpec
from .stock import locations_ensure


@transaction.atomic
def demo_seed(
    *, image_size: int = DEFAULT_IMAGE_SIZE, stores: tuple[StoreSpec, ...] = STORES, port: int | None = None
) -> SeedReport:
    """Create whatever part of the demo is missing and leave the rest untouched (idempotent).

    ``image_size`` is the side of the square product images in pixels (landscape images are twice as wide).
    ``port`` is the port the demo is served on (``make run``: 8000): every store's Site carries it, so
    absolute links (canonical, og:url, emails) built from the Site point where the shop really is.
    """
    if image_size < MIN_IMAGE_SIZE:
        raise ValueError(f"image_size must be at least {MIN_IMAGE_SIZE} pixels.")
    if port is not None:
        stores = tuple(replace(spec, port=port) for spec in stores)
    last_page_id = Page.objects.aggregate(last=Max("pk"))["last"] or 0
    with disable_reference_index_auto_update():
        report = _seed(image_size=image_size, stores=stores)
    _reference_index_update(pages=Page.objects.filter(pk__gt=last_page_id))
    return report


def _reference_index_update(*, pages: models.QuerySet[Page]) -> None:
    """Record the new pages' references (to images, products, collections) once each.

    Saving a page with its variants, images and revision would otherwise update the admin's reference
    index once per saved object (several times per page); once per page at the end saves about a third
    of the seed's queries.
    """
    for page in pages.specific().iterator():
        ReferenceIndex.create_or_update_for_object(page)


def _seed(*, image_size: int, stores: tuple[StoreSpec, ...]) -> SeedReport:
    report = SeedReport()
    root = Page.get_first_root_node()
    gallery = demo_collection()
    categories = categories_ensure(specs=CATEGORIES, report=report)

    homes = {}
    for spec in stores:
        home = home_page_ensure(spec=spec, root=root, report=report)
        site = site_ensure(spec=spec, home=home, report=report)
        homes[spec.home_slug] = (home, store_ensure(spec=spec, site=site, report=report), site)
    welcome_page_remove(root=root, report=report)

    for spec in stores:
        home, store, site = homes[spec.home_slug]
        shop = shop_ensure(home=home, spec=spec, report=report)
        shipping_ensure(store=store, report=report)
        locations_ensure(store=store, main=spec == STORES[0], report=report)
        promotions_ensure(store=store, report=report)
        products = products_ensure(
            store=store,
            store_spec=spec,
            shop=shop,
            categories=categories,
            collection=gallery,
            image_size=image_size,
            report=report,
        )
        collections = collections_ensure(
            spec=spec,
            home=home,
            products=products,
            categories=categories,
            collection=gallery,
            image_size=image_size,
            report=report,
        )
        about = about_page_ensure(
            spec=spec, home=home, shop=shop, collection=gallery, image_size=image_size, report=report
        )
        policy_pages_ensure(spec=spec, home=home, report=report)
        home_page_fill(
            spec=spec,
            home=home,
            shop=shop,
            about=about,
            collections=collections,
            products=products,
            collection=gallery,
            image_size=image_size,
            report=report,
        )
        report.stores.append(
            StoreLine(
                name=store.name,
                url=site.root_url + "/",
                currency=store.currency,
                products=ProductPage.objects.child_of(shop).count(),
                variants=ProductVariant.objects.filter(store=store).count(),
                collections=CollectionPage.objects.descendant_of(home).count(),
            )
        )
    return report


def demo_main_store(*, spec: StoreSpec = STORES[0]) -> Store:
    """The main demo store (Magpie Outfitters on localhost:80), which bulk products go to."""
    # By host name: `seed_demo --port` gives the Site whatever port `make run` serves on.
    return Store.objects.select_related("site__root_page").get(site__hostname=spec.hostname)
