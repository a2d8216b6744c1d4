"""Checkout over the API only: the HTML checkout's forms and services, the real Stripe SDK against
localstripe, errors naming the field with nothing changed."""

import urllib.parse
import urllib.request
from decimal import Decimal

import pytest
from django.test import Client

from commerce.checkout.models import Checkout
from commerce.orders.models import Order
from commerce.payments.models import Payment
from commerce.shipping.models import ShippingMethod
from tests.api.checkout_steps import ADDRESS, card_confirmed, ok, ready_to_pay, send
from tests.api.conftest import bearer
from tests.factories import ProductPageFactory, place_order, stock_of
from tests.localstripe import browser_confirms_card
from tests.localstripe import client as stripe_client

pytestmark = [pytest.mark.api, pytest.mark.django_db]


@pytest.fixture
def shipping(store):
    return ShippingMethod.objects.create(store=store, name="Standard", code="standard", price=Decimal("5.00"))


@pytest.fixture
def variant(store):
    return ProductPageFactory(store=store, title="Canvas tote", price="20.00", stock=5).variants.get()


def test_a_guest_buys_over_the_api_only(client, store, shipping, variant, stripe_gateway):
    ok(send(client, "post", "/api/v1/cart/lines/", {"variant_id": variant.pk, "quantity": 2}))
    started = ok(client.get("/api/v1/checkout/"))
    assert (started["step"], started["order"], started["totals"]["subtotal"]["amount"]) == ("contact", None, "40.00")
    assert not Checkout.objects.exists()  # a GET never writes

    assert ok(send(client, "put", "/api/v1/checkout/contact/", {"email": "gus@example.com"}))["step"] == "address"
    at_address = ok(send(client, "put", "/api/v1/checkout/shipping-address/", ADDRESS))
    assert (at_address["step"], at_address["shipping_address"]["city"]) == ("shipping", "Shelbyville")
    rates = ok(client.get("/api/v1/checkout/shipping-rates/"))
    assert [(r["code"], r["price"]["amount"]) for r in rates["rates"]] == [("standard", "5.00")]
    chosen = ok(send(client, "put", "/api/v1/checkout/shipping-method/", {"shipping_method": "standard"}))
    assert (chosen["step"], chosen["shipping_method"]["code"]) == ("payment", "standard")
    assert chosen["totals"]["total"] == {"amount": "45.00", "currency": "USD"}

    assert card_confirmed(client, stripe_gateway) == "succeeded"
    paid = client.post("/api/v1/checkout/payment/pay/")

    assert paid.status_code == 200, paid.json()
    answer = paid.json()
    order = Order.objects.get()
    assert (answer["status"], answer["order"]["number"]) == ("paid", order.number)
    assert (order.email, order.total, order.payment_status) == ("gus@example.com", 45, "paid")
    assert Payment.objects.get().status == "succeeded"
    assert stock_of(variant) == (3, 0)
    status = ok(client.get("/api/v1/checkout/"))
    assert (status["step"], status["order"]["number"], status["order"]["payment_status"]) == (
        "complete",
        order.number,
        "paid",
    )
    assert client.get(status["order"]["url"]).status_code == 200  # the signed order page
    assert ok(client.get("/api/v1/cart/"))["lines"] == []
    # Paying again answers with the same order: no second order, no second charge.
    again = ok(client.post("/api/v1/checkout/payment/pay/"))
    assert (again["status"], again["order"]["number"]) == ("paid", order.number)
    assert (Order.objects.count(), Payment.objects.count()) == (1, 1)
    assert Client().get("/api/v1/checkout/").status_code == 400  # another session sees no order


def test_a_customer_s_order_is_in_their_orders(client, store, shipping, variant, stripe_gateway, django_user_model):
    ann = django_user_model.objects.create_user(email="ann@example.com", password="x" * 12)
    client.force_login(ann)
    ok(send(client, "post", "/api/v1/cart/lines/", {"variant_id": variant.pk, "quantity": 1}))
    assert ok(client.get("/api/v1/checkout/"))["email"] == "ann@example.com"  # as the contact page fills it in
    ok(send(client, "put", "/api/v1/checkout/shipping-address/", ADDRESS))
    ok(send(client, "put", "/api/v1/checkout/shipping-method/", {"shipping_method": "standard"}))
    assert card_confirmed(client, stripe_gateway) == "succeeded"

    number = ok(client.post("/api/v1/checkout/payment/pay/"))["order"]["number"]

    mine = ok(client.get("/api/v1/me/orders/"))["results"]
    assert [(o["number"], o["payment_status"], o["total"]) for o in mine] == [(number, "paid", "25.00")]


