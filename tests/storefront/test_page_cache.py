"""Anonymous storefront pages come from a shared cache, per store host, until something they show
changes; visitors with a session, cart and checkout never do (commerce/core/page_cache.py)."""

from __future__ import annotations

import re
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.test import Client

from commerce.catalog.models import ProductPage
from commerce.core.page_cache import CACHE_HEADER
from commerce.inventory.models import StockLevel
from commerce.inventory.services import (
    Allocation,
    StockChange,
    default_location,
    stock_change,
    stock_open,
    stock_receive,
)
from tests.factories import ProductPageFactory

pytestmark = [pytest.mark.django_db, pytest.mark.caching]


@pytest.fixture(autouse=True)
def page_cache(settings):
    from django.core.cache import caches

    settings.MAGPIE_PAGE_CACHE_SECONDS = 300
    caches["pages"].clear()
    yield
    caches["pages"].clear()


@pytest.fixture
def product(store, shop_index):
    return ProductPageFactory(store=store, title="Wool Scarf", variants=1, price="20.00", stock=10)


def path(page) -> str:
    return urlsplit(page.full_url).path


def fetch(url: str, **extra) -> tuple[str, str]:
    """A visitor with no cookies at all: (cache header, page)."""
    response = Client().get(url, **extra)
    assert response.status_code == 200
    return response.get(CACHE_HEADER, ""), response.content.decode()


def test_a_catalogue_page_is_rendered_once_then_served_from_the_cache(product, shop_index):
    for url in (path(product), path(shop_index), "/", "/search/?q=scarf"):
        first, page = fetch(url)
        second, again = fetch(url)
        assert (first, second) == ("MISS", "HIT"), url
        assert re.sub(r'value="[^"]{64}"', "", page) == re.sub(r'value="[^"]{64}"', "", again)


def test_each_store_host_has_its_own_entry(product, other_store):
    assert fetch("/")[0] == "MISS"
    header, page = fetch("/", HTTP_HOST="second.example.com")
    assert header == "MISS"
    assert other_store.name in page


def test_a_visitor_arriving_with_no_cookies_can_add_to_cart_from_a_cached_page(product):
    fetch(path(product))  # another visitor rendered it
    visitor = Client(enforce_csrf_checks=True)
    response = visitor.get(path(product))
    assert response[CACHE_HEADER] == "HIT"
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode()).group(1)
    assert "csrftoken" in response.cookies  # the token in the page matches the cookie set for them

    added = visitor.post(
        "/cart/add/", {"variant_id": product.variants.get().pk, "quantity": "1", "csrfmiddlewaretoken": token}
    )

    assert added.status_code == 302
    assert visitor.get("/cart/").context["cart_count"] == 1


def test_a_visitor_with_a_cart_is_never_served_or_cached_and_the_count_never_leaks(client, product):
    fetch(path(product))
    client.post("/cart/add/", {"variant_id": product.variants.get().pk, "quantity": "2"})

    response = client.get(path(product))

    assert CACHE_HEADER not in response
    assert 'class="cart-count" aria-label="2 items">2<' in response.content.decode()
    header, page = fetch(path(product))
    assert header == "HIT"
    assert 'class="cart-count" aria-label="0 items">0<' in page


@pytest.mark.parametrize("url", ["/cart/", "/checkout/", "/account/login/", "/gift-cards/balance/"])
def test_cart_checkout_and_account_are_never_cached(product, url):
    for _ in range(2):
        response = Client().get(url, follow=True)
        assert CACHE_HEADER not in response


def test_publishing_a_price_change_refreshes_the_cached_pages(product, shop_index, django_capture_on_commit_callbacks):
    fetch(path(product))
    fetch(path(shop_index))
    page = ProductPage.objects.get(pk=product.pk)
    variant = page.variants.get()
    variant.price = Decimal("31.00")
    page.variants = [variant]

    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()

    for url in (path(product), path(shop_index)):
        header, html = fetch(url)
        assert header == "MISS"
        assert "$31.00" in html


