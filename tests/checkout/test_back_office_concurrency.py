"""Issue 11: the same refund request arriving twice at the same moment refunds once."""

from __future__ import annotations

from decimal import Decimal

import pytest

from commerce.checkout.order_actions import order_staff_refund
from commerce.checkout.services import checkout_pay, checkout_prepare_payment
from commerce.orders.models import Order
from commerce.payments.models import Payment, Refund
from tests.localstripe import browser_confirms_card
from tests.threads import run_together

pytestmark = [pytest.mark.backoffice, pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


def test_a_refund_submitted_twice_at_once_refunds_once(ready_checkout, stripe_gateway, django_user_model):
    manager = django_user_model.objects.create_superuser(email="boss@example.com", password="x" * 12)
    checkout = ready_checkout(2)
    setup = checkout_prepare_payment(checkout=checkout)
    assert browser_confirms_card(stripe_gateway, setup.id) == "succeeded"
    checkout_pay(checkout=checkout)
    order = Order.objects.get(checkout_token=checkout.token)

    def submit() -> Order:
        return order_staff_refund(
            order=order,
            to="card",
            amount=order.money(Decimal("15.00")),
            lines=(),
            reason="Late",
            actor=manager,
            request_key="same-form",
        )

    results = run_together([submit, submit])

    assert all(isinstance(result, Order) for result in results), results
    order.refresh_from_db()
    refund = Refund.objects.get()
    assert (refund.amount, refund.status) == (Decimal("15.00"), "succeeded")
    assert order.amount_refunded == Decimal("15.00")
    assert Payment.objects.get(order=order).amount_refunded == Decimal("15.00")
