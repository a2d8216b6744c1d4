"""Listing cards kept light (issue 15): a kept card carries its image's id, not the ``Image``; a
grid whose fragments are cached loads no image, and one missing its fragments reads their images
with their renditions in one query. A new image and a collection's new hero show at once."""

from __future__ import annotations

import pickle

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commerce.catalog.models import CollectionPage, ProductImage, ProductPage
from commerce.catalog.selectors import product_cards, with_card_data
from tests.factories import CollectionPageFactory, ProductPageFactory
from tests.images import make_image
from tests.storefront.test_store_caches import path, queries_of, store_caches  # noqa: F401  (fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.caching, pytest.mark.usefixtures("store_caches")]


def test_a_kept_card_carries_its_image_id_and_fragment_key_but_no_image(store):
    product = ProductPageFactory(store=store, title="Walnut tray", images=1)
    [card] = product_cards(with_card_data(ProductPage.objects.filter(pk=product.pk)), currency="USD")
    assert card.image is not None

    kept = pickle.loads(pickle.dumps(card))

    assert kept.image is None
    assert kept.image_id == card.image.pk
    assert kept.fragment_key == card.fragment_key
    assert kept == card


def test_a_card_kept_by_the_previous_release_with_its_image_reads_as_a_new_one(store):
    """Caches outlive a deploy: a card pickled when cards carried the ``Image`` (no ``image_id``) still
    shows its image and keeps the same fragment key."""
    product = ProductPageFactory(store=store, title="Walnut tray", images=1)
    [card] = product_cards(with_card_data(ProductPage.objects.filter(pk=product.pk)), currency="USD")
    old_state = {name: value for name, value in card.__dict__.items() if name not in {"image_id", "image_version"}}
    old_state.pop("fragment_key", None)
    kept = object.__new__(type(card))

    kept.__setstate__(old_state)

    assert kept.image_id == card.image.pk
    assert kept.fragment_key == card.fragment_key
    assert kept == card


@pytest.mark.benchmark
@pytest.mark.parametrize("products", [2, 6])
def test_a_grid_reads_its_images_in_one_query_only_for_cards_not_cached(client, store, shop_index, products):
    for number in range(products):
        ProductPageFactory(store=store, title=f"Lamp {number}", images=1)
    count, html = queries_of(client, path(shop_index))
    assert count == 0  # the page's row (with its route), the listing and every card's fragment are kept
    assert html.count("fill-400x400") == 2 * products  # src and srcset of each card

    caches["fragments"].clear()
    with CaptureQueriesContext(connection) as queries:
        again = client.get(path(shop_index)).content.decode()

    # the cards' images with their renditions (no page, product, variant or image row)
    assert len(queries.captured_queries) == 1
    assert again == html


def test_a_new_image_reaches_a_kept_listing_at_once(client, store, shop_index, django_capture_on_commit_callbacks):
    product = ProductPageFactory(store=store, title="Walnut tray", images=1)
    assert "walnut-tray-0" in client.get(path(shop_index)).content.decode()

    page = ProductPage.objects.get(pk=product.pk)
    page.gallery_images = [ProductImage(image=make_image("Fresh look"), sort_order=0)]
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()

    html = client.get(path(shop_index)).content.decode()
    assert "fresh-look" in html
    assert "walnut-tray-0" not in html


@pytest.mark.benchmark
def test_a_collection_hero_is_kept_until_the_collection_changes(client, store, django_capture_on_commit_callbacks):
    collection = CollectionPageFactory(
        parent=store.site.root_page, title="Spring edit", slug="spring-edit", hero_image=make_image("Meadow")
    )
    ProductPageFactory(store=store, title="Stool", images=1)

    count, html = queries_of(client, path(collection))

    assert count == 0  # the page's row comes with its route: no image row or rendition for the hero once warm
    assert "meadow" in html

    page = CollectionPage.objects.get(pk=collection.pk)
    page.hero_image = make_image("Harbour")
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()

    html = client.get(path(collection)).content.decode()
    assert "harbour" in html
    assert "meadow" not in html
