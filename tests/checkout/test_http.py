"""The shopper's HTTP surface: cart actions and the checkout steps, bad input included."""

import json
from decimal import Decimal

import pytest

from commerce.cart.models import Cart, CartLine
from commerce.orders.models import Order
from tests.checkout.conftest import ADDRESS_FORM
from tests.factories import ProductPageFactory

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


def add(client, variant_id, quantity=1, **extra):
    return client.post("/cart/add/", {"variant_id": variant_id, "quantity": quantity, **extra}, **JSON)


def test_adding_to_the_cart_from_the_product_form_redirects_back_with_a_message(client, variant, product):
    response = client.post("/cart/add/", {"variant_id": variant.pk, "quantity": 2, "next": product.url})

    assert response.status_code == 302
    assert response["Location"] == product.url
    assert CartLine.objects.get().quantity == 2
    page = client.get("/cart/")
    assert "Canvas tote" in page.content.decode()
    assert page.context["totals"].subtotal.amount == Decimal("40.00")


def test_a_posted_price_or_total_is_ignored(client, variant):
    add(client, variant.pk, 1, price="0.01", unit_price="0.01", total="0.01")

    totals = client.get("/cart/").context["totals"]
    assert totals.total.amount == Decimal("20.00")


@pytest.mark.parametrize("quantity", ["-1", "0", "1000000", "abc", "1.5"])
def test_bad_quantities_get_a_400_naming_the_field_and_write_nothing(client, variant, quantity):
    response = add(client, variant.pk, quantity)

    assert response.status_code == 400
    assert response.json()["field"] == "quantity"
    assert not CartLine.objects.exists()


def test_unknown_variant_is_a_404_naming_the_field(client, store):
    response = add(client, 987654)

    assert response.status_code == 404
    assert response.json()["field"] == "variant_id"


def test_sold_out_variant_is_refused_clearly(client, store):
    sold_out = ProductPageFactory(store=store, title="Gone", stock=0).variants.get()

    response = add(client, sold_out.pk)

    assert response.status_code == 400
    assert response.json() == {"error": "out_of_stock", "field": "quantity", "message": "Gone is sold out."}


def test_html_form_errors_come_back_as_a_message(client, variant):
    response = client.post("/cart/add/", {"variant_id": variant.pk, "quantity": "-3"}, follow=True)

    assert response.status_code == 200
    assert "at least 1" in response.content.decode()


def test_next_may_not_point_off_site(client, variant):
    response = client.post("/cart/add/", {"variant_id": variant.pk, "quantity": 1, "next": "https://evil.example/"})

    assert response["Location"] == "/cart/"


def test_update_and_remove_lines(client, variant):
    add(client, variant.pk, 1)
    line = CartLine.objects.get()

    assert client.post(f"/cart/lines/{line.pk}/", {"quantity": 3}, **JSON).json()["cart_count"] == 3
    assert client.post(f"/cart/lines/{line.pk}/remove/", **JSON).status_code == 200
    assert not CartLine.objects.exists()


def test_someone_elses_line_is_a_404(client, variant, store):
    other = Cart.objects.create(store=store)
    line = CartLine.objects.create(cart=other, variant=variant, quantity=1)
    add(client, variant.pk, 1)

    response = client.post(f"/cart/lines/{line.pk}/", {"quantity": 5}, **JSON)

    assert response.status_code == 404
    assert CartLine.objects.get(pk=line.pk).quantity == 1


def test_checkout_steps_cannot_be_skipped(client, variant, shipping):
    add(client, variant.pk, 1)

    assert client.get("/checkout/review/")["Location"] == "/checkout/contact/"
    client.post("/checkout/contact/", {"email": "ada@example.com"})
    assert client.get("/checkout/payment/")["Location"] == "/checkout/address/"


def test_checkout_with_an_empty_cart_goes_back_to_the_cart(client, store):
    assert client.get("/checkout/contact/")["Location"] == "/cart/"


def test_address_in_a_country_the_store_does_not_ship_to_is_a_form_error(client, variant, shipping):
    add(client, variant.pk, 1)
    client.post("/checkout/contact/", {"email": "ada@example.com"})

    response = client.post(
        "/checkout/address/",
        {"full_name": "Ada", "line1": "1 Rue", "city": "Paris", "postal_code": "75001", "country": "FR"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["country"]


def test_bad_email_is_a_form_error(client, variant):
    add(client, variant.pk, 1)

    response = client.post("/checkout/contact/", {"email": "not-an-email"})

    assert response.status_code == 200
    assert "email" in response.context["form"].errors


def test_paying_an_incomplete_checkout_is_a_400_and_writes_nothing(client, variant):
    add(client, variant.pk, 1)

    response = client.post("/checkout/payment/", **JSON)

    assert response.status_code in (302, 400)
    assert not Order.objects.exists()


def test_guest_order_link_must_be_signed(client, store):
    assert client.get("/orders/view/forged-token/").status_code == 404


def test_webhook_rejects_get(client, store):
    assert client.get("/payments/stripe/webhook/").status_code == 405


def test_the_payment_step_hands_stripe_js_a_client_secret(client, variant, shipping, stripe_gateway):
    add(client, variant.pk, 1)
    client.post("/checkout/contact/", {"email": "ada@example.com"})
    client.post(
        "/checkout/address/",
        ADDRESS_FORM,
    )
    client.post("/checkout/shipping/", {"shipping_method": "standard"})

    response = client.get("/checkout/payment/")

    config = response.context["stripe_config"]
    assert response.status_code == 200
    assert config["clientSecret"].startswith("seti_")
    assert f"{stripe_gateway}/js.stripe.com/v3/" in response.content.decode()
    assert json.loads(response.content.decode().split('id="stripe-config" type="application/json">')[1].split("<")[0])