@pytest.mark.parametrize(
    ("body", "field"),
    [({}, "email"), ({"email": "not-an-email"}, "email"), ({"email": "x" * 250 + "@example.com"}, "email")],
)
def test_bad_contact_names_the_field_and_changes_nothing(client, store, shipping, variant, body, field):
    ready_to_pay(client, variant)
    response = send(client, "put", "/api/v1/checkout/contact/", body)
    assert response.status_code == 400 and response.json()["field"] == field
    assert Checkout.objects.get().email == "gus@example.com"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"country": "FR"}, "country"),  # not a country this store ships to
        ({"line1": ""}, "line1"),
        ({"region": ""}, "region"),  # a US address needs its state
        ({"postal_code": "ABCDE"}, "postal_code"),
        ({"full_name": None}, "full_name"),
    ],
)
def test_bad_addresses_name_the_field_and_change_nothing(client, store, shipping, variant, changes, field):
    ready_to_pay(client, variant)
    response = send(client, "put", "/api/v1/checkout/shipping-address/", {**ADDRESS, **changes})
    assert response.status_code == 400
    assert response.json()["field"] == field
    checkout = Checkout.objects.get()
    assert (checkout.shipping_address["city"], checkout.shipping_method_code) == ("Shelbyville", "standard")


def test_a_shipping_option_not_offered_is_refused(client, store, shipping, variant):
    ready_to_pay(client, variant)
    response = send(client, "put", "/api/v1/checkout/shipping-method/", {"shipping_method": "teleport"})
    assert response.status_code == 400 and response.json()["field"] == "shipping_method"
    assert Checkout.objects.get().shipping_method_code == "standard"


def test_steps_cannot_be_skipped(client, store, shipping, variant):
    ok(send(client, "post", "/api/v1/cart/lines/", {"variant_id": variant.pk}))
    early = send(client, "put", "/api/v1/checkout/shipping-address/", ADDRESS)
    assert early.status_code == 400 and (early.json()["error"], early.json()["field"]) == ("step_missing", "email")
    ok(send(client, "put", "/api/v1/checkout/contact/", {"email": "gus@example.com"}))
    rates = client.get("/api/v1/checkout/shipping-rates/")
    assert rates.status_code == 400 and rates.json()["field"] == "shipping_address"
    setup = client.post("/api/v1/checkout/payment/setup/")
    assert setup.status_code == 400 and setup.json()["field"] == "shipping_address"
    assert Checkout.objects.get().shipping_address == {}


def test_an_empty_cart_has_no_checkout(client, store):
    for response in (
        client.get("/api/v1/checkout/"),
        send(client, "put", "/api/v1/checkout/contact/", {"email": "gus@example.com"}),
        client.post("/api/v1/checkout/payment/pay/"),
    ):
        assert response.status_code == 400 and response.json()["field"] == "cart"
    assert not Checkout.objects.exists()


def test_paying_without_a_confirmed_card_holds_nothing(client, store, shipping, variant, stripe_gateway):
    ready_to_pay(client, variant)
    response = client.post("/api/v1/checkout/payment/pay/")
    assert response.status_code == 400 and response.json()["field"] == "payment_method"
    assert not Order.objects.exists()
    assert stock_of(variant) == (5, 0)


def test_a_declined_card_names_the_payment_method(client, store, shipping, variant, stripe_gateway):
    ready_to_pay(client, variant)
    assert card_confirmed(client, stripe_gateway, number="4000000000000002") == "declined"
    response = client.post("/api/v1/checkout/payment/pay/")
    assert response.status_code == 400 and response.json()["field"] == "payment_method"
    assert not Payment.objects.exists()
    confirm = client.post("/api/v1/checkout/payment/confirm/")
    assert confirm.status_code == 400 and confirm.json()["field"] == "payment_method"


