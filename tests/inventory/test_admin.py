"""The inventory screen: listing, filters, search, sort, export, adjusting, bulk adjusting, transfer,
scoped to the staff member's stores."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from commerce.accounts.models import StaffProfile
from commerce.accounts.roles import MANAGER
from commerce.inventory.models import StockLevel, StockLocation, StockMovement
from tests.factories import ProductPageFactory, set_stock, stock_of

pytestmark = [pytest.mark.inventory, pytest.mark.django_db]

INDEX = "/admin/inventory/"


@pytest.fixture
def stocked(store, warehouse, shop_floor):
    lamp = ProductPageFactory(store=store, title="Lamp", stock=None).variants.get()
    set_stock(lamp, 8, location=warehouse)
    set_stock(lamp, 2, location=shop_floor)
    chair = ProductPageFactory(store=store, title="Chair", stock=None).variants.get()
    set_stock(chair, 0, location=warehouse)
    return lamp, chair


def rows(response) -> list[tuple[str, str, int]]:
    return [(lv.variant.sku, lv.location.name, lv.on_hand) for lv in response.context["object_list"]]


def test_the_list_shows_every_level_with_filters_search_and_sorting(admin_client, stocked, warehouse):
    lamp, chair = stocked

    everything = admin_client.get(INDEX)
    assert everything.status_code == 200
    assert len(rows(everything)) == 3
    assert b"Adjust selected" in everything.content

    by_location = admin_client.get(INDEX, {"location": warehouse.pk})
    assert {r[1] for r in rows(by_location)} == {"Warehouse"}

    sold_out = admin_client.get(INDEX, {"out_of_stock": "on"})
    assert rows(sold_out) == [(chair.sku, "Warehouse", 0)]

    low = admin_client.get(INDEX, {"low_stock": "on"})
    assert sorted(rows(low)) == sorted([(chair.sku, "Warehouse", 0), (lamp.sku, "Shop floor", 2)])

    searched = admin_client.get(INDEX, {"q": "lamp"})
    assert {r[0] for r in rows(searched)} == {lamp.sku}

    by_sku = admin_client.get(INDEX, {"q": chair.sku})
    assert rows(by_sku) == [(chair.sku, "Warehouse", 0)]

    most_first = admin_client.get(INDEX, {"ordering": "-on_hand"})
    assert [r[2] for r in rows(most_first)] == [8, 2, 0]


def test_csv_export_can_be_imported_back(admin_client, stocked):
    response = admin_client.get(INDEX, {"export": "csv"})

    body = b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()
    exported = list(csv.DictReader(io.StringIO(body)))
    assert {(r["sku"], r["location"], r["count"]) for r in exported} == {
        (stocked[0].sku, "Warehouse", "8"),
        (stocked[0].sku, "Shop floor", "2"),
        (stocked[1].sku, "Warehouse", "0"),
    }


def test_adjusting_applies_a_change_to_the_current_figure(admin_client, admin, stocked, warehouse):
    lamp, _ = stocked
    url = reverse("inventory:adjust", args=[lamp.pk])
    assert admin_client.get(url).status_code == 200
    set_stock(lamp, 9, location=warehouse)  # someone else changed it meanwhile

    response = admin_client.post(
        url, {"location": warehouse.pk, "mode": "delta", "quantity": "-3", "reason": "damaged", "note": "wet"}
    )

    assert response.status_code == 302
    assert StockLevel.objects.get(variant=lamp, location=warehouse).on_hand == 6
    movement = StockMovement.objects.filter(kind="adjustment").get()
    assert (movement.quantity, movement.reason, movement.note, movement.actor) == (-3, "damaged", "wet", admin)


def test_a_count_records_the_difference(admin_client, stocked, warehouse):
    lamp, _ = stocked

    response = admin_client.post(
        reverse("inventory:adjust", args=[lamp.pk]), {"location": warehouse.pk, "mode": "count", "quantity": "12"}
    )
    assert response.status_code == 302, response.context["form"].errors

    movement = StockMovement.objects.filter(kind="count", note="").get()
    assert (movement.quantity, movement.on_hand_after) == (4, 12)


def test_bad_adjustments_are_form_errors_and_change_nothing(admin_client, stocked, warehouse):
    lamp, _ = stocked
    url = reverse("inventory:adjust", args=[lamp.pk])

    no_reason = admin_client.post(url, {"location": warehouse.pk, "mode": "delta", "quantity": "2"})
    too_many = admin_client.post(url, {"location": warehouse.pk, "mode": "delta", "quantity": "-9", "reason": "lost"})
    not_a_number = admin_client.post(url, {"location": warehouse.pk, "mode": "delta", "quantity": "x"})

    assert (no_reason.status_code, too_many.status_code, not_a_number.status_code) == (400, 400, 400)
    assert "reason" in no_reason.context["form"].errors
    assert "cannot go to -1" in str(too_many.context["form"].errors)
    assert stock_of(lamp) == (10, 0)


def test_bulk_adjust_changes_every_selected_row_with_one_reason(admin_client, stocked):
    levels = list(StockLevel.objects.filter(variant=stocked[0]).order_by("pk"))

    response = admin_client.post(
        reverse("inventory:bulk_adjust"),
        {"levels": [lv.pk for lv in levels], "delta": "5", "reason": "received", "note": "delivery 42"},
    )

    assert response.status_code == 302
    assert stock_of(stocked[0]) == (20, 0)
    assert set(StockMovement.objects.filter(note="delivery 42").values_list("reason", "quantity")) == {("received", 5)}


def test_transfer_moves_stock_between_locations(admin_client, stocked, warehouse, shop_floor):
    lamp, _ = stocked

    response = admin_client.post(
        reverse("inventory:transfer"),
        {"sku": lamp.sku, "from_location": warehouse.pk, "to_location": shop_floor.pk, "quantity": "3"},
    )
    too_many = admin_client.post(
        reverse("inventory:transfer"),
        {"sku": lamp.sku, "from_location": warehouse.pk, "to_location": shop_floor.pk, "quantity": "30"},
    )

    assert (response.status_code, too_many.status_code) == (302, 400)
    assert StockLevel.objects.get(variant=lamp, location=warehouse).on_hand == 5
    assert StockLevel.objects.get(variant=lamp, location=shop_floor).on_hand == 5
    assert sorted(StockMovement.objects.filter(kind__startswith="transfer").values_list("kind", "quantity")) == [
        ("transfer_in", 3),
        ("transfer_out", -3),
    ]


def test_a_manager_limited_to_one_store_sees_only_its_stock(client, django_user_model, roles, stocked, other_store):
    from django.contrib.auth.models import Group

    other_location = StockLocation.objects.create(store=other_store, name="North depot")
    elsewhere = ProductPageFactory(store=other_store, title="Elsewhere", stock=None).variants.get()
    set_stock(elsewhere, 4, location=other_location)
    manager = django_user_model.objects.create_user(email="m@example.com", password="x" * 12, is_staff=True)
    manager.groups.add(Group.objects.get(name=MANAGER))
    profile = StaffProfile.objects.create(user=manager, all_stores=False)
    profile.stores.add(stocked[0].store)
    client.force_login(manager)

    listing = client.get(INDEX)
    foreign = client.get(reverse("inventory:adjust", args=[elsewhere.pk]))
    bulk = client.post(
        reverse("inventory:bulk_adjust"),
        {"levels": [StockLevel.objects.get(variant=elsewhere).pk], "delta": "1", "reason": "found"},
    )

    assert listing.status_code == 200
    assert elsewhere.sku not in {r[0] for r in rows(listing)}
    assert foreign.status_code == 404
    assert bulk.status_code == 400
    assert stock_of(elsewhere) == (4, 0)


def test_marketers_cannot_open_the_inventory(client, django_user_model, roles, stocked):
    from django.contrib.auth.models import Group

    marketer = django_user_model.objects.create_user(email="mk@example.com", password="x" * 12, is_staff=True)
    marketer.groups.add(Group.objects.get(name="Marketer"))
    client.force_login(marketer)

    assert client.get(INDEX).status_code in (302, 403)
    assert client.post(reverse("inventory:bulk_adjust"), {}).status_code in (302, 403)


def test_the_product_editor_shows_stock_per_location_read_only_with_a_link(admin_client, stocked):
    lamp, _ = stocked

    response = admin_client.get(reverse("wagtailadmin_pages:edit", args=[lamp.product_id]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Stock is kept in Inventory" in html
    assert "<td>Warehouse</td><td>8</td><td>0</td><td>8</td>" in html
    assert "<td>Shop floor</td><td>2</td><td>0</td><td>2</td>" in html
    assert reverse("inventory:adjust", args=[lamp.pk]) in html
    assert 'name="variants-0-stock_on_hand"' not in html


def test_staff_add_a_location_only_to_their_stores(client, django_user_model, roles, store, other_store):
    from django.contrib.auth.models import Group

    manager = django_user_model.objects.create_user(email="loc@example.com", password="x" * 12, is_staff=True)
    manager.groups.add(Group.objects.get(name=MANAGER))
    StaffProfile.objects.create(user=manager, all_stores=False).stores.add(store)
    client.force_login(manager)
    add_url = reverse("wagtailsnippets_inventory_stocklocation:add")

    refused = client.post(add_url, {"store": other_store.pk, "name": "Depot", "priority": "1", "is_active": "on"})
    created = client.post(add_url, {"store": store.pk, "name": "Back room", "priority": "5", "is_active": "on"})

    assert refused.status_code == 200 and "store" in refused.context["form"].errors
    assert created.status_code == 302
    assert list(StockLocation.objects.values_list("store_id", "name", "priority")) == [(store.pk, "Back room", 5)]
