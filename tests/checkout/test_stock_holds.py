"""Issue 9 §4: stock is reserved only once a payment can be attempted (the card confirmed with the
provider), one hold is bounded in units, and one visitor can hold only so often."""

from __future__ import annotations

import pytest

from commerce.orders.models import Order, StockReservation
from tests.checkout.conftest import ADDRESS_FORM
from tests.factories import stock_of
from tests.localstripe import browser_confirms_card

pytestmark = [pytest.mark.django_db, pytest.mark.security]

JSON = {"HTTP_ACCEPT": "application/json"}
ADDRESS = ADDRESS_FORM  # issue 16: a US address needs its state


def to_payment_step(client, variant, quantity: int) -> str:
    """Fill the cart and the checkout steps; returns the SetupIntent the payment page created."""
    assert client.post("/cart/add/", {"variant_id": variant.pk, "quantity": quantity}, **JSON).status_code == 200
    client.post("/checkout/contact/", {"email": "guest@example.com"})
    client.post("/checkout/address/", ADDRESS)
    client.post("/checkout/shipping/", {"shipping_method": "standard"})
    page = client.get("/checkout/payment/")
    return page.context["stripe_config"]["clientSecret"].split("_secret_")[0]


def test_posting_the_payment_step_without_a_card_holds_nothing(client, variant, shipping, stripe_gateway):
    to_payment_step(client, variant, 5)

    answers = [client.post("/checkout/payment/", **JSON) for _ in range(3)]

    variant.refresh_from_db()
    assert {a.status_code for a in answers} == {400}
    assert answers[0].json()["field"] == "payment_method"
    assert "card details" in answers[0].json()["message"]
    assert stock_of(variant) == (5, 0)
    assert not Order.objects.exists() and not StockReservation.objects.exists()


def test_a_declined_card_setup_holds_nothing_either(client, variant, shipping, stripe_gateway):
    setup_intent = to_payment_step(client, variant, 2)
    assert browser_confirms_card(stripe_gateway, setup_intent, "4000000000000002") == "declined"

    assert client.post("/checkout/payment/", **JSON).status_code == 400

    variant.refresh_from_db()
    assert stock_of(variant)[1] == 0


def test_a_confirmed_card_places_the_order_and_pays(client, variant, shipping, stripe_gateway):
    setup_intent = to_payment_step(client, variant, 2)
    assert browser_confirms_card(stripe_gateway, setup_intent) == "succeeded"

    answer = client.post("/checkout/payment/", **JSON).json()

    variant.refresh_from_db()
    assert answer["status"] == "paid"
    assert stock_of(variant) == (3, 0)


def test_one_hold_is_bounded_in_units(client, store, shipping, stripe_gateway, settings):
    from tests.factories import ProductPageFactory

    settings.MAGPIE_HOLD_MAX_UNITS = 4
    variant = ProductPageFactory(store=store, title="Badge", price="2.00", stock=50).variants.get()
    setup_intent = to_payment_step(client, variant, 5)
    assert browser_confirms_card(stripe_gateway, setup_intent) == "succeeded"

    response = client.post("/checkout/payment/", **JSON)

    variant.refresh_from_db()
    assert response.status_code == 400
    assert response.json()["field"] == "cart" and "at most 4" in response.json()["message"]
    assert stock_of(variant)[1] == 0 and not Order.objects.exists()


def test_one_visitor_holds_stock_only_so_often(client, variant, shipping, stripe_gateway, settings):
    settings.MAGPIE_THROTTLES = {**settings.MAGPIE_THROTTLES, "stock_hold": (1, 3600)}
    first = to_payment_step(client, variant, 1)
    assert browser_confirms_card(stripe_gateway, first) == "succeeded"
    assert client.post("/checkout/payment/", **JSON).json()["status"] == "paid"

    second = to_payment_step(client, variant, 1)
    assert browser_confirms_card(stripe_gateway, second) == "succeeded"
    refused = client.post("/checkout/payment/", **JSON)

    variant.refresh_from_db()
    assert refused.status_code == 429
    assert refused.json()["scope"] == "stock_hold"
    assert stock_of(variant)[1] == 0 and Order.objects.count() == 1
