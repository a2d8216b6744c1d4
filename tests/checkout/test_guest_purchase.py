"""A guest buys end to end over HTTP: the real Stripe SDK against localstripe, and localstripe's
own signed webhook delivered to a live server."""

import time

import pytest
from django.core import mail

from commerce.orders.models import Order
from commerce.payments.models import PaymentEvent
from tests.localstripe import browser_confirms_card, register_webhook

pytestmark = pytest.mark.django_db(transaction=True)


def test_guest_buys_and_the_webhook_confirms(client, live_server, store, shipping, variant, stripe_gateway):
    register_webhook(stripe_gateway, target=f"{live_server.url}/payments/stripe/webhook/", secret="whsec_test")
    json_accept = {"HTTP_ACCEPT": "application/json"}

    assert client.post("/cart/add/", {"variant_id": variant.pk, "quantity": 2}, **json_accept).status_code == 200
    assert client.post("/checkout/contact/", {"email": "guest@example.com"}).status_code == 302
    address = {
        "full_name": "Gus Guest",
        "line1": "2 Side St",
        "city": "Shelbyville",
        "postal_code": "54321",
        "region": "WI",
    }
    assert client.post("/checkout/address/", {**address, "country": "US"}).status_code == 302
    assert client.post("/checkout/shipping/", {"shipping_method": "standard"}).status_code == 302
    assert client.get("/checkout/review/").status_code == 200
    payment_page = client.get("/checkout/payment/")
    setup_intent = payment_page.context["stripe_config"]["clientSecret"].split("_secret_")[0]

    assert browser_confirms_card(stripe_gateway, setup_intent) == "succeeded"
    answer = client.post("/checkout/payment/", **json_accept).json()

    assert answer["status"] == "paid"
    order = Order.objects.get()
    assert (order.email, order.total, order.payment_status) == ("guest@example.com", 45, "paid")
    # localstripe is shared by the session: an earlier test's late event may reach this server too,
    # so look only at the event about this order's payment.
    ours = PaymentEvent.objects.filter(
        type="payment_intent.succeeded", payload__data__object__id=order.payments.get().intent_id
    )
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and not ours.filter(processed_at__isnull=False).exists():
        time.sleep(0.25)
    event = ours.get()
    assert event.result == "applied: paid"
    order.refresh_from_db()
    assert order.amount_paid == order.total  # the webhook did not count the money twice
    assert order.events.filter(type="payment_succeeded").count() == 1

    thank_you = client.get(answer["redirect"])
    assert thank_you.status_code == 200
    assert f"order {order.number} is confirmed" in thank_you.content.decode()
    assert len(mail.outbox) == 1
    assert answer["redirect"].split("/")[-2] in mail.outbox[0].body
    assert client.get("/cart/").context["lines"] == []
    assert client.post("/checkout/payment/", **json_accept).status_code in (302, 400)  # the checkout is done
