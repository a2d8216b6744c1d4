"""Live carrier rates over the API: the checkout's shipping services against the loopback fake
Shippo (the real shippo SDK), as the HTML shipping step shows them."""

import pytest

from commerce.checkout.models import Checkout
from commerce.shipping.fake_shippo import INVALID_STREET
from tests.api.checkout_steps import ok, send

# The shipping tests' fixtures (a warehouse, a heavy product, a rate table); the fake Shippo
# server's fixtures are the whole suite's (tests/conftest.py).
from tests.shipping.conftest import ADDRESS, heavy_product, table_rate, warehouse  # noqa: F401

pytestmark = [pytest.mark.api, pytest.mark.shipping, pytest.mark.django_db]


@pytest.fixture
def at_address_step(request, client):
    request.getfixturevalue("fake_shippo")
    request.getfixturevalue("warehouse")
    request.getfixturevalue("table_rate")
    variant = request.getfixturevalue("heavy_product").variants.get()
    ok(send(client, "post", "/api/v1/cart/lines/", {"variant_id": variant.pk}))
    ok(send(client, "put", "/api/v1/checkout/contact/", {"email": "ada@example.com"}))
    return client


def test_live_rates_are_offered_and_one_is_chosen(request, at_address_step):
    shippo = request.getfixturevalue("fake_shippo")
    client = at_address_step
    ok(send(client, "put", "/api/v1/checkout/shipping-address/", ADDRESS))

    rates = ok(client.get("/api/v1/checkout/shipping-rates/"))

    priority = next(rate for rate in rates["rates"] if rate["service"] == "Priority Mail")
    assert (priority["code"], priority["carrier"], priority["price"]["amount"]) == (
        "usps-usps_priority",
        "USPS",
        "12.06",  # 8.70 + 1.60 × 2.1 kg, as the HTML shipping step shows it
    )
    assert rates["note"] == ""
    chosen = ok(send(client, "put", "/api/v1/checkout/shipping-method/", {"shipping_method": priority["code"]}))
    assert chosen["totals"]["shipping"]["amount"] == "12.06"
    assert shippo.count("POST", "/shipments") == 1  # the address step's quote, reused from the cache


def test_an_address_the_carrier_rejects_names_the_address(at_address_step):
    response = send(
        at_address_step, "put", "/api/v1/checkout/shipping-address/", {**ADDRESS, "line1": f"1 {INVALID_STREET} Lane"}
    )

    assert (response.status_code, response.json()["field"]) == (400, "address")  # the address as a whole
    assert "The carrier could not verify this address" in response.json()["message"]
    assert Checkout.objects.get().shipping_address == {}


def test_when_the_carrier_is_down_the_rate_table_comes_with_a_note(request, at_address_step):
    request.getfixturevalue("fake_shippo").fail("/shipments", status=503, times=5)
    ok(send(at_address_step, "put", "/api/v1/checkout/shipping-address/", ADDRESS))

    rates = ok(at_address_step.get("/api/v1/checkout/shipping-rates/"))

    assert [rate["code"] for rate in rates["rates"]] == ["standard"]
    assert "Live carrier rates are unavailable right now" in rates["note"]
