"""Real parallel transactions on PostgreSQL: threads, each with its own connection."""

from __future__ import annotations

import pytest
from django.db import connection

from commerce.checkout.services import (
    checkout_pay,
    checkout_place_order,
    checkout_prepare_payment,
)
from commerce.core.exceptions import CommerceError
from commerce.orders.models import Order
from commerce.payments.models import Payment
from tests.checkout.conftest import make_checkout
from tests.factories import ProductPageFactory, stock_of
from tests.localstripe import browser_confirms_card
from tests.threads import run_together

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


def test_stock_n_and_2n_buyers_gives_exactly_n_paid_orders(store, shipping, stripe_gateway):
    n = 3
    variant = ProductPageFactory(store=store, price="12.00", stock=n).variants.get()
    checkouts = [make_checkout(store, [(variant.pk, 1)], f"buyer{i}@example.com") for i in range(2 * n)]
    for checkout in checkouts:
        setup = checkout_prepare_payment(checkout=checkout)
        assert browser_confirms_card(stripe_gateway, setup.id) == "succeeded"

    results = run_together([lambda c=checkout: checkout_pay(checkout=c) for checkout in checkouts])

    variant.refresh_from_db()
    print(results)
    paid = [r for r in results if not isinstance(r, Exception) and r.status == "paid"]
    refused = [r for r in results if isinstance(r, CommerceError)]
    assert len(paid) == n
    assert len(refused) == n, results
    assert Order.objects.filter(payment_status="paid").count() == n
    assert Payment.objects.filter(status="succeeded").count() == n
    assert stock_of(variant) == (0, 0)


def test_the_same_checkout_completed_twice_at_once_makes_one_order_and_one_charge(store, shipping, stripe_gateway):
    variant = ProductPageFactory(store=store, price="30.00", stock=5).variants.get()
    checkout = make_checkout(store, [(variant.pk, 1)], "double@example.com")
    setup = checkout_prepare_payment(checkout=checkout)
    assert browser_confirms_card(stripe_gateway, setup.id) == "succeeded"

    results = run_together([lambda: checkout_pay(checkout=checkout), lambda: checkout_pay(checkout=checkout)])

    # the second request is told the payment is paid or being processed, never refused
    assert not [r for r in results if isinstance(r, Exception)], results
    assert {r.status for r in results} <= {"paid", "pending"}, results
    assert Order.objects.count() == 1
    assert Payment.objects.count() == 1
    assert Payment.objects.get().status == "succeeded"
    variant.refresh_from_db()
    assert stock_of(variant) == (4, 0)


def test_lines_locked_in_opposite_orders_do_not_deadlock(store, shipping):
    x = ProductPageFactory(store=store, title="X", stock=50).variants.get()
    y = ProductPageFactory(store=store, title="Y", stock=50).variants.get()
    forwards = [make_checkout(store, [(x.pk, 1), (y.pk, 1)], f"f{i}@example.com") for i in range(4)]
    backwards = [make_checkout(store, [(y.pk, 1), (x.pk, 1)], f"b{i}@example.com") for i in range(4)]

    results = run_together([lambda c=c: checkout_place_order(checkout=c) for c in forwards + backwards])

    errors = [r for r in results if isinstance(r, Exception)]
    assert errors == []
    x.refresh_from_db()
    y.refresh_from_db()
    assert (stock_of(x)[1], stock_of(y)[1]) == (8, 8)
    assert connection.vendor == "postgresql"
