"""Webhooks: signed, stored once, applied once, in whatever order they arrive."""

import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from commerce.checkout.services import checkout_place_order
from commerce.orders.models import Order
from commerce.payments.models import Payment, PaymentEvent
from commerce.payments.tasks import retry_waiting_payment_events
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


def test_the_event_for_a_payment_already_applied_locks_and_changes_nothing(client, payment):
    """The usual case: the payment request applied the provider's answer first, so the webhook's
    own delivery of it is a no-op that never queues behind the order's or the payment's row lock."""
    assert post(client, intent_event("evt_1", "payment_intent.succeeded")).status_code == 200
    paid = Order.objects.get()

    with CaptureQueriesContext(connection) as queries:
        again = post(client, intent_event("evt_2", "payment_intent.succeeded"))

    assert (again.status_code, again.json()["result"]) == (200, "applied: paid")
    locks = [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"]]
    assert all('"payments_paymentevent"' in sql for sql in locks), locks  # only the event's own row
    order = Order.objects.get()
    assert (order.amount_paid, order.updated_at) == (paid.amount_paid, paid.updated_at)
    assert order.events.filter(type="payment_succeeded").count() == 1
    assert PaymentEvent.objects.get(event_id="evt_2").payment_id == payment.pk


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


# -- an event that arrives before its payment's row is visible (issue 18, webhook race) ----------

LATE_PAYMENT = 900_000_001  # our id in the intent's metadata; the row is not there yet


def our_intent_event(event_id: str, *, payment_id: int | str = LATE_PAYMENT, intent: str = "pi_race_1") -> dict:
    """A PaymentIntent event carrying the metadata Magpie puts on every intent it creates."""
    event = intent_event(event_id, "payment_intent.succeeded", intent=intent)
    event["data"]["object"]["metadata"] = {"magpie_payment_id": str(payment_id), "magpie_order": "1001"}
    return event


def payment_row_commits(order: Order, pk: int = LATE_PAYMENT) -> Payment:
    """What ``payment_create_for_order`` writes, under the id the event already named."""
    return Payment.objects.create(
        pk=pk,
        order=order,
        idempotency_key=f"magpie-order-{order.pk}-attempt-1",
        amount=order.amount_due_by_card,
        currency=order.currency,
    )


def age(event_id: str, hours: int) -> None:
    PaymentEvent.objects.filter(event_id=event_id).update(received_at=F("received_at") - timedelta(hours=hours))


@pytest.fixture
def placed_order(ready_checkout, stripe_gateway) -> Order:
    return checkout_place_order(checkout=ready_checkout(2))


@pytest.mark.security
def test_an_event_before_its_payment_waits_with_a_409_and_the_retry_applies_it(client, placed_order):
    event = our_intent_event("evt_early")

    early = post(client, event)

    assert early.status_code == 409
    assert early.json()["error"] == "payment_not_found_yet"
    assert early.json()["field"] == "data.object.metadata.magpie_payment_id"
    stored = PaymentEvent.objects.get()
    assert stored.is_waiting and stored.processed_at is None
    assert stored.result == f"waiting: payment {LATE_PAYMENT} not found yet"
    assert Order.objects.get().payment_status == "unpaid"
    assert post(client, event).status_code == 409  # Stripe's next try, still too early: still waiting

    payment_row_commits(placed_order)
    retried = post(client, event)

    assert (retried.status_code, retried.json()["result"]) == (200, "applied: paid")
    order = Order.objects.get()
    assert (order.status, order.payment_status, order.amount_paid) == ("paid", "paid", Decimal("45.00"))
    stored.refresh_from_db()
    assert (stored.processed_at is not None, stored.payment_id, stored.order_id) == (True, LATE_PAYMENT, order.pk)
    assert Payment.objects.get().intent_id == "pi_race_1"
    again = post(client, event)  # a duplicate after that: 2xx, nothing applied twice
    assert (again.status_code, PaymentEvent.objects.count()) == (200, 1)
    assert order.events.filter(type="payment_succeeded").count() == 1


@pytest.mark.security
def test_an_event_still_waiting_after_a_day_is_ignored_with_the_reason(client, placed_order):
    event = our_intent_event("evt_orphan")
    assert post(client, event).status_code == 409

    age("evt_orphan", 23)
    assert post(client, event).status_code == 409  # under a day: Stripe keeps trying
    age("evt_orphan", 2)
    answer = post(client, event)

    assert answer.status_code == 200
    stored = PaymentEvent.objects.get()
    assert stored.processed_at is not None and not stored.is_waiting
    assert stored.result == f"ignored: payment {LATE_PAYMENT} still not found after 24 hours"
    payment_row_commits(placed_order)  # turning up after we gave up changes nothing
    assert post(client, event).status_code == 200
    assert Order.objects.get().payment_status == "unpaid"


@pytest.mark.security
@pytest.mark.parametrize(
    "metadata",
    [{}, {"order_id": "5", "shop": "another system"}, {"magpie_payment_id": "abc"}, {"magpie_payment_id": "9" * 25}],
    ids=["none", "someone-elses", "not-a-number", "too-large"],
)
def test_an_event_naming_nothing_of_ours_is_ignored_at_once(client, placed_order, metadata):
    event = intent_event("evt_other", "payment_intent.succeeded", intent="pi_elsewhere")
    event["data"]["object"]["metadata"] = metadata

    response = post(client, event)

    assert (response.status_code, response.json()["result"]) == (200, "ignored: no matching payment")
    assert PaymentEvent.objects.get().processed_at is not None
    assert not PaymentEvent.objects.waiting().exists()


@pytest.mark.security
def test_the_maintenance_job_applies_waiting_events_and_gives_up_on_old_ones(client, placed_order):
    """localstripe never retries; ``maintain_store``'s job does, from the stored event."""
    assert post(client, our_intent_event("evt_now")).status_code == 409
    assert post(client, our_intent_event("evt_old", payment_id=LATE_PAYMENT + 1, intent="pi_old")).status_code == 409
    age("evt_old", 25)
    payment_row_commits(placed_order)

    settled = retry_waiting_payment_events.enqueue().return_value

    results = dict(PaymentEvent.objects.values_list("event_id", "result"))
    assert settled == 2
    assert results == {
        "evt_now": "applied: paid",
        "evt_old": f"ignored: payment {LATE_PAYMENT + 1} still not found after 24 hours",
    }
    assert Order.objects.get().payment_status == "paid"
    assert post(client, our_intent_event("evt_now")).json()["result"] == "applied: paid"  # Stripe's late retry
