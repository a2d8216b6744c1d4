"""The shopper's checkout with live carrier rates: the address step, the shipping step, the order."""

import pytest

from commerce.checkout.models import Checkout
from commerce.checkout.services import checkout_place_order
from commerce.orders.models import Order
from commerce.shipping.fake_shippo import INVALID_STREET
from tests.shipping.conftest import ADDRESS

pytestmark = [pytest.mark.django_db, pytest.mark.shipping]

JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def at_address_step(client, heavy_product, warehouse, table_rate, fake_shippo):
    variant = heavy_product.variants.get()
    assert client.post("/cart/add/", {"variant_id": variant.pk, "quantity": 1}, **JSON).status_code == 200
    assert client.post("/checkout/contact/", {"email": "ada@example.com"}).status_code == 302
    return client


def test_the_shopper_chooses_a_live_rate_and_the_order_keeps_its_rate_id(at_address_step, fake_shippo):
    client = at_address_step
    assert client.post("/checkout/address/", ADDRESS).status_code == 302

    page = client.get("/checkout/shipping/")
    html = page.content.decode()
    assert "USPS Priority Mail" in html and "2 business days" in html
    assert "$12.06" in html  # 8.70 + 1.60 × 2.1 kg (the pan and 100 g of packaging)
    priority = next(rate for rate in page.context["summary"].rates if rate.service == "Priority Mail")
    assert client.post("/checkout/shipping/", {"shipping_method": "usps-usps_priority"}).status_code == 302
    review = client.get("/checkout/review/")
    assert review.context["totals"].shipping.amount == priority.price.amount

    order = checkout_place_order(checkout=Checkout.objects.get())

    order = Order.objects.get(pk=order.pk)
    assert (order.shipping_method_code, order.shipping_method_name) == ("usps-usps_priority", "USPS Priority Mail")
    assert (order.shipping_provider, order.shipping_rate_id) == ("shippo", priority.rate_id)
    assert (order.shipping_carrier, order.shipping_service) == ("USPS", "Priority Mail")
    assert order.shipping_total == priority.price.amount
    assert fake_shippo.count("POST", "/shipments") == 1  # the address step's quote, reused from the cache


def test_an_address_the_carrier_rejects_is_a_form_error_and_is_not_saved(at_address_step):
    response = at_address_step.post("/checkout/address/", {**ADDRESS, "line1": f"1 {INVALID_STREET} Lane"})

    assert response.status_code == 200
    assert "The carrier could not verify this address" in response.content.decode()
    assert Checkout.objects.get().shipping_address == {}


def test_a_posted_code_that_was_not_offered_is_refused(at_address_step):
    client = at_address_step
    client.post("/checkout/address/", ADDRESS)

    response = client.post("/checkout/shipping/", {"shipping_method": "fedex-anything"})

    assert response.status_code == 200
    assert response.context["form"].errors["shipping_method"]
    assert Checkout.objects.get().shipping_method_code == ""


def test_when_shippo_is_down_the_shopper_sees_the_tables_and_a_note(at_address_step, fake_shippo):
    client = at_address_step
    fake_shippo.fail("/shipments", status=503, times=5)

    assert client.post("/checkout/address/", ADDRESS).status_code == 302  # never blocked by the carrier
    page = client.get("/checkout/shipping/").content.decode()

    assert "Live carrier rates are unavailable right now" in page
    assert client.post("/checkout/shipping/", {"shipping_method": "standard"}).status_code == 302
    order = checkout_place_order(checkout=Checkout.objects.get())
    assert (order.shipping_method_code, order.shipping_provider, order.shipping_rate_id) == ("standard", "", "")
