"""What keeps uncached storefront pages fast: a bounded listing count, product cards cached by what
they show, an index that reads each product's relations in bulk, and the benchmark's baseline view
that exists only when the benchmark turns it on (issue 15)."""

from __future__ import annotations

import importlib
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import clear_url_caches
from wagtail.search.backends import get_search_backend

from commerce.catalog.models import ProductIndexPage, ProductPage
from commerce.inventory.models import StockLevel
from commerce.inventory.services import StockChange, stock_change
from home.models import ContentPage
from tests.catalog.helpers import categorise, tag
from tests.factories import CategoryFactory, ContentPageFactory, ProductPageFactory

pytestmark = [pytest.mark.django_db, pytest.mark.benchmark]


def path(page) -> str:
    return urlsplit(page.full_url).path


@pytest.fixture
def shop_url(shop_index) -> str:
    ProductIndexPage.objects.filter(pk=shop_index.pk).update(products_per_page=2)
    return path(shop_index)


def test_the_listing_count_stops_at_the_last_reachable_page(client, settings, store, shop_url):
    settings.MAGPIE_MAX_PAGE_NUMBER = 2
    for number in range(5):
        ProductPageFactory(store=store, title=f"Lamp {number}", price=f"{10 + number}.00")

    response = client.get(shop_url, {"page": "9"})

    html = response.content.decode()
    assert response.context["page_obj"].number == 2  # clamped to the last reachable page
    assert response.context["result_count"] == 4
    assert "Showing 3–4 of 4+ products" in html


def test_a_listing_that_fits_shows_its_exact_count(client, settings, store, shop_url):
    settings.MAGPIE_MAX_PAGE_NUMBER = 2
    for number in range(3):
        ProductPageFactory(store=store, title=f"Lamp {number}", price=f"{10 + number}.00")

    html = client.get(shop_url, {"page": "2"}).content.decode()

    assert "Showing 3–3 of 3 products" in html


def test_a_cached_card_shows_a_new_stock_status_and_price(client, store, shop_url):
    product = ProductPageFactory(store=store, title="Wool Scarf", variants=1, price="20.00", stock=10)
    assert "Sold out" not in client.get(shop_url).content.decode()  # the card's fragment is now cached
    level = StockLevel.objects.get(variant__product=product)
    stock_change(changes=[StockChange(variant_id=level.variant_id, location_id=level.location_id, count=0)])

    assert "Sold out" in client.get(shop_url).content.decode()

    page = ProductPage.objects.get(pk=product.pk)
    variant = page.variants.get()
    variant.price = Decimal("27.00")
    page.variants = [variant]
    page.save_revision().publish()
    html = client.get(shop_url).content.decode()
    assert "$27.00" in html
    assert "$20.00" not in html


def test_a_card_fragment_is_reused_when_nothing_it_shows_changed(client, store, shop_url, django_assert_num_queries):
    ProductPageFactory(store=store, title="Wool Scarf", variants=1, price="20.00", stock=10, images=1)
    first = client.get(shop_url).content.decode()

    second = client.get(shop_url).content.decode()

    assert first.count("fill-400x400") == second.count("fill-400x400") == 2  # src and srcset
    assert first == second


@pytest.mark.parametrize("count", [1, 6])
def test_indexing_products_reads_their_relations_in_bulk(store, count):
    knitwear, lighting = CategoryFactory(name="Knitwear"), CategoryFactory(name="Lighting")
    products = []
    for number in range(count):
        product = ProductPageFactory(store=store, title=f"Lamp {number}", variants=2)
        categorise(product, knitwear, lighting)
        tag(product, "Wool")
        products.append(product.pk)
    index = get_search_backend().get_index_for_model(ProductPage)

    with CaptureQueriesContext(connection) as queries:
        objects = list(ProductPage.get_indexed_objects().filter(pk__in=products))
        index.add_items(ProductPage, objects)

    # the products with their variants, categories and tags (prefetched: 4), then the bulk indexer
    # (search/bulk_index.py): the texts of each search field read for the whole batch, one
    # INSERT ... SELECT building the vectors, and the title normalisation: the same for one or many
    assert len(queries.captured_queries) == 16