def test_stock_sold_between_cart_and_payment_is_refused(client, store, shipping, variant, stripe_gateway):
    ready_to_pay(client, variant, quantity=2)
    assert card_confirmed(client, stripe_gateway) == "succeeded"
    place_order(store=store, variant=variant, quantity=4)  # someone else holds 4 of the 5 meanwhile

    response = client.post("/api/v1/checkout/payment/pay/")

    assert response.status_code == 400
    assert (response.json()["field"], response.json()["error"]) == ("cart", "invalid")
    assert Order.objects.count() == 1  # only the other shopper's
    assert not Payment.objects.exists()
    assert stock_of(variant) == (5, 4)
    status = ok(client.get("/api/v1/checkout/"))
    assert status["step"] == "payment" and status["problems"]


def test_three_d_secure_is_finished_by_stripe_js_then_confirmed(client, store, shipping, variant, stripe_gateway):
    ready_to_pay(client, variant, quantity=1)
    secret = ok(client.post("/api/v1/checkout/payment/setup/"))["client_secret"]
    setup_id = secret.split("_secret_")[0]
    assert browser_confirms_card(stripe_gateway, setup_id, number="4000002760003184") == "requires_action"
    assert stripe_client(stripe_gateway).v1.setup_intents.confirm(setup_id).status == "succeeded"  # authenticated

    started = ok(client.post("/api/v1/checkout/payment/pay/"))

    assert started["status"] == "requires_action" and started["client_secret"]
    assert Order.objects.get().payment_status != "paid"
    intent_id = started["client_secret"].split("_secret_")[0]
    # What Stripe.js's confirmCardPayment does once the shopper passes the bank's check.
    authenticate = urllib.request.Request(
        f"{stripe_gateway}/v1/payment_intents/{intent_id}/_authenticate",
        data=urllib.parse.urlencode(
            {"key": "pk_test_localstripe", "client_secret": started["client_secret"], "success": "true"}
        ).encode(),
        method="POST",
    )
    urllib.request.urlopen(authenticate, timeout=5).read()

    confirmed = ok(client.post("/api/v1/checkout/payment/confirm/"))

    assert (confirmed["status"], confirmed["order"]["payment_status"]) == ("paid", "paid")
    assert Order.objects.get().payment_status == "paid"
    assert ok(client.get("/api/v1/checkout/"))["step"] == "complete"


def test_gift_cards_covering_everything_need_no_card(client, store, shipping, variant, stripe_gateway):
    from commerce.core.money import Money
    from commerce.promotions.gift_cards import gift_card_issue

    card = gift_card_issue(store=store, value=Money(Decimal("100.00"), "USD"))
    ready_to_pay(client, variant, quantity=1)
    ok(send(client, "post", "/api/v1/cart/gift-cards/", {"code": card.code}))

    setup = ok(client.post("/api/v1/checkout/payment/setup/"))
    assert (setup["card_needed"], setup["client_secret"], setup["amount_due"]["amount"]) == (False, None, "0.00")
    paid = ok(client.post("/api/v1/checkout/payment/pay/"))

    assert paid["status"] == "paid"
    assert Order.objects.get().payment_status == "paid" and not Payment.objects.exists()


def test_checkout_writes_need_the_csrf_token(store, shipping, variant):
    browser = Client(enforce_csrf_checks=True)
    browser.get("/api/v1/cart/")
    token = browser.cookies["csrftoken"].value
    browser.post(
        "/api/v1/cart/lines/", {"variant_id": variant.pk}, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    refused = send(browser, "put", "/api/v1/checkout/contact/", {"email": "gus@example.com"})
    assert refused.status_code == 403 and "CSRF" in refused.json()["message"]
    assert not Checkout.objects.exists()


def test_api_tokens_cannot_check_out(client, store, shipping, variant, member, issue_token):
    from commerce.accounts.roles import MANAGER

    _, secret = issue_token(member(MANAGER), scopes=["orders:read", "orders:write"])
    response = send(client, "put", "/api/v1/checkout/contact/", {"email": "gus@example.com"}, **bearer(secret))
    assert response.status_code == 403 and response.json()["error"] == "token_not_allowed"
    assert not Checkout.objects.exists()
