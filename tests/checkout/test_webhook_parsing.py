"""Issue 9 §5: a correctly signed but malformed event is stored, marked failed with its reason and
answered 2xx, never a 500; signatures dated outside the tolerance either way are refused."""

from __future__ import annotations

import json
import time
from decimal import Decimal

import pytest
from django.urls import reverse

from commerce.accounts.models import User
from commerce.orders.models import Order
from commerce.payments.models import PaymentEvent
from tests.localstripe import signed_event

pytestmark = [pytest.mark.django_db, pytest.mark.security]

URL = "/payments/stripe/webhook/"
SECRET = "whsec_test"


def post_raw(client, body: bytes, *, timestamp: int | None = None):
    import hashlib
    import hmac

    ts = int(time.time()) if timestamp is None else timestamp
    signature = hmac.new(SECRET.encode(), f"{ts}.".encode() + body, hashlib.sha256).hexdigest()
    return client.post(URL, data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=f"t={ts},v1={signature}")


def event(type_: str, obj, event_id: str = "evt_bad") -> bytes:
    return json.dumps({"id": event_id, "object": "event", "type": type_, "data": {"object": obj}}).encode()


INTENT = {"id": "pi_test_1", "object": "payment_intent", "amount": 4500, "currency": "usd", "status": "succeeded"}

MALFORMED = [
    pytest.param(b"[]", id="a-list"),
    pytest.param(b'"x"', id="a-string"),
    pytest.param(b"not json at all", id="not-json"),
    pytest.param(json.dumps({"type": "payment_intent.succeeded"}).encode(), id="no-event-id"),
    pytest.param(event("payment_intent.succeeded", "pi_test_1"), id="object-is-a-string"),
    pytest.param(event("payment_intent.succeeded", {**INTENT, "id": None}), id="intent-without-id"),
    pytest.param(event("payment_intent.succeeded", {**INTENT, "amount": "lots"}), id="intent-amount-not-a-number"),
    pytest.param(event("payment_intent.succeeded", {**INTENT, "metadata": "x"}), id="metadata-a-string"),
    pytest.param(
        event(
            "charge.refunded",
            {"id": "ch_1", "payment_intent": "pi_test_1", "amount_refunded": "ten", "currency": "usd"},
        ),
        id="refund-amount-not-a-number",
    ),
]


@pytest.mark.parametrize("body", MALFORMED)
def test_a_malformed_signed_event_is_stored_failed_and_answered_2xx(client, payment, body):
    response = post_raw(client, body)

    assert response.status_code == 200
    stored = PaymentEvent.objects.get()
    assert stored.processed_at is not None
    assert stored.result.startswith("failed: ")
    order = Order.objects.get()
    assert (order.payment_status, order.amount_paid, order.amount_refunded) == ("unpaid", 0, 0)
    # Stripe retrying the same delivery changes nothing and still gets a 2xx
    assert post_raw(client, body).status_code == 200
    assert PaymentEvent.objects.count() == 1


def test_a_failed_event_is_visible_to_staff(client, payment):
    post_raw(client, event("payment_intent.succeeded", "pi_test_1"))
    staff = User.objects.create_user(email="boss@example.com", password="x", is_staff=True, is_superuser=True)
    client.force_login(staff)

    listing = client.get(reverse("payments_paymentevent_modeladmin_index"), {"outcome": "failed"})

    html = listing.content.decode()
    assert listing.status_code == 200
    assert "evt_bad" in html and "data.object is not an object." in html


def test_a_well_formed_event_after_a_malformed_one_still_applies(client, payment):
    post_raw(client, event("payment_intent.succeeded", {**INTENT, "amount": "lots"}, event_id="evt_1"))
    post_raw(client, event("payment_intent.succeeded", INTENT, event_id="evt_2"))

    order = Order.objects.get()
    assert (order.payment_status, order.amount_paid) == ("paid", Decimal("45.00"))


@pytest.mark.parametrize(
    "offset", [86_400, 301, -301, -86_400], ids=["a-day-ahead", "just-ahead", "just-old", "a-day-old"]
)
def test_signatures_outside_the_tolerance_either_way_are_refused(client, payment, offset):
    body, signature = signed_event(
        {"id": "evt_1", "type": "payment_intent.succeeded", "data": {"object": INTENT}},
        secret=SECRET,
        timestamp=int(time.time()) + offset,
    )

    response = client.post(URL, data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature)

    assert response.status_code == 400
    assert not PaymentEvent.objects.exists()
    assert Order.objects.get().payment_status == "unpaid"


@pytest.mark.parametrize("signature", ["", "garbage", "t=abc,v1=00", "v1=00"])
def test_a_mangled_signature_header_is_a_400(client, payment, signature):
    response = client.post(URL, data=b"{}", content_type="application/json", HTTP_STRIPE_SIGNATURE=signature)

    assert response.status_code == 400
