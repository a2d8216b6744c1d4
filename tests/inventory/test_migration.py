"""The migration that moves stock out of the revisioned variant: every unit and every live
reservation arrives in a "Main" location per store, with an opening movement per variant.

Runs Django's MigrationExecutor on the test database as the owner role: back to the schema before
inventory existed, stock and a live reservation written there, then forward again."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from commerce.core.rls.policies import sync
from commerce.core.rls.roles import owner_connection, runtime_user
from commerce.inventory.models import StockLevel, StockLocation, StockMovement
from commerce.orders.models import StockReservation
from tests.factories import ProductPageFactory, place_order
from tests.inventory.conftest import assert_ledger_matches

pytestmark = [pytest.mark.inventory, pytest.mark.django_db(transaction=True)]

BEFORE = [("inventory", None)]


def migrate(targets) -> None:
    with owner_connection():
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(targets)
        sync(connection, runtime_role=runtime_user(connection))  # what migrate's post_migrate does


def old_stock(variant_id: int, on_hand: int, reserved: int) -> None:
    with owner_connection(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE catalog_productvariant SET stock_on_hand = %s, stock_reserved = %s WHERE id = %s",
            [on_hand, reserved, variant_id],
        )


def test_existing_stock_and_live_reservations_move_into_a_main_location(store, other_store):
    kept = ProductPageFactory(store=store, title="Kept", stock=10).variants.get()
    sold_out = ProductPageFactory(store=store, title="Gone", stock=10).variants.get()
    north = ProductPageFactory(store=other_store, title="North", stock=10).variants.get()
    order = place_order(store=store, variant=kept, quantity=2)  # a live reservation of 2
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()

    try:
        migrate(BEFORE)
        old_stock(kept.pk, 7, 2)
        old_stock(sold_out.pk, 0, 0)
        old_stock(north.pk, 25, 0)
    finally:
        migrate(leaves)

    main = {loc.store_id: loc for loc in StockLocation.objects.filter(name="Main")}
    assert set(main) == {store.pk, other_store.pk}
    levels = {lv.variant_id: (lv.location_id, lv.on_hand, lv.reserved) for lv in StockLevel.objects.all()}
    assert levels == {
        kept.pk: (main[store.pk].pk, 7, 2),
        sold_out.pk: (main[store.pk].pk, 0, 0),
        north.pk: (main[other_store.pk].pk, 25, 0),
    }
    openings = dict(StockMovement.objects.filter(kind="opening").values_list("level__variant_id", "quantity"))
    assert openings == {kept.pk: 7, sold_out.pk: 0, north.pk: 25}
    reservation = StockReservation.objects.get(order=order)
    assert (reservation.status, reservation.location_id, reservation.quantity) == ("active", main[store.pk].pk, 2)
    assert_ledger_matches()
