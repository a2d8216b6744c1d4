"""Staff inventory over the API: levels with the Inventory screen's filters, adjustments and
transfers through the ledger, movement history; role and store scope as on the admin screen."""

from __future__ import annotations

import pytest

from commerce.accounts.roles import CUSTOMER_SERVICE, MANAGER, MARKETER, OWNER
from commerce.api.views import staff_inventory
from commerce.inventory.models import StockLevel, StockLocation, StockMovement
from tests.api.staff_catalog_fixtures import field_of
from tests.factories import ProductPageFactory, place_order, set_stock
from tests.inventory.conftest import assert_ledger_matches
from tests.threads import run_together

pytestmark = [pytest.mark.api, pytest.mark.inventory]

LEVELS = "/api/v1/staff/inventory/levels/"
LOCATIONS = "/api/v1/staff/inventory/locations/"
ADJUST = "/api/v1/staff/inventory/adjustments/"
TRANSFER = "/api/v1/staff/inventory/transfers/"


def movements_url(variant) -> str:
    return f"/api/v1/staff/inventory/variants/{variant.pk}/movements/"


@pytest.fixture
def shelves(store, other_store):
    """Store A: a lamp (8 in the warehouse, 2 on the shop floor) and a chair (0); store B: a vase."""
    warehouse = StockLocation.objects.create(store=store, name="Warehouse", priority=10)
    floor = StockLocation.objects.create(store=store, name="Shop floor", priority=0)
    lamp = ProductPageFactory(store=store, title="Lamp", stock=None).variants.get()
    chair = ProductPageFactory(store=store, title="Chair", stock=None).variants.get()
    set_stock(lamp, 8, location=warehouse)
    set_stock(lamp, 2, location=floor)
    set_stock(chair, 0, location=warehouse)
    vase = ProductPageFactory(store=other_store, title="Vase", stock=6).variants.get()
    return {"warehouse": warehouse, "floor": floor, "lamp": lamp, "chair": chair, "vase": vase}


def on_hand(variant, location) -> int:
    return StockLevel.objects.get(variant=variant, location=location).on_hand


@pytest.mark.django_db
def test_a_manager_lists_their_stores_levels_with_filters(staff_client, store, shelves):
    manager = staff_client(MANAGER, stores=[store])
    lamp, chair = shelves["lamp"], shelves["chair"]

    everything = manager.get(LEVELS)
    assert everything.status_code == 200
    rows = {
        (r["sku"], r["location_name"]): (r["on_hand"], r["reserved"], r["available"])
        for r in everything.json()["results"]
    }
    assert rows == {
        (lamp.sku, "Warehouse"): (8, 0, 8),
        (lamp.sku, "Shop floor"): (2, 0, 2),
        (chair.sku, "Warehouse"): (0, 0, 0),
    }
    assert everything.json()["count"] == 3  # store B's vase is not there

    by_location = manager.get(LEVELS, {"location": shelves["floor"].pk}).json()["results"]
    assert [(r["sku"], r["location"]) for r in by_location] == [(lamp.sku, shelves["floor"].pk)]
    out = manager.get(LEVELS, {"out_of_stock": "true"}).json()["results"]
    assert [r["sku"] for r in out] == [chair.sku]
    low = manager.get(LEVELS, {"low_stock": "true"}).json()["results"]  # threshold: the factory's default
    assert {(r["sku"], r["location_name"]) for r in low} == {
        (r["sku"], r["location_name"])
        for r in everything.json()["results"]
        if r["available"] <= r["low_stock_threshold"]
    }
    assert {r["sku"] for r in manager.get(LEVELS, {"search": lamp.sku.lower()}).json()["results"]} == {lamp.sku}
    assert {r["sku"] for r in manager.get(LEVELS, {"search": "chai"}).json()["results"]} == {chair.sku}
    assert [loc["name"] for loc in manager.get(LOCATIONS).json()] == ["Warehouse", "Shop floor"]


@pytest.mark.django_db
def test_a_bad_filter_is_a_400_naming_it(staff_client, store, shelves):
    response = staff_client(MANAGER).get(LEVELS, {"location": "north"})

    assert response.status_code == 400
    assert field_of(response) == "location"


@pytest.mark.django_db
def test_roles_without_inventory_permissions_are_refused(staff_client, client, store, shelves):
    for role in (CUSTOMER_SERVICE, MARKETER):
        caller = staff_client(role)
        assert caller.get(LEVELS).status_code == 403
        response = caller.post(
            ADJUST,
            {
                "changes": [{"variant": shelves["lamp"].pk, "location": shelves["warehouse"].pk, "delta": 1}],
                "reason": "found",
            },
            content_type="application/json",
        )
        assert response.status_code == 403
    anonymous = client.get(LEVELS)
    assert (anonymous.status_code, anonymous.json()["error"]) == (403, "not_authenticated")
    assert on_hand(shelves["lamp"], shelves["warehouse"]) == 8