@pytest.fixture
def baseline_urls(settings):
    """config.urls reloaded with the benchmark setting as the test sets it, and restored after."""
    import config.urls

    def load(enabled: bool) -> None:
        settings.MAGPIE_BENCH_BASELINE = enabled
        importlib.reload(config.urls)
        clear_url_caches()

    yield load
    load(False)


def test_the_baseline_view_exists_only_when_the_benchmark_turns_it_on(client, store, baseline_urls):
    baseline_urls(False)
    assert client.get(f"/bench/baseline/{store.site_id}/").status_code == 404

    baseline_urls(True)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/bench/baseline/{store.site_id}/")
    assert response.status_code == 200
    assert response.content.decode() == "baseline testserver\n"
    assert len(queries.captured_queries) == 1
    assert client.get("/bench/baseline/999999/").status_code == 404


@pytest.fixture
def facet_cache(settings):
    """The listing facets cache as production has it (tests turn it off: see config/settings/test.py)."""
    settings.CACHES = {
        **settings.CACHES,
        "listings": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "test-listings"},
        "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "test-pages-facets"},
    }
    from django.core.cache import caches

    caches["listings"].clear()
    yield caches["listings"]
    caches["listings"].clear()


def test_listing_facets_are_read_once_per_store_generation(
    client, store, shop_url, facet_cache, django_capture_on_commit_callbacks
):
    knitwear = CategoryFactory(name="Knitwear", slug="knitwear")
    categorise(ProductPageFactory(store=store, title="Wool Scarf"), knitwear)
    with CaptureQueriesContext(connection) as first:
        assert "Knitwear" in client.get(shop_url).content.decode()
    with CaptureQueriesContext(connection) as second:
        client.get(shop_url)
    facet_tables = ("catalog_category", "taggit_tag", "show_in_footer")  # categories, tags, site menu
    assert all(any(t in q["sql"] for q in first.captured_queries) for t in facet_tables)
    assert not any(t in q["sql"] for q in second.captured_queries for t in facet_tables)

    lighting = CategoryFactory(name="Lighting", slug="lighting")
    lamp = categorise(ProductPageFactory(store=store, title="Desk Lamp"), lighting)
    with django_capture_on_commit_callbacks(execute=True):
        ProductPage.objects.get(pk=lamp.pk).save_revision().publish()

    html = client.get(shop_url).content.decode()
    assert 'value="lighting"' in html
    assert 'value="knitwear"' in html


def test_listing_facets_of_one_store_survive_a_publish_in_another(
    client, store, other_store, shop_url, facet_cache, django_capture_on_commit_callbacks
):
    categorise(ProductPageFactory(store=store, title="Wool Scarf"), CategoryFactory(name="Knitwear"))
    client.get(shop_url)
    elsewhere = ProductPageFactory(store=other_store, title="Tin Mug")

    with django_capture_on_commit_callbacks(execute=True):
        ProductPage.objects.get(pk=elsewhere.pk).save_revision().publish()

    with CaptureQueriesContext(connection) as queries:
        client.get(shop_url)
    assert not any("catalog_category" in query["sql"] for query in queries.captured_queries)


@pytest.mark.caching
def test_the_site_menu_is_read_once_per_site_generation(
    client, store, shop_url, facet_cache, django_capture_on_commit_callbacks
):
    with CaptureQueriesContext(connection) as first:
        client.get(shop_url)
    with CaptureQueriesContext(connection) as second:
        client.get(shop_url)
    assert any("show_in_footer" in query["sql"] for query in first.captured_queries)
    assert not any("show_in_footer" in query["sql"] for query in second.captured_queries)

    about = ContentPageFactory(parent=store.site.root_page, title="About Us", slug="about-us", live=False)
    about.show_in_menus = True
    with django_capture_on_commit_callbacks(execute=True):
        about.save_revision().publish()

    html = client.get(shop_url).content.decode()
    assert "About Us" in html
    assert "/about-us/" in html

    with django_capture_on_commit_callbacks(execute=True):
        ContentPage.objects.get(pk=about.pk).unpublish()
    assert "About Us" not in client.get(shop_url).content.decode()