def test_unpublishing_removes_the_product_from_cached_pages(product, shop_index, django_capture_on_commit_callbacks):
    assert "Wool Scarf" in fetch(path(shop_index))[1]

    with django_capture_on_commit_callbacks(execute=True):
        ProductPage.objects.get(pk=product.pk).unpublish()

    header, html = fetch(path(shop_index))
    assert header == "MISS"
    assert "Wool Scarf" not in html
    assert Client().get(path(product)).status_code == 404


def test_selling_out_refreshes_the_cached_pages(product, shop_index, django_capture_on_commit_callbacks):
    assert "Sold out" not in fetch(path(shop_index))[1]
    level = StockLevel.objects.get(variant__product=product)

    with django_capture_on_commit_callbacks(execute=True):
        stock_change(changes=[StockChange(variant_id=level.variant_id, location_id=level.location_id, count=0)])

    header, html = fetch(path(shop_index))
    assert header == "MISS"
    assert "Sold out" in html


def test_a_sale_that_leaves_plenty_in_stock_keeps_the_cache(product, shop_index, django_capture_on_commit_callbacks):
    fetch(path(shop_index))
    level = StockLevel.objects.get(variant__product=product)

    with django_capture_on_commit_callbacks(execute=True):
        stock_change(
            changes=[StockChange(variant_id=level.variant_id, location_id=level.location_id, delta=-1)],
            reason="damaged",
        )

    assert fetch(path(shop_index))[0] == "HIT"


def test_the_cache_is_off_at_zero_seconds(settings, product):
    settings.MAGPIE_PAGE_CACHE_SECONDS = 0
    assert fetch(path(product))[0] == ""
    assert fetch(path(product))[0] == ""


@pytest.mark.benchmark
def test_a_page_served_from_the_cache_makes_no_database_query(product, shop_index, django_assert_num_queries):
    urls = (path(product), path(shop_index), "/", "/search/?q=scarf")
    for url in urls:
        fetch(url)

    with django_assert_num_queries(0):
        for url in urls:
            assert fetch(url)[0] == "HIT"