@pytest.mark.django_db
def test_an_adjustment_writes_the_ledger_and_a_count_records_the_difference(staff_client, store, shelves):
    manager = staff_client(MANAGER, stores=[store])
    lamp, warehouse, floor = shelves["lamp"], shelves["warehouse"], shelves["floor"]

    response = manager.post(
        ADJUST,
        {
            "changes": [
                {"variant": lamp.pk, "location": warehouse.pk, "delta": -3},
                {"variant": lamp.pk, "location": floor.pk, "count": 7},
            ],
            "reason": "damaged",
            "note": "dropped a box",
        },
        content_type="application/json",
    )

    assert response.status_code == 201, response.json()
    moved = {(m["location"], m["kind"], m["quantity"], m["on_hand_after"]) for m in response.json()["movements"]}
    assert moved == {(warehouse.pk, "adjustment", -3, 5), (floor.pk, "count", 5, 7)}
    assert (on_hand(lamp, warehouse), on_hand(lamp, floor)) == (5, 7)
    latest = StockMovement.objects.filter(level__location=warehouse, level__variant=lamp).first()
    assert (latest.reason, latest.note, latest.actor) == ("damaged", "dropped a box", manager.user)
    assert_ledger_matches()

    history = manager.get(movements_url(lamp)).json()["results"]
    assert [(m["kind"], m["quantity"]) for m in history][:2] == [("count", 5), ("adjustment", -3)]
    assert history[1]["actor"] == manager.user.email
    only_floor = manager.get(movements_url(lamp), {"location": floor.pk}).json()["results"]
    assert {m["location"] for m in only_floor} == {floor.pk}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"changes": [{"delta": -1}]}, "changes.0.variant"),
        ({"changes": [], "reason": "lost"}, "changes"),
        ({"changes": [{"variant": "x", "location": "WAREHOUSE", "delta": 1}], "reason": "lost"}, "changes.0.variant"),
        ({"changes": [{"variant": "LAMP", "location": "WAREHOUSE", "delta": 1}]}, "reason"),
        ({"changes": [{"variant": "LAMP", "location": "WAREHOUSE", "delta": 1}], "reason": "because"}, "reason"),
        (
            {"changes": [{"variant": "LAMP", "location": "WAREHOUSE", "delta": 1, "count": 3}], "reason": "lost"},
            "changes.0.delta",
        ),
        ({"changes": [{"variant": "LAMP", "location": "WAREHOUSE", "delta": 0}], "reason": "lost"}, "changes.0.delta"),
        (
            {"changes": [{"variant": "LAMP", "location": "WAREHOUSE", "delta": 10**12}], "reason": "lost"},
            "changes.0.delta",
        ),
        ({"changes": [{"variant": "LAMP", "location": "WAREHOUSE", "count": -1}]}, "changes.0.count"),
        (
            {"changes": [{"variant": "VASE", "location": "WAREHOUSE", "delta": 1}], "reason": "found"},
            "changes.0.variant",
        ),
        ({"changes": [{"variant": "LAMP", "location": "B", "delta": 1}], "reason": "found"}, "changes.0.location"),
        # the second change would go below zero: the first is not applied either
        (
            {
                "changes": [
                    {"variant": "LAMP", "location": "WAREHOUSE", "delta": 1},
                    {"variant": "CHAIR", "location": "WAREHOUSE", "delta": -1},
                ],
                "reason": "lost",
            },
            "changes",
        ),
    ],
)
def test_bad_adjustments_are_400s_naming_the_field_and_change_nothing(
    staff_client, store, other_store, shelves, body, field
):
    b_location = StockLocation.objects.get(store=other_store)
    ids = {
        "LAMP": shelves["lamp"].pk,
        "CHAIR": shelves["chair"].pk,
        "VASE": shelves["vase"].pk,
        "WAREHOUSE": shelves["warehouse"].pk,
        "B": b_location.pk,
    }
    for change in body["changes"]:
        for key in ("variant", "location"):
            if key in change:
                change[key] = ids.get(change[key], change[key])
    before = StockMovement.objects.count()

    response = staff_client(MANAGER, stores=[store]).post(ADJUST, body, content_type="application/json")

    assert response.status_code == 400, response.json()
    assert field_of(response) == field
    assert StockMovement.objects.count() == before
    assert on_hand(shelves["lamp"], shelves["warehouse"]) == 8


