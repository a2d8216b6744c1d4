"""Uncached storefront pages with the store caches on (issue 15): the host's Site, a URL's route, the
view-restriction check, the store row, home blocks and product page content are kept per store
generation. Query counts stay constant as data grows, and every change a shopper must see (publish,
unpublish, price, stock status, move, Site, store, view restriction) reaches the next request."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction, Site

from commerce.catalog.models import CollectionPage, CollectionProduct, ProductIndexPage, ProductPage
from commerce.inventory.models import StockLevel
from commerce.inventory.services import StockChange, stock_change
from commerce.stores.models import Store
from tests.factories import CollectionPageFactory, ProductPageFactory
from tests.storefront.streamfield import block, stream
from tests.storefront.test_home_blocks import every_block_body, product_list

pytestmark = [pytest.mark.django_db, pytest.mark.caching]


@pytest.fixture
def store_caches(settings):
    """The store caches as production has them without Redis (tests turn them off: their publishes
    run no commit callbacks, so a test here runs them with ``django_capture_on_commit_callbacks``)."""
    settings.CACHES = {
        **settings.CACHES,
        "listings": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "test-store-caches"},
        "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "test-store-gens"},
    }
    for alias in ("listings", "pages", "fragments"):
        caches[alias].clear()
    yield
    for alias in ("listings", "pages", "fragments"):
        caches[alias].clear()


def path(page) -> str:
    return urlsplit(page.full_url).path


queries_sql: list[dict] = []


def queries_of(client, url: str, **extra) -> tuple[int, str]:
    """The number of queries of a warm request (after two warming ones) and its HTML."""
    for _ in range(2):
        assert client.get(url, **extra).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    assert response.status_code == 200
    queries_sql[:] = queries.captured_queries
    return len(queries.captured_queries), response.content.decode()


def grid_home(store, products) -> None:
    home = store.site.root_page.specific
    home.body = stream(block("product_grid", {"heading": "Staff picks", "products": product_list(*products)}))
    home.save_revision().publish()


# --- query counts: warm store caches, constant as data grows ---------------------------------------------


@pytest.mark.benchmark
@pytest.mark.parametrize("products", [1, 8])
def test_a_warm_home_page_with_every_block_reads_no_product_rows(client, store, store_caches, products):
    every_block_body(store, store.site.root_page.specific, products=products)

    count, html = queries_of(client, "/")

    # none: Site, route (with the page's row), restrictions, store, menu, blocks and cards are kept
    assert count == 0
    assert html.count('<article class="product-card">') >= 2 * products


@pytest.mark.benchmark
@pytest.mark.parametrize("products", [2, 7])
def test_a_warm_shop_page_makes_a_fixed_number_of_queries(client, store, shop_index, store_caches, products):
    for number in range(products):
        ProductPageFactory(store=store, title=f"Lamp {number}", images=1)

    count, html = queries_of(client, path(shop_index))

    # none: the page's row comes with its kept route, the listing's result (cards, count) is kept
    # per store generation
    assert count == 0
    assert html.count('<article class="product-card">') == products

    # a listing not kept yet: view restrictions of the listing's products, the bounded count, the
    # products, their variants and images (no Site, routing, page row, store or rendition query)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(f"{path(shop_index)}?sort=newest").content.decode()
    assert len(queries.captured_queries) == 5
    assert html.count('<article class="product-card">') == products


@pytest.mark.benchmark
@pytest.mark.parametrize("products", [2, 7])
def test_a_warm_collection_page_makes_a_fixed_number_of_queries(client, store, store_caches, products):
    collection = CollectionPageFactory(parent=store.site.root_page, title="Spring edit", slug="spring-edit")
    for number in range(products):
        product = ProductPageFactory(store=store, title=f"Stool {number}", images=1)
        CollectionProduct.objects.create(collection=collection, product=product, sort_order=number)

    count, html = queries_of(client, path(collection))

    # none: the page's row comes with its kept route, the listing's result is kept per store generation
    assert count == 0
    assert html.count('<article class="product-card">') == products

    # a listing not kept yet: as the shop, plus the collection's hand-picked products and rule categories
    with CaptureQueriesContext(connection) as queries:
        html = client.get(f"{path(collection)}?sort=price_desc").content.decode()
    assert len(queries.captured_queries) == 7
    assert html.count('<article class="product-card">') == products


@pytest.mark.benchmark
@pytest.mark.parametrize(("variants", "others"), [(1, 0), (4, 6)])
def test_a_warm_product_page_makes_a_fixed_number_of_queries(client, store, store_caches, variants, others):
    for number in range(others):  # a bigger catalogue around it
        ProductPageFactory(store=store, title=f"Cotton Scarf {number}", variants=2, images=1)
    product = ProductPageFactory(store=store, title="Wool Scarf", variants=variants, images=2)

    count, html = queries_of(client, path(product))

    # none: the page's row comes with its kept route, its variants with prices and shown stock are
    # kept per store generation, and gallery, breadcrumbs, categories, tags and renditions come with
    # the cached fragments and are not read at all
    assert count == 0, "\n".join(q["sql"][-250:] for q in queries_sql)
    assert "Wool Scarf" in html
    assert html.count('<a class="option-value') == (variants if variants > 1 else 0)
    assert len(structured_data(html)["offers"]) == variants


# --- what a shopper must see at once ----------------------------------------------------------------


def structured_data(html: str) -> dict:
    """The product page's schema.org JSON-LD (in its cached head fragment)."""
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert found, "no structured data"
    return json.loads(found.group(1))


