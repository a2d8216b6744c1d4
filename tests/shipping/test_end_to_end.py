"""End to end over HTTP: a shopper pays (real Stripe SDK against localstripe) for an order with a
live carrier rate; staff buy its label from the order screen; the carrier's webhook reaches a live
server; the customer gets the delivered email and sees it on their order page."""

import pytest
from django.core import mail
from django.test import Client

from commerce.orders.fulfilment import order_fulfil
from commerce.orders.links import order_guest_url
from commerce.orders.models import Order
from commerce.shipping.models import Shipment, ShipmentStatus
from tests.localstripe import browser_confirms_card
from tests.shipping.conftest import ADDRESS, WEBHOOK_SECRET

pytestmark = [pytest.mark.shipping, pytest.mark.django_db(transaction=True)]
JSON = {"HTTP_ACCEPT": "application/json"}


def test_live_rate_purchase_then_label_tracking_and_delivered_email(
    client, live_server, django_user_model, heavy_product, warehouse, table_rate, fake_shippo, stripe_gateway
):
    variant = heavy_product.variants.get()
    assert client.post("/cart/add/", {"variant_id": variant.pk, "quantity": 1}, **JSON).status_code == 200
    assert client.post("/checkout/contact/", {"email": "ada@example.com"}).status_code == 302
    assert client.post("/checkout/address/", ADDRESS).status_code == 302
    rates = client.get("/checkout/shipping/").context["summary"].rates
    priority = next(rate for rate in rates if rate.code == "usps-usps_priority")
    assert client.post("/checkout/shipping/", {"shipping_method": priority.code}).status_code == 302
    setup_intent = client.get("/checkout/payment/").context["stripe_config"]["clientSecret"].split("_secret_")[0]
    assert browser_confirms_card(stripe_gateway, setup_intent) == "succeeded"
    assert client.post("/checkout/payment/", **JSON).json()["status"] == "paid"

    order = Order.objects.get()
    assert (order.shipping_rate_id, order.shipping_total) == (priority.rate_id, priority.price.amount)
    assert order.total == variant.price + priority.price.amount

    staff = django_user_model.objects.create_superuser(email="owner@example.com", password="x" * 12)
    admin = Client()
    admin.force_login(staff)
    fulfilment = order_fulfil(order=order, actor=staff)
    label_url = f"/admin/orders/{order.pk}/fulfilments/{fulfilment.pk}/label/"
    assert admin.get(label_url).context["form"].fields["service"].initial == "usps-usps_priority"
    assert admin.post(label_url, {"service": "usps-usps_priority"}).status_code == 302
    shipment = Shipment.objects.get()
    assert (shipment.status, shipment.carrier, shipment.service) == ("label_created", "USPS", "Priority Mail")
    shipped = [m for m in mail.outbox if "on its way" in m.subject]
    assert len(shipped) == 1 and shipment.tracking_url in shipped[0].body

    webhook = f"{live_server.url}/shipping/shippo/webhook/?token={WEBHOOK_SECRET}"
    fake_shippo.advance(shipment.tracking_number, "TRANSIT", "Out for delivery", substatus="out_for_delivery")
    assert fake_shippo.send_webhook(shipment.tracking_number, webhook) == 200
    fake_shippo.advance(shipment.tracking_number, "DELIVERED", "Delivered, front porch")
    assert fake_shippo.send_webhook(shipment.tracking_number, webhook) == 200
    assert fake_shippo.send_webhook(shipment.tracking_number, webhook) == 200  # Shippo retries: applied once

    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.DELIVERED
    assert Order.objects.get().delivery_status == "delivered"
    delivered = [m for m in mail.outbox if "was delivered" in m.subject]
    assert len(delivered) == 1 and order.number in delivered[0].body
    page = client.get(order_guest_url(order)).content.decode()
    assert "Delivered" in page and "Delivered, front porch" in page and shipment.tracking_number in page
