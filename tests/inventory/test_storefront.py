"""The storefront's stock status comes from the summed available stock of the store's locations,
and "From" prices ignore sold-out variants."""

from __future__ import annotations

import pytest

from tests.factories import ProductPageFactory, place_order, set_stock

pytestmark = [pytest.mark.inventory, pytest.mark.django_db]


@pytest.fixture
def tee(store, warehouse, shop_floor):
    product = ProductPageFactory(store=store, title="Tee", variants=2, price="10.00", stock=None)
    cheap, dear = product.variants.order_by("price")
    set_stock(cheap, 1, location=warehouse)
    set_stock(dear, 2, location=warehouse)
    set_stock(dear, 3, location=shop_floor)
    return product, cheap, dear


def card(client, store, title):
    response = client.get(store.site.root_page.get_children().get(slug="shop").url)
    return next(c for c in response.context["cards"] if c.title == title)


def test_from_prices_ignore_sold_out_variants(client, store, tee):
    product, cheap, dear = tee
    assert card(client, store, "Tee").price.amount == cheap.price

    place_order(store=store, variant=cheap)  # the cheap one is now held: none left to sell

    assert card(client, store, "Tee").price.amount == dear.price
    detail = client.get(product.url).context["product"]
    assert detail.price.amount == dear.price
    assert [(v.sku, v.available_quantity, v.stock_status) for v in detail.variants] == [
        (cheap.sku, 0, "sold_out"),
        (dear.sku, 5, "low"),
    ]


def test_stock_status_sums_every_active_location(client, store, tee, shop_floor):
    product, _cheap, dear = tee
    dear.low_stock_threshold = 4
    dear.save()
    assert client.get(product.url).context["product"].stock_status == "in_stock"  # 2 + 3 > 4

    shop_floor.is_active = False
    shop_floor.save()

    assert client.get(product.url).context["product"].stock_status == "low"  # only the warehouse's 2 count