def test_the_product_pages_cached_fragments_follow_the_chosen_variant_a_publish_and_a_stock_status(
    client, store, store_caches, django_capture_on_commit_callbacks
):
    product = ProductPageFactory(store=store, title="Walnut tray", variants=2, price="35.00", stock=10, images=1)
    url = path(product)
    first, second = product.variants.order_by("sort_order")
    for _ in range(2):  # the second answer renders its head, gallery and details from the fragments
        html = client.get(url).content.decode()
        assert structured_data(html)["sku"] == first.sku
        assert structured_data(client.get(f"{url}?variant={second.pk}").content.decode())["sku"] == second.sku
    assert [offer["price"] for offer in structured_data(html)["offers"]] == ["35.00", "36.00"]
    assert '<meta property="product:price:amount" content="35.00">' in html

    page = ProductPage.objects.get(pk=product.pk)
    page.summary = "Oiled by hand"
    variants = list(page.variants.order_by("sort_order"))
    variants[0].price = Decimal("31.00")
    page.variants = variants
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()

    html = client.get(url).content.decode()
    assert [offer["price"] for offer in structured_data(html)["offers"]] == ["31.00", "36.00"]
    assert '<meta property="product:price:amount" content="31.00">' in html
    assert '<meta name="description" content="Oiled by hand">' in html

    level = StockLevel.objects.get(variant=second)  # not the chosen variant: the same head fragment key
    with django_capture_on_commit_callbacks(execute=True):
        stock_change(changes=[StockChange(variant_id=level.variant_id, location_id=level.location_id, count=0)])

    html = client.get(url).content.decode()
    data = structured_data(html)
    assert data["sku"] == first.sku
    assert [offer["availability"] for offer in data["offers"]] == [
        "https://schema.org/InStock",
        "https://schema.org/OutOfStock",
    ]


def test_a_published_title_and_price_reach_the_home_page_and_the_product_page(
    client, store, store_caches, django_capture_on_commit_callbacks
):
    product = ProductPageFactory(store=store, title="Walnut tray", price="35.00", images=1)
    with django_capture_on_commit_callbacks(execute=True):
        grid_home(store, [product])
    assert "$35.00" in client.get("/").content.decode()
    assert "Walnut tray" in client.get(path(product)).content.decode()

    page = ProductPage.objects.get(pk=product.pk)
    page.title = "Walnut serving tray"
    variant = page.variants.get()
    variant.price = Decimal("39.00")
    page.variants = [variant]
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()

    home = client.get("/").content.decode()
    assert "Walnut serving tray" in home and "$39.00" in home and "$35.00" not in home
    assert "Walnut serving tray" in client.get(path(product)).content.decode()


