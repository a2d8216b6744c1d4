"""The product page's purchase panel (variants, prices, stock status, the units left of a low variant)
and its page row are kept per store generation (issue 15): a warm product page reads no row at all,
and every change a shopper must see — a published price or variant, a sell-out, a low variant's
units left, an unpublish, a deletion — reaches the next request. A sale that leaves a variant well
stocked changes nothing shown, so the kept panel stays."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commerce.catalog.models import ProductPage, ProductVariant
from commerce.inventory.models import StockLevel
from commerce.inventory.services import StockChange, stock_change
from tests.factories import ProductPageFactory
from tests.storefront.test_store_caches import path, store_caches  # noqa: F401 - the fixture used below

pytestmark = [pytest.mark.django_db, pytest.mark.caching, pytest.mark.usefixtures("store_caches")]


def panel(html: str) -> str:
    """The purchase panel: the chosen variant's price and stock, the picker and the form."""
    found = re.search(r'<div class="product__price".*?</form>', html, re.S)
    assert found, "no purchase panel"
    return found.group(0)


def warm(client, url: str) -> str:
    """The page, asked twice so the second answer comes from the kept panel."""
    client.get(url)
    return client.get(url).content.decode()


def count_to(level: StockLevel, units: int, capture) -> None:
    with capture(execute=True):
        stock_change(changes=[StockChange(variant_id=level.variant_id, location_id=level.location_id, count=units)])


def test_a_published_price_and_a_new_variant_reach_the_kept_panel(client, store, django_capture_on_commit_callbacks):
    product = ProductPageFactory(store=store, title="Walnut tray", option1_name="Size", variants=2, price="35.00")
    url = path(product)
    assert "$35.00" in panel(warm(client, url))

    page = ProductPage.objects.get(pk=product.pk)
    variants = list(page.variants.order_by("sort_order"))
    variants[0].price = Decimal("31.00")
    extra = ProductVariant(store=store, sku="TRAY-XL", price=Decimal("44.00"), option1_value="XL", sort_order=2)
    page.variants = [*variants, extra]
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()

    shown = panel(client.get(url).content.decode())
    assert "$31.00" in shown and "$35.00" not in shown
    assert 'data-value="XL"' in shown
    data = client.get(url).context["variant_data"]
    assert [v["price"] for v in data] == ["$31.00", "$36.00", "$44.00"]


def test_a_low_variants_units_left_and_its_sell_out_show_at_once(client, store, django_capture_on_commit_callbacks):
    product = ProductPageFactory(store=store, title="Walnut tray", variants=1, stock=20)  # low at 5
    url = path(product)
    level = StockLevel.objects.get(variant__product=product)
    assert '<span class="badge badge--in_stock">In stock</span>' in panel(warm(client, url))

    count_to(level, 3, django_capture_on_commit_callbacks)
    shown = panel(warm(client, url))
    assert "Only 3 left" in shown and 'max="3"' in shown

    count_to(level, 2, django_capture_on_commit_callbacks)  # still low: the number shown changes
    shown = panel(warm(client, url))
    assert "Only 2 left" in shown and 'max="2"' in shown

    count_to(level, 0, django_capture_on_commit_callbacks)
    shown = panel(warm(client, url))
    assert '<span class="badge badge--sold_out">Sold out</span>' in shown
    assert '<button type="submit" class="button" id="add-to-cart-button" disabled>Sold out</button>' in shown

    count_to(level, 12, django_capture_on_commit_callbacks)  # restocked
    shown = panel(warm(client, url))
    assert "In stock" in shown and "Add to cart</button>" in shown


def test_a_sale_that_leaves_a_variant_well_stocked_keeps_the_panel_and_reads_nothing(
    client, store, django_capture_on_commit_callbacks
):
    product = ProductPageFactory(store=store, title="Walnut tray", variants=2, stock=40)
    url = path(product)
    warm(client, url)

    level = StockLevel.objects.filter(variant__product=product).order_by("variant__sort_order").first()
    count_to(level, 30, django_capture_on_commit_callbacks)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert len(queries.captured_queries) == 0, [q["sql"][:120] for q in queries.captured_queries]
    shown = panel(response.content.decode())
    assert "In stock" in shown and "max=" not in shown  # nothing shown depends on the 40 or the 30


def test_an_unpublished_product_answers_404_on_the_next_request(client, store, django_capture_on_commit_callbacks):
    product = ProductPageFactory(store=store, title="Walnut tray")
    warm(client, path(product))

    with django_capture_on_commit_callbacks(execute=True):
        ProductPage.objects.get(pk=product.pk).unpublish()

    assert client.get(path(product)).status_code == 404


def test_a_deleted_product_answers_404_on_the_next_request(client, store, django_capture_on_commit_callbacks):
    product = ProductPageFactory(store=store, title="Ash stool", stock=None)  # no stock ledger to protect it
    warm(client, path(product))

    with django_capture_on_commit_callbacks(execute=True):
        ProductPage.objects.get(pk=product.pk).delete()  # Wagtail unpublishes it first

    assert client.get(path(product)).status_code == 404


def test_the_api_gives_every_variants_exact_units_left(client, store):
    product = ProductPageFactory(store=store, title="Walnut tray", variants=1, stock=40)
    warm(client, path(product))  # the storefront's kept panel does not say 40

    body = client.get(f"/api/v1/products/{product.pk}/", HTTP_ACCEPT="application/json").json()

    assert [(v["stock_status"], v["available_quantity"]) for v in body["variants"]] == [("in_stock", 40)]


def test_a_stock_location_switched_off_and_on_shows_at_once(client, store, django_capture_on_commit_callbacks):
    product = ProductPageFactory(store=store, title="Walnut tray", variants=1, stock=20)
    url = path(product)
    location = StockLevel.objects.get(variant__product=product).location
    assert "In stock" in panel(warm(client, url))

    location.is_active = False
    with django_capture_on_commit_callbacks(execute=True):
        location.save()
    assert "Sold out" in panel(client.get(url).content.decode())

    location.is_active = True
    with django_capture_on_commit_callbacks(execute=True):
        location.save()
    assert "In stock" in panel(client.get(url).content.decode())
