"""Webhooks: signed, stored once, applied once, in whatever order they arrive."""

import time
from decimal import Decimal

import pytest
from django.urls import reverse

from commerce.orders.models import Order
from commerce.payments.models import Payment, PaymentEvent
from tests.factories import stock_of
from tests.localstripe import signed_event

pytestmark = pytest.mark.django_db

SECRET = "whsec_test"
URL = "/payments/stripe/webhook/"


def intent_event(event_id: str, type_: str, *, amount: int = 4500, status: str = "succeeded", intent="pi_test_1"):
    return {
        "id": event_id,
        "object": "event",
        "type": type_,
        "created": int(time.time()),
        "data": {
            "object": {
                "id": intent,
                "object": "payment_intent",
                "amount": amount,
                "amount_received": amount if status == "succeeded" else 0,
                "currency": "usd",
                "status": status,
                "metadata": {},
            }
        },
    }


def post(client, payload, *, secret=SECRET, timestamp=None):
    body, signature = signed_event(payload, secret=secret, timestamp=timestamp)
    return client.post(URL, data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature)


def test_the_webhook_url_is_the_named_route():
    assert reverse("payments:stripe_webhook") == URL


def test_a_succeeded_event_pays_the_order(client, payment):
    response = post(client, intent_event("evt_1", "payment_intent.succeeded"))

    order = Order.objects.get()
    assert response.status_code == 200
    assert (order.status, order.payment_status, order.amount_paid) == ("paid", "paid", Decimal("45.00"))
    assert PaymentEvent.objects.get().processed_at is not None


def test_bad_signature_is_refused_and_changes_nothing(client, payment):
    response = post(client, intent_event("evt_1", "payment_intent.succeeded"), secret="whsec_wrong")

    assert response.status_code == 400
    assert response.json()["field"] == "Stripe-Signature"
    assert not PaymentEvent.objects.exists()
    assert Order.objects.get().payment_status == "unpaid"


def test_missing_signature_is_refused(client, payment):
    response = client.post(URL, data=b"{}", content_type="application/json")

    assert response.status_code == 400


def test_stale_timestamp_is_refused(client, payment):
    response = post(client, intent_event("evt_1", "payment_intent.succeeded"), timestamp=int(time.time()) - 3600)

    assert response.status_code == 400
    assert not PaymentEvent.objects.exists()


def test_a_duplicate_delivery_is_applied_once(client, payment):
    event = intent_event("evt_1", "payment_intent.succeeded")

    post(client, event)
    response = post(client, event)

    order = Order.objects.get()
    assert response.status_code == 200
    assert PaymentEvent.objects.count() == 1
    assert order.amount_paid == Decimal("45.00")
    assert order.events.filter(type="payment_succeeded").count() == 1


def test_failed_after_succeeded_leaves_the_order_paid(client, payment):
    post(client, intent_event("evt_1", "payment_intent.succeeded"))
    post(client, intent_event("evt_2", "payment_intent.payment_failed", status="requires_payment_method"))

    order = Order.objects.get()
    assert (order.status, order.payment_status) == ("paid", "paid")
    assert Payment.objects.get().status == "succeeded"


def test_succeeded_after_failed_ends_paid(client, payment, variant):
    post(client, intent_event("evt_2", "payment_intent.payment_failed", status="requires_payment_method"))
    variant.refresh_from_db()
    assert stock_of(variant)[1] == 0  # the failure released the stock

    post(client, intent_event("evt_1", "payment_intent.succeeded"))

    order = Order.objects.get()
    variant.refresh_from_db()
    assert (order.status, order.payment_status) == ("paid", "paid")
    assert stock_of(variant) == (3, 0)
    assert not order.flagged_for_review


def test_an_amount_that_differs_from_the_total_flags_the_order(client, payment):
    post(client, intent_event("evt_1", "payment_intent.succeeded", amount=100))

    order = Order.objects.get()
    assert order.payment_status == "unpaid"  # issue 9: money short of the total does not pay it
    assert order.flagged_for_review
    assert "45.00" in order.review_reason


def test_charge_refunded_records_a_refund_made_at_the_provider_once(client, payment):
    post(client, intent_event("evt_1", "payment_intent.succeeded"))
    charge = {
        "id": "evt_3",
        "object": "event",
        "type": "charge.refunded",
        "created": int(time.time()),
        "data": {
            "object": {
                "id": "ch_1",
                "object": "charge",
                "payment_intent": "pi_test_1",
                "amount": 4500,
                "amount_refunded": 1000,
                "currency": "usd",
            }
        },
    }

    post(client, charge)
    charge["id"] = "evt_4"  # the same state, delivered again under another id
    post(client, charge)

    order = Order.objects.get()
    assert order.amount_refunded == Decimal("10.00")
    assert order.status == "partially_refunded"


def test_an_unknown_intent_is_stored_and_ignored(client, payment):
    response = post(client, intent_event("evt_9", "payment_intent.succeeded", intent="pi_unknown"))

    assert response.status_code == 200
    assert PaymentEvent.objects.get().result.startswith("ignored")
    assert Order.objects.get().payment_status == "unpaid"
