"""Issue 9 §2: money that does not cover the order leaves it unpaid, flagged, with its stock still
reserved; overpayment is flagged too; staff accept, refund or cancel from the order page."""

from __future__ import annotations

import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from commerce.accounts.models import User
from commerce.checkout.lifecycle import orders_expire
from commerce.checkout.services import checkout_place_order
from commerce.orders.models import Order, StockReservation
from commerce.orders.signals import order_paid
from commerce.payments.models import Payment
from commerce.payments.services import payment_create_for_order
from tests.factories import stock_of
from tests.localstripe import client as stripe_client
from tests.localstripe import signed_event

pytestmark = [pytest.mark.django_db, pytest.mark.security]

URL = "/payments/stripe/webhook/"


@pytest.fixture
def paid_signals():
    received: list[int] = []

    def receiver(sender, order_id, **kwargs):
        received.append(order_id)

    order_paid.connect(receiver)
    yield received
    order_paid.disconnect(receiver)


@pytest.fixture
def charge(ready_checkout, stripe_gateway):
    """Place an order (total 45.00) and charge ``cents`` on a real localstripe intent for it."""

    def make(cents: int) -> tuple[Order, dict]:
        order = checkout_place_order(checkout=ready_checkout(2))
        payment = payment_create_for_order(order=order)
        sdk = stripe_client(stripe_gateway)
        method = sdk.v1.payment_methods.create(
            params={
                "type": "card",
                "card": {"number": "4242424242424242", "exp_month": 12, "exp_year": 2034, "cvc": "123"},
            }
        )
        intent = sdk.v1.payment_intents.create(
            params={"amount": cents, "currency": "usd", "payment_method": method.id, "confirm": True}
        )
        Payment.objects.filter(pk=payment.pk).update(intent_id=intent.id, status=Payment.Status.REQUIRES_ACTION)
        event = {
            "id": f"evt_{intent.id}",
            "object": "event",
            "type": "payment_intent.succeeded",
            "created": int(time.time()),
            "data": {
                "object": {
                    "id": intent.id,
                    "object": "payment_intent",
                    "amount": cents,
                    "amount_received": cents,
                    "currency": "usd",
                    "status": "succeeded",
                    "metadata": {},
                }
            },
        }
        return order, event

    return make


def deliver(client, event) -> int:
    body, signature = signed_event(event, secret="whsec_test")
    return client.post(URL, data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature).status_code


@pytest.fixture
def manager_client(client, store):
    owner = User.objects.create_user(email="boss@example.com", password="x", is_staff=True, is_superuser=True)
    client.force_login(owner)
    return client


def review(client, order: Order, action: str):
    return client.post(reverse("checkout_order_review", args=[order.pk]), {"action": action})


def test_one_cent_short_leaves_the_order_unpaid_flagged_and_holding_its_stock(
    client, charge, variant, paid_signals, django_capture_on_commit_callbacks
):
    order, event = charge(4499)

    with django_capture_on_commit_callbacks(execute=True):
        assert deliver(client, event) == 200

    order.refresh_from_db()
    variant.refresh_from_db()
    assert (order.status, order.payment_status, order.amount_paid) == ("pending_payment", "unpaid", Decimal("44.99"))
    assert order.flagged_for_review and order.review_reason.startswith("Underpaid")
    assert order.payment_mismatch == "underpaid"
    assert stock_of(variant) == (5, 2)
    assert mail.outbox == [] and paid_signals == []


def test_an_underpaid_order_is_never_cancelled_by_the_reservation_expiry(client, charge, variant):
    order, event = charge(4499)
    deliver(client, event)
    StockReservation.objects.filter(order=order).update(expires_at=timezone.now() - timedelta(minutes=1))

    orders_expire()

    order.refresh_from_db()
    variant.refresh_from_db()
    assert order.status == "pending_payment" and stock_of(variant)[1] == 2


def test_overpayment_pays_the_order_and_flags_it(client, charge, django_capture_on_commit_callbacks):
    order, event = charge(4600)

    with django_capture_on_commit_callbacks(execute=True):
        deliver(client, event)

    order.refresh_from_db()
    assert (order.status, order.payment_status) == ("paid", "paid")
    assert order.flagged_for_review and order.review_reason.startswith("Overpaid")
    assert order.payment_mismatch == "overpaid"
    assert len(mail.outbox) == 1


def test_staff_accept_an_underpaid_order_from_the_order_page(
    manager_client, charge, variant, paid_signals, django_capture_on_commit_callbacks
):
    order, event = charge(4499)
    deliver(manager_client, event)
    page = manager_client.get(reverse("orders_order_modeladmin_inspect", args=[order.pk])).content.decode()
    assert 'value="accept"' in page and 'value="cancel"' in page

    with django_capture_on_commit_callbacks(execute=True):
        response = review(manager_client, order, "accept")

    order.refresh_from_db()
    variant.refresh_from_db()
    assert response.status_code == 302
    assert (order.status, order.payment_status, order.flagged_for_review) == ("paid", "paid", False)
    assert stock_of(variant) == (3, 0)
    assert paid_signals == [order.pk] and len(mail.outbox) == 1
    assert order.events.filter(type="note", actor__email="boss@example.com").exists()


def test_staff_cancel_an_underpaid_order_refunding_the_card(manager_client, charge, variant):
    order, event = charge(4499)
    deliver(manager_client, event)

    review(manager_client, order, "cancel")

    order.refresh_from_db()
    variant.refresh_from_db()
    assert order.amount_refunded == Decimal("44.99") and not order.flagged_for_review
    assert order.status in {"refunded", "cancelled"}
    assert stock_of(variant) == (5, 0)  # stock lives in the inventory levels since issue 10


def test_staff_refund_an_overpayments_excess(manager_client, charge):
    order, event = charge(4600)
    deliver(manager_client, event)

    review(manager_client, order, "refund")

    order.refresh_from_db()
    assert order.amount_refunded == Decimal("1.00") and not order.flagged_for_review
    assert order.payment_status == "partially_refunded"


def test_a_decision_that_does_not_fit_the_order_changes_nothing(manager_client, charge):
    order, event = charge(4499)
    deliver(manager_client, event)

    response = review(manager_client, order, "refund")  # refund is for an overpayment
    bogus = review(manager_client, order, "drop-table")

    order.refresh_from_db()
    assert response.status_code == bogus.status_code == 302
    assert order.flagged_for_review and order.payment_status == "unpaid" and order.amount_refunded == 0
