"""The storefront's hot pages make a fixed number of queries, whatever the number of products or variants.

Each test warms up first (renditions are generated, Wagtail's site root paths cached), then
asserts the exact count, so a new per-product or per-variant query fails here.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from commerce.catalog.models import CollectionProduct, ProductIndexPage
from tests.catalog.helpers import categorise, tag
from tests.factories import CollectionPageFactory, ProductPageFactory
from tests.images import make_image

pytestmark = [pytest.mark.django_db, pytest.mark.benchmark]

# Wagtail's serve reads nothing: the host's Site, the route down the tree with the page's own row and
# the view-restriction check are warm routing answers (``page_routing``, on in tests), and the main
# menu comes on top of ours. Listing: store, the private-section check of ``public()``, the store's kept
# facet counts, the facet counts given the filters
# (bounded probes of the store's categories and tags), the bounded count, one page of products, card
# variants and images (the cards' fragments are cached, so no rendition is read).
INDEX_QUERIES = 9
# ...without filters: the kept counts are the facets, with no second facet query
INDEX_UNFILTERED_QUERIES = 8
# ...plus the collection's hand-picks, rule categories and its hero image's row; its facets are two
# queries (the store's categories and tags, then their bounded probes over its summary rows).
COLLECTION_QUERIES = 12
# Product: store, variants, gallery images, their renditions, breadcrumbs,
# categories, tags, and the social image with its renditions, the menu (a cold page: with the store
# caches on, a warm one makes none, tests/storefront/test_store_caches.py).
PRODUCT_QUERIES = 10


def path(page) -> str:
    return urlsplit(page.full_url).path


def stocked_products(store, categories, count: int) -> list:
    products = []
    for i in range(count):
        product = ProductPageFactory(store=store, variants=2, images=1, price=f"{10 + i}.00")
        categorise(product, categories["knitwear"])
        tag(product, "Wool")
        products.append(product)
    return products


@pytest.mark.parametrize("count", [1, 48])
def test_product_index(client, store, shop_index, categories, django_assert_num_queries, count):
    ProductIndexPage.objects.filter(pk=shop_index.pk).update(products_per_page=48)
    stocked_products(store, categories, count)
    url = path(shop_index)
    client.get(url, {"in_stock": "on", "category": "knitwear"})

    with django_assert_num_queries(INDEX_QUERIES):
        response = client.get(url, {"in_stock": "on", "category": "knitwear"})

    assert len(response.context["cards"]) == count
    assert response.content.decode().count("fill-400x400") == count * 2  # src and srcset of each card


@pytest.mark.parametrize("count", [1, 48])
def test_product_index_without_filters(client, store, shop_index, categories, django_assert_num_queries, count):
    ProductIndexPage.objects.filter(pk=shop_index.pk).update(products_per_page=48)
    stocked_products(store, categories, count)
    url = path(shop_index)
    client.get(url)

    with django_assert_num_queries(INDEX_UNFILTERED_QUERIES):
        response = client.get(url)

    assert response.context["facets"].products == count
    assert [(option.value, option.count) for option in response.context["category_options"]] == [("knitwear", count)]


@pytest.mark.parametrize("count", [1, 48])
def test_collection_page(client, store, categories, django_assert_num_queries, count):
    products = stocked_products(store, categories, count)
    collection = CollectionPageFactory(parent=store.site.root_page, products_per_page=48, hero_image=make_image("Hero"))
    collection.rule_categories.set([categories["knitwear"]])
    collection.save()
    for position, product in enumerate(products[:3]):
        CollectionProduct.objects.create(collection=collection, product=product, sort_order=position)
    client.get(path(collection))

    with django_assert_num_queries(COLLECTION_QUERIES):
        response = client.get(path(collection))

    assert len(response.context["cards"]) == count


@pytest.mark.parametrize(("variants", "others"), [(1, 0), (10, 6)])
def test_product_page(client, store, categories, django_assert_num_queries, variants, others):
    stocked_products(store, categories, others)  # a bigger catalogue around it
    product = ProductPageFactory(store=store, variants=variants, images=3, option1_name="Size")
    product.social_image = make_image("Share")
    product.save()
    categorise(product, categories["knitwear"], categories["outerwear"])
    tag(product, "Wool", "Winter")
    client.get(path(product))

    with django_assert_num_queries(PRODUCT_QUERIES):
        response = client.get(path(product))

    assert len(response.context["product"].variants) == variants
