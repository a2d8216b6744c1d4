"""Checkout reserves from locations by the store's rule and records where; selling and restocking are
movements at that location."""

from __future__ import annotations

import pytest

from commerce.core.exceptions import OutOfStock
from commerce.inventory.models import InventorySettings, StockLevel, StockMovement
from commerce.orders.models import StockReservation
from commerce.orders.stock import stock_release_for_order, stock_restock
from tests.factories import ProductPageFactory, place_order, set_stock, stock_of
from tests.inventory.conftest import buy

pytestmark = [pytest.mark.inventory, pytest.mark.django_db]


@pytest.fixture
def variant(store, warehouse, shop_floor):
    variant = ProductPageFactory(store=store, title="Lamp", stock=None).variants.get()
    set_stock(variant, 3, location=warehouse)
    set_stock(variant, 2, location=shop_floor)
    return variant


def level(variant, location) -> tuple[int, int]:
    found = StockLevel.objects.get(variant=variant, location=location)
    return found.on_hand, found.reserved


def held(order) -> list[tuple[str, int]]:
    return sorted(
        StockReservation.objects.filter(order=order, status="active").values_list("location__name", "quantity")
    )


def test_the_highest_priority_location_with_enough_is_reserved_from(store, variant, warehouse, shop_floor):
    order = place_order(store=store, variant=variant, quantity=3)

    assert held(order) == [("Warehouse", 3)]
    assert (level(variant, warehouse), level(variant, shop_floor)) == ((3, 3), (2, 0))


def test_a_lower_priority_location_serves_a_line_the_first_cannot(store, variant, warehouse, shop_floor):
    place_order(store=store, variant=variant, quantity=2)  # warehouse: 1 left
    order = place_order(store=store, variant=variant, quantity=2)

    assert held(order) == [("Shop floor", 2)]


def test_a_line_is_split_across_locations_when_the_store_allows_it(store, variant, warehouse, shop_floor):
    order = place_order(store=store, variant=variant, quantity=5)

    assert held(order) == [("Shop floor", 2), ("Warehouse", 3)]
    assert stock_of(variant) == (5, 5)


def test_without_splitting_a_line_needs_one_location_with_enough(store, variant):
    InventorySettings.objects.create(site=store.site, split_reservations=False)

    with pytest.raises(OutOfStock, match="Only 3 of Lamp"):
        place_order(store=store, variant=variant, quantity=4)

    assert stock_of(variant) == (5, 0)


def test_inactive_locations_are_not_sold_from(store, variant, warehouse):
    warehouse.is_active = False
    warehouse.save()

    with pytest.raises(OutOfStock, match="Only 2 of Lamp"):
        place_order(store=store, variant=variant, quantity=3)
    assert variant.available_quantity == 2


def test_paying_sells_from_the_reserved_locations_and_a_restock_returns_there(store, variant, warehouse, shop_floor):
    order = buy(store, variant, 4)

    assert (level(variant, warehouse), level(variant, shop_floor)) == ((0, 0), (1, 0))
    sold = StockMovement.objects.filter(kind="sold", reference=f"order {order.number}")
    assert sorted(sold.values_list("level__location__name", "quantity")) == [("Shop floor", -1), ("Warehouse", -3)]

    stock_restock(order=order, variant_id=variant.pk, quantity=1)

    assert StockMovement.objects.filter(kind="returned").get().quantity == 1
    assert stock_of(variant) == (2, 0)


def test_releasing_gives_the_reserved_units_back_where_they_were(store, variant, warehouse, shop_floor):
    order = place_order(store=store, variant=variant, quantity=5)

    stock_release_for_order(order=order, reason="Abandoned")

    assert (level(variant, warehouse), level(variant, shop_floor)) == ((3, 0), (2, 0))
    assert not StockMovement.objects.filter(kind="sold").exists()


def test_the_storefront_sums_available_stock_over_active_locations(client, store, variant):
    place_order(store=store, variant=variant, quantity=1)

    assert variant.available_quantity == 4
    response = client.get(variant.product.url)
    assert response.context["product"].variants[0].available_quantity == 4
