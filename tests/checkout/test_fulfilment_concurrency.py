"""Issue 11: two members of staff fulfilling the same order at the same moment ship it once."""

from __future__ import annotations

import pytest

from commerce.checkout.services import checkout_pay, checkout_prepare_payment
from commerce.core.exceptions import CommerceError
from commerce.orders.fulfilment import order_fulfil
from commerce.orders.models import Fulfilment, FulfilmentLine, Order
from tests.localstripe import browser_confirms_card
from tests.threads import run_together

pytestmark = [pytest.mark.backoffice, pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


def test_a_double_fulfil_at_once_ships_the_order_once(ready_checkout, stripe_gateway, django_user_model):
    manager = django_user_model.objects.create_superuser(email="boss@example.com", password="x" * 12)
    checkout = ready_checkout(3)
    setup = checkout_prepare_payment(checkout=checkout)
    assert browser_confirms_card(stripe_gateway, setup.id) == "succeeded"
    checkout_pay(checkout=checkout)
    order = Order.objects.get(checkout_token=checkout.token)

    def fulfil_everything() -> Fulfilment:
        return order_fulfil(order=order, lines=None, actor=manager)

    results = run_together([fulfil_everything, fulfil_everything])

    made = [r for r in results if isinstance(r, Fulfilment)]
    refused = [r for r in results if isinstance(r, CommerceError)]
    assert (len(made), len(refused)) == (1, 1), results
    order.refresh_from_db()
    line = order.lines.get()
    assert (order.status, line.quantity_fulfilled) == ("fulfilled", 3)
    assert [fl.quantity for fl in FulfilmentLine.objects.all()] == [3]