@pytest.mark.django_db
def test_stock_held_by_unpaid_orders_cannot_be_adjusted_away(staff_client, store, shelves):
    lamp, warehouse = shelves["lamp"], shelves["warehouse"]
    place_order(store=store, variant=lamp, quantity=6)  # reserves 6 at the warehouse

    response = staff_client(MANAGER, stores=[store]).post(
        ADJUST,
        {"changes": [{"variant": lamp.pk, "location": warehouse.pk, "delta": -3}], "reason": "lost"},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert field_of(response) == "changes"
    assert "held by unpaid orders" in response.json()["message"]
    assert on_hand(lamp, warehouse) == 8


@pytest.mark.django_db
def test_a_transfer_moves_units_between_two_locations_of_a_store(staff_client, store, other_store, shelves):
    manager = staff_client(OWNER)
    lamp, warehouse, floor = shelves["lamp"], shelves["warehouse"], shelves["floor"]

    moved = manager.post(
        TRANSFER,
        {"variant": lamp.pk, "from_location": warehouse.pk, "to_location": floor.pk, "quantity": 5},
        content_type="application/json",
    )
    assert moved.status_code == 201, moved.json()
    assert [(m["kind"], m["quantity"]) for m in moved.json()["movements"]] == [("transfer_out", -5), ("transfer_in", 5)]
    assert (on_hand(lamp, warehouse), on_hand(lamp, floor)) == (3, 7)

    b_location = StockLocation.objects.get(store=other_store)
    for body, field in (
        ({"from_location": warehouse.pk, "to_location": b_location.pk, "quantity": 1}, "to_location"),
        ({"from_location": warehouse.pk, "to_location": floor.pk, "quantity": 4}, "quantity"),
        ({"from_location": warehouse.pk, "to_location": warehouse.pk, "quantity": 1}, "to_location"),
        ({"from_location": warehouse.pk, "to_location": floor.pk, "quantity": 0}, "quantity"),
    ):
        refused = manager.post(TRANSFER, {"variant": lamp.pk, **body}, content_type="application/json")
        assert refused.status_code == 400, refused.json()
        assert field_of(refused) == field
    vase = manager.post(
        TRANSFER,
        {"variant": shelves["vase"].pk, "from_location": warehouse.pk, "to_location": floor.pk, "quantity": 1},
        content_type="application/json",
    )
    assert (vase.status_code, field_of(vase)) == (400, "variant")
    assert (on_hand(lamp, warehouse), on_hand(lamp, floor)) == (3, 7)
    assert_ledger_matches()


@pytest.mark.django_db
def test_store_a_staff_never_see_or_touch_store_b_stock(staff_client, store, other_store, shelves):
    manager = staff_client(MANAGER, stores=[store])
    vase = shelves["vase"]
    b_location = StockLocation.objects.get(store=other_store)

    assert vase.sku not in {r["sku"] for r in manager.get(LEVELS, {"store": other_store.pk}).json()["results"]}
    assert manager.get(LEVELS, {"store": other_store.pk}).json()["count"] == 0
    assert b_location.pk not in {loc["id"] for loc in manager.get(LOCATIONS).json()}
    assert manager.get(movements_url(vase)).status_code == 404
    refused = manager.post(
        ADJUST,
        {"changes": [{"variant": vase.pk, "location": b_location.pk, "delta": -6}], "reason": "lost"},
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert StockLevel.objects.get(variant=vase).on_hand == 6


def test_every_inventory_view_asks_for_the_inventory_token_scope():
    views = [
        staff_inventory.StockLevelsView,
        staff_inventory.StockLocationsView,
        staff_inventory.StockAdjustmentsView,
        staff_inventory.StockTransfersView,
        staff_inventory.VariantMovementsView,
    ]
    assert {view.token_scope for view in views} == {"inventory"}


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_parallel_adjustments_never_lose_an_update_nor_go_below_zero(staff_client, store, shelves):
    """Real parallel requests, each in its own transaction on its own connection."""
    lamp, warehouse, floor = shelves["lamp"], shelves["warehouse"], shelves["floor"]
    clients = [staff_client(MANAGER, stores=[store]) for _ in range(6)]

    def post(client, location, delta):
        body = {"changes": [{"variant": lamp.pk, "location": location.pk, "delta": delta}], "reason": "correction"}
        return lambda: client.post(ADJUST, body, content_type="application/json").status_code

    # the warehouse holds 8: three takers of 3 each, so exactly two can succeed; the floor gets +1 thrice
    results = run_together([post(c, warehouse, -3) for c in clients[:3]] + [post(c, floor, 1) for c in clients[3:]])

    assert sorted(results[:3]) == [201, 201, 400], results
    assert results[3:] == [201, 201, 201], results
    assert (on_hand(lamp, warehouse), on_hand(lamp, floor)) == (2, 5)
    assert StockMovement.objects.filter(level__variant=lamp, kind="adjustment").count() == 5
    assert_ledger_matches()