def test_an_unpublished_product_leaves_the_home_page_and_its_url_answers_404(
    client, store, store_caches, django_capture_on_commit_callbacks
):
    product = ProductPageFactory(store=store, title="Walnut tray", images=1)
    with django_capture_on_commit_callbacks(execute=True):
        grid_home(store, [product, ProductPageFactory(store=store, title="Ash stool")])
    url = path(product)
    assert client.get(url).status_code == 200
    assert "Walnut tray" in client.get("/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        ProductPage.objects.get(pk=product.pk).unpublish()

    assert client.get(url).status_code == 404
    assert "Walnut tray" not in client.get("/").content.decode()


def test_a_product_selling_out_leaves_the_home_grid(client, store, store_caches, django_capture_on_commit_callbacks):
    product = ProductPageFactory(store=store, title="Walnut tray", variants=1, stock=5)
    with django_capture_on_commit_callbacks(execute=True):
        grid_home(store, [product, ProductPageFactory(store=store, title="Ash stool")])
    assert "Walnut tray" in client.get("/").content.decode()

    level = StockLevel.objects.get(variant__product=product)
    with django_capture_on_commit_callbacks(execute=True):
        stock_change(changes=[StockChange(variant_id=level.variant_id, location_id=level.location_id, count=0)])

    assert "Walnut tray" not in client.get("/").content.decode()
    assert "Sold out" in client.get(path(product)).content.decode()


def test_a_moved_page_is_served_at_its_new_url_only(client, store, store_caches, django_capture_on_commit_callbacks):
    shop = ProductIndexPage.objects.child_of(store.site.root_page).get()
    collection = CollectionPageFactory(parent=store.site.root_page, title="Spring edit", slug="spring-edit")
    old_url = path(collection)
    assert client.get(old_url).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        CollectionPage.objects.get(pk=collection.pk).move(shop, pos="last-child")

    new_url = path(CollectionPage.objects.get(pk=collection.pk))
    old = client.get(old_url)
    assert (old.status_code, old.get("Location")) == (301, new_url)  # Wagtail's redirect made by the move
    assert client.get(new_url).status_code == 200


def test_a_store_and_a_site_change_reach_the_next_request(
    client, store, other_store, store_caches, django_capture_on_commit_callbacks
):
    assert "Magpie Test Shop" in client.get("/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        renamed = Store.objects.get(pk=store.pk)
        renamed.name = "Magpie Home"
        renamed.save()
    assert "Magpie Home" in client.get("/").content.decode()

    # the second store's host is given to the first store's site: that host now shows the first store
    assert "Second Shop" in client.get("/", HTTP_HOST="second.example.com").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        Site.objects.filter(pk=other_store.site_id).update(hostname="old.example.com")
        site = Site.objects.get(pk=other_store.site_id)
        site.save()  # the admin's Site edit: post_save
    assert "Magpie Home" in client.get("/", HTTP_HOST="second.example.com").content.decode()


def test_a_view_restriction_added_to_a_cached_page_applies_at_once(
    client, store, store_caches, django_capture_on_commit_callbacks
):
    product = ProductPageFactory(store=store, title="Walnut tray")
    url = path(product)
    assert client.get(url).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(page=product.get_parent(), restriction_type=PageViewRestriction.LOGIN)

    response = client.get(url)
    assert response.status_code == 302
    assert "login" in response["Location"]


# --- listing and search results kept per store generation ---------------------------------------------


def card_titles(html: str) -> list[str]:
    """The product titles of a page's cards, in the order shown."""
    return re.findall(r'<h3 class="product-card__title"><a href="[^"]*">([^<]*)</a>', html)


def test_a_sell_out_leaves_the_in_stock_listing_and_moves_the_price_sort_at_once(
    client, store, shop_index, store_caches, django_capture_on_commit_callbacks
):
    # Walnut tray: variants at 5.00 (sells out below) and 6.00; Ash stool at 5.50
    tray = ProductPageFactory(store=store, title="Walnut tray", variants=2, price="5.00", stock=3)
    ProductPageFactory(store=store, title="Ash stool", price="5.50")
    in_stock = f"{path(shop_index)}?in_stock=on&sort=price_asc"
    for _ in range(2):  # the second answer comes from the listings cache
        assert card_titles(client.get(in_stock).content.decode()) == ["Walnut tray", "Ash stool"]

    cheapest = tray.variants.order_by("price").first()
    level = StockLevel.objects.get(variant=cheapest)
    with django_capture_on_commit_callbacks(execute=True):
        stock_change(changes=[StockChange(variant_id=level.variant_id, location_id=level.location_id, count=0)])

    # the tray is now "from" 6.00 (its variant left in stock), above the stool
    assert card_titles(client.get(in_stock).content.decode()) == ["Ash stool", "Walnut tray"]

    other = tray.variants.exclude(pk=cheapest.pk).get()
    level = StockLevel.objects.get(variant=other)
    with django_capture_on_commit_callbacks(execute=True):
        stock_change(changes=[StockChange(variant_id=level.variant_id, location_id=level.location_id, count=0)])

    assert card_titles(client.get(in_stock).content.decode()) == ["Ash stool"]
    assert "Walnut tray" in card_titles(client.get(path(shop_index)).content.decode())  # unfiltered: sold out


def test_a_published_price_reorders_the_cached_price_sort(
    client, store, shop_index, store_caches, django_capture_on_commit_callbacks
):
    tray = ProductPageFactory(store=store, title="Walnut tray", price="35.00")
    ProductPageFactory(store=store, title="Ash stool", price="20.00")
    by_price = f"{path(shop_index)}?sort=price_asc"
    for _ in range(2):
        assert card_titles(client.get(by_price).content.decode()) == ["Ash stool", "Walnut tray"]

    page = ProductPage.objects.get(pk=tray.pk)
    variant = page.variants.get()
    variant.price = Decimal("15.00")
    page.variants = [variant]
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()

    html = client.get(by_price).content.decode()
    assert card_titles(html) == ["Walnut tray", "Ash stool"]
    assert "$15.00" in html and "$35.00" not in html


def test_a_published_product_joins_a_cached_listing_and_search(
    client, store, shop_index, store_caches, django_capture_on_commit_callbacks
):
    ProductPageFactory(store=store, title="Walnut tray")
    search = "/search/?q=walnut"
    for _ in range(2):
        assert card_titles(client.get(path(shop_index)).content.decode()) == ["Walnut tray"]
        assert card_titles(client.get(search).content.decode()) == ["Walnut tray"]

    bowl = ProductPageFactory(store=store, title="Walnut bowl", live=False)
    with django_capture_on_commit_callbacks(execute=True):
        ProductPage.objects.get(pk=bowl.pk).save_revision().publish()

    assert sorted(card_titles(client.get(path(shop_index)).content.decode())) == ["Walnut bowl", "Walnut tray"]
    assert sorted(card_titles(client.get(search).content.decode())) == ["Walnut bowl", "Walnut tray"]


@pytest.mark.benchmark
@pytest.mark.parametrize("products", [2, 7])
def test_a_warm_search_reads_nothing_but_its_own_words(client, store, store_caches, products):
    for number in range(products):
        ProductPageFactory(store=store, title=f"Walnut lamp {number}", images=1)

    count, html = queries_of(client, "/search/?q=walnut&sort=price_asc")

    assert count == 0, "\n".join(q["sql"][-250:] for q in queries_sql)
    assert html.count('<article class="product-card">') == products
