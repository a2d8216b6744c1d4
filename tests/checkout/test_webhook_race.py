"""The webhook race for real: localstripe sends its signed ``payment_intent.succeeded`` to a live
server while the transaction holding our Payment row has not committed. The event waits (409),
and Stripe's retry of the same event after the commit applies it."""

from __future__ import annotations

import time
import urllib.error
import urllib.request

import pytest
from django.db import transaction

from commerce.checkout.services import checkout_place_order, checkout_prepare_payment
from commerce.core.money import Money
from commerce.orders.models import Order
from commerce.payments.gateway import get_gateway
from commerce.payments.models import PaymentEvent
from commerce.payments.services import payment_create_for_order
from tests.localstripe import browser_confirms_card, register_webhook, signed_event

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.concurrency]

SECRET = "whsec_test"


def deliver(url: str, payload: dict) -> int:
    """Stripe's retry: the same event, signed again at the time of the new attempt."""
    body, signature = signed_event(payload, secret=SECRET)
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": "application/json", "Stripe-Signature": signature}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def event_about(intent_id: str, *, timeout: float = 15) -> PaymentEvent:
    """The stored event localstripe sent about this intent (others' late events may arrive too)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = PaymentEvent.objects.filter(type="payment_intent.succeeded", payload__data__object__id=intent_id)
        if (event := found.exclude(result="").first()) is not None:
            return event
        time.sleep(0.2)
    raise AssertionError(f"localstripe's event about {intent_id} never arrived")


def test_the_event_that_beats_the_payment_commit_waits_and_stripes_retry_applies_it(
    live_server, ready_checkout, stripe_gateway
):
    webhook_url = f"{live_server.url}/payments/stripe/webhook/"
    register_webhook(stripe_gateway, target=webhook_url, secret=SECRET)
    checkout = ready_checkout(2)
    setup = checkout_prepare_payment(checkout=checkout)
    assert browser_confirms_card(stripe_gateway, setup.id) == "succeeded"
    card = get_gateway().retrieve_setup_intent(setup.id).payment_method
    order = checkout_place_order(checkout=checkout)

    with transaction.atomic():  # the Payment row and the Stripe call in one flow, not committed yet
        payment = payment_create_for_order(order=order)
        intent = get_gateway().create_payment_intent(
            amount=Money(payment.amount, payment.currency),
            payment_method=card,
            idempotency_key=payment.idempotency_key,
            metadata={"magpie_payment_id": str(payment.pk), "magpie_order": order.number},
            description=f"order {order.number}",
        )
        assert intent.status == "succeeded"
        early = event_about(intent.id)  # the live server's own connection cannot see our payment

        assert early.is_waiting and early.result == f"waiting: payment {payment.pk} not found yet"

    assert Order.objects.get(pk=order.pk).payment_status == "unpaid"  # nothing applied the intent yet
    assert deliver(webhook_url, early.payload) == 200

    early.refresh_from_db()
    order.refresh_from_db()
    assert (early.result, early.payment_id) == ("applied: paid", payment.pk)
    assert (order.status, order.payment_status, order.amount_paid) == ("paid", "paid", order.total)
    assert order.payments.get().intent_id == intent.id
