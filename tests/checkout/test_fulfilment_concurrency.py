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


def test_a_return_refunded_twice_at_once_refunds_once(ready_checkout, stripe_gateway, django_user_model):
    from commerce.checkout.return_actions import return_refund
    from commerce.orders.models import ReturnRequest
    from commerce.orders.returns import ReturnLineRequest, return_receive, return_request_create
    from commerce.payments.models import Refund

    manager = django_user_model.objects.create_superuser(email="boss@example.com", password="x" * 12)
    checkout = ready_checkout(2)
    setup = checkout_prepare_payment(checkout=checkout)
    assert browser_confirms_card(stripe_gateway, setup.id) == "succeeded"
    checkout_pay(checkout=checkout)
    order = Order.objects.get(checkout_token=checkout.token)
    order_fulfil(order=order, ship_now=True, actor=manager)
    line = order.lines.get()
    return_request = return_request_create(
        order=order, lines=[ReturnLineRequest(line.pk, 2, "damaged")], actor=manager, by_staff=True
    )
    return_receive(return_request=return_request, restock={}, actor=manager)

    def refund() -> ReturnRequest:
        return return_refund(return_request=return_request, to="card", actor=manager)

    results = run_together([refund, refund])

    assert all(isinstance(result, ReturnRequest) for result in results), results
    order.refresh_from_db()
    assert Refund.objects.get().amount == order.amount_refunded == 40
    assert ReturnRequest.objects.get().status == "refunded"
    assert order.events.filter(type="return_refunded").count() == 1