@pytest.mark.benchmark
def test_the_page_cache_and_wagtails_routing_share_one_host_lookup(product, shop_index):
    """A miss on another page of a host already seen reads no Site: the page cache's key and Wagtail's
    routing take the same remembered answer (``page_routing.site_id_for_request``)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    fetch("/")

    with CaptureQueriesContext(connection) as queries:
        assert fetch(path(shop_index))[0] == "MISS"

    site_lookups = [q["sql"] for q in queries.captured_queries if 'FROM "wagtailcore_site"' in q["sql"]]
    assert site_lookups == []


# --- Invalidation is per store: a change in one store keeps every other store's cached pages ------

OTHER_HOST = {"HTTP_HOST": "second.example.com"}


def test_publishing_in_one_store_keeps_the_other_stores_cached_pages(
    product, other_store, django_capture_on_commit_callbacks
):
    fetch("/")
    fetch("/", **OTHER_HOST)

    with django_capture_on_commit_callbacks(execute=True):
        ProductPage.objects.get(pk=product.pk).save_revision().publish()

    assert fetch("/")[0] == "MISS"
    assert fetch("/", **OTHER_HOST)[0] == "HIT"


def test_a_stock_status_change_in_one_store_keeps_the_other_stores_cached_pages(
    product, shop_index, other_store, django_capture_on_commit_callbacks
):
    fetch(path(shop_index))
    fetch("/", **OTHER_HOST)
    level = StockLevel.objects.get(variant__product=product)

    with django_capture_on_commit_callbacks(execute=True):
        stock_change(changes=[StockChange(variant_id=level.variant_id, location_id=level.location_id, count=0)])

    assert fetch(path(shop_index))[0] == "MISS"
    assert fetch("/", **OTHER_HOST)[0] == "HIT"


def test_a_host_served_by_the_default_store_is_refreshed_with_it(product, django_capture_on_commit_callbacks):
    unknown = {"HTTP_HOST": "shop.unknown.example.org"}  # Wagtail routes any other host to the default site
    assert fetch("/", **unknown)[0] == "MISS"
    assert fetch("/", **unknown)[0] == "HIT"

    with django_capture_on_commit_callbacks(execute=True):
        ProductPage.objects.get(pk=product.pk).unpublish()

    header, html = fetch("/", **unknown)
    assert header == "MISS"
    assert "Wool Scarf" not in html


def test_moving_a_site_to_another_host_retires_every_entry(product, other_store, django_capture_on_commit_callbacks):
    fetch("/")
    fetch("/", **OTHER_HOST)
    site = other_store.site
    site.hostname = "second.example.net"

    with django_capture_on_commit_callbacks(execute=True):
        site.save()

    assert fetch("/")[0] == "MISS"
    header, html = fetch("/", HTTP_HOST="second.example.net")
    assert header == "MISS"
    assert other_store.name in html


@pytest.mark.benchmark
def test_a_hit_costs_no_query_for_any_store(product, other_store, django_assert_num_queries):
    for extra in ({}, OTHER_HOST):
        fetch("/", **extra)

    with django_assert_num_queries(0):
        assert fetch("/")[0] == "HIT"
        assert fetch("/", **OTHER_HOST)[0] == "HIT"


# --- A variant that had no stock level at all receiving stock, by every write path ----------------


def _receive(variant, location) -> None:
    stock_receive(variant_id=variant.pk, location_id=location.pk, quantity=20)


def _open(variant, location) -> None:
    stock_open(entries=[Allocation(variant.pk, location.pk, 20)])


def _orm_create(variant, location) -> None:
    StockLevel.objects.create(variant=variant, location=location, on_hand=20)


def _orm_bulk_create(variant, location) -> None:
    StockLevel.objects.bulk_create([StockLevel(variant=variant, location=location, on_hand=20)])


@pytest.mark.parametrize("write", [_receive, _open, _orm_create, _orm_bulk_create], ids=lambda f: f.__name__[1:])
def test_a_variant_with_no_stock_level_receiving_stock_is_in_stock_on_cached_pages_at_once(
    store, shop_index, write, django_capture_on_commit_callbacks
):
    product = ProductPageFactory(store=store, title="Linen Apron", variants=1, stock=None)
    variant = product.variants.get()
    assert not StockLevel.objects.filter(variant=variant).exists()
    for url in (path(product), path(shop_index)):
        assert "Sold out" in fetch(url)[1]
        assert fetch(url)[0] == "HIT"

    with django_capture_on_commit_callbacks(execute=True):
        write(variant, default_location(store_id=store.pk))

    for url in (path(product), path(shop_index)):
        header, html = fetch(url)
        assert header == "MISS", url
        assert "Sold out" not in html, url


def test_a_level_inserted_empty_keeps_the_cache(store, shop_index, django_capture_on_commit_callbacks):
    product = ProductPageFactory(store=store, title="Linen Apron", variants=1, stock=None)
    fetch(path(shop_index))

    with django_capture_on_commit_callbacks(execute=True):
        StockLevel.objects.bulk_create(
            [StockLevel(variant=product.variants.get(), location=default_location(store_id=store.pk))]
        )

    assert fetch(path(shop_index))[0] == "HIT"


def test_stock_received_for_a_variant_opened_in_stock_keeps_the_cache(
    product, shop_index, django_capture_on_commit_callbacks
):
    fetch(path(shop_index))
    level = StockLevel.objects.get(variant__product=product)

    with django_capture_on_commit_callbacks(execute=True):
        stock_receive(variant_id=level.variant_id, location_id=level.location_id, quantity=3)

    assert fetch(path(shop_index))[0] == "HIT"
