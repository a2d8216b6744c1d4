"""The inventory list's query count does not grow with rows or locations."""

from __future__ import annotations

import pytest

from commerce.inventory.models import StockLocation
from commerce.inventory.services import Allocation, stock_open
from tests.factories import ProductPageFactory

pytestmark = [pytest.mark.inventory, pytest.mark.benchmark, pytest.mark.django_db]

INVENTORY_LIST_QUERIES = 11


@pytest.mark.parametrize("locations", [1, 3])
def test_the_inventory_list_of_50_rows_keeps_its_query_count(admin_client, store, locations, django_assert_num_queries):
    places = [StockLocation.objects.create(store=store, name=f"Place {i}", priority=i) for i in range(locations)]
    variants = [ProductPageFactory(store=store, title=f"Item {i}", stock=None).variants.get() for i in range(60)]
    stock_open(entries=[Allocation(v.pk, p.pk, 5) for v in variants for p in places])
    admin_client.get("/admin/inventory/")  # warm-up: the admin's menus and permissions caches

    with django_assert_num_queries(INVENTORY_LIST_QUERIES):
        response = admin_client.get("/admin/inventory/", {"ordering": "-on_hand"})

    assert len(response.context["object_list"]) == 50
