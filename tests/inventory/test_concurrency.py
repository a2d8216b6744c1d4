"""Real parallel transactions on PostgreSQL against stock spread over two locations."""

from __future__ import annotations

import pytest

from commerce.checkout.services import checkout_pay, checkout_place_order, checkout_prepare_payment
from commerce.core.exceptions import CommerceError
from commerce.inventory.models import StockLevel, StockMovement
from commerce.inventory.services import StockChange, stock_change
from commerce.orders.models import Order
from tests.checkout.conftest import make_checkout
from tests.factories import ProductPageFactory, set_stock, stock_of
from tests.inventory.conftest import assert_ledger_matches
from tests.localstripe import browser_confirms_card
from tests.threads import run_together

pytestmark = [pytest.mark.inventory, pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


def test_stock_n_over_two_locations_and_2n_buyers_gives_exactly_n_paid_orders(
    store, shipping, stripe_gateway, warehouse, shop_floor
):
    n = 4
    variant = ProductPageFactory(store=store, price="12.00", stock=None).variants.get()
    set_stock(variant, 3, location=warehouse)
    set_stock(variant, 1, location=shop_floor)
    checkouts = [make_checkout(store, [(variant.pk, 1)], f"buyer{i}@example.com") for i in range(2 * n)]
    for checkout in checkouts:
        setup = checkout_prepare_payment(checkout=checkout)
        assert browser_confirms_card(stripe_gateway, setup.id) == "succeeded"

    results = run_together([lambda c=checkout: checkout_pay(checkout=c) for checkout in checkouts])

    paid = [r for r in results if not isinstance(r, Exception) and r.status == "paid"]
    refused = [r for r in results if isinstance(r, CommerceError)]
    assert (len(paid), len(refused)) == (n, n), results
    assert Order.objects.filter(payment_status="paid").count() == n
    assert stock_of(variant) == (0, 0)
    assert StockMovement.objects.filter(kind="sold", level__variant=variant).count() == n
    assert_ledger_matches()


def test_an_adjustment_racing_checkouts_loses_nothing(store, shipping, warehouse, shop_floor):
    variant = ProductPageFactory(store=store, stock=None).variants.get()
    set_stock(variant, 10, location=warehouse)
    set_stock(variant, 10, location=shop_floor)
    checkouts = [make_checkout(store, [(variant.pk, 3)], f"racer{i}@example.com") for i in range(4)]

    def receive(location):
        return lambda: stock_change(
            changes=[StockChange(variant_id=variant.pk, location_id=location.pk, delta=5)], reason="received"
        )

    def shrink(location):
        return lambda: stock_change(
            changes=[StockChange(variant_id=variant.pk, location_id=location.pk, delta=-2)], reason="damaged"
        )

    results = run_together(
        [lambda c=c: checkout_place_order(checkout=c) for c in checkouts]
        + [receive(warehouse), shrink(warehouse), receive(shop_floor), shrink(shop_floor)]
    )

    assert [r for r in results if isinstance(r, Exception)] == []
    assert stock_of(variant) == (20 + 2 * (5 - 2), 12)
    assert_ledger_matches()
    assert all(level.reserved <= level.on_hand for level in StockLevel.objects.filter(variant=variant))


def test_two_ledger_changes_each_opening_a_level_of_another_product_do_not_deadlock(store, warehouse, shop_floor):
    """Each transaction first inserts an empty level (as ``stock_change`` does for a missing one),
    then, after both have, changes both products' warehouse stock. An empty level refreshes no
    listing row, so neither holds a listing lock the other's ordered refresh waits for."""
    import threading

    from commerce.catalog.listing_models import ProductListing

    first, second = (ProductPageFactory(store=store, stock=None).variants.get() for _ in range(2))
    for variant in (first, second):
        set_stock(variant, 5, location=warehouse)
    both_opened = threading.Barrier(2)

    def open_then_change(opened):
        def run():
            StockLevel.objects.bulk_create([StockLevel(variant=opened, location=shop_floor)], ignore_conflicts=True)
            both_opened.wait(timeout=10)
            return stock_change(
                changes=[StockChange(variant_id=v.pk, location_id=warehouse.pk, delta=1) for v in (first, second)],
                reason="received",
            )

        return run

    results = run_together([open_then_change(second), open_then_change(first)], atomic=True)

    assert not [r for r in results if isinstance(r, Exception)], results
    assert stock_of(first) == stock_of(second) == (7, 0)
    assert set(ProductListing.objects.filter(in_stock=True).values_list("product_id", flat=True)) >= {
        first.product_id,
        second.product_id,
    }
    assert_ledger_matches()
