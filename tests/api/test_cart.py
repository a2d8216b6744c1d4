"""The cart through the API: the cart's own services, errors naming the field, nothing half-written."""

from decimal import Decimal

import pytest
from django.test import Client

from commerce.cart.models import Cart, CartLine
from commerce.core.money import Money
from commerce.promotions.gift_cards import gift_card_issue
from commerce.promotions.models import Discount, DiscountCode
from tests.factories import ProductPageFactory

pytestmark = [pytest.mark.api, pytest.mark.django_db]


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


@pytest.fixture
def variant(store):
    return ProductPageFactory(store=store, title="Scarf", price="20.00", stock=5).variants.get()


def test_an_empty_cart(client, store):
    body = client.get("/api/v1/cart/").json()
    assert body["lines"] == [] and body["totals"] is None


def test_add_update_and_remove_a_line(client, store, variant):
    added = post(client, "/api/v1/cart/lines/", {"variant_id": variant.pk, "quantity": 2})
    assert added.status_code == 201
    (line,) = added.json()["lines"]
    assert (line["sku"], line["quantity"], line["unit_price"]["amount"]) == (variant.sku, 2, "20.00")
    assert added.json()["totals"]["subtotal"] == {"amount": "40.00", "currency": "USD"}

    updated = client.patch(f"/api/v1/cart/lines/{line['id']}/", {"quantity": 3}, content_type="application/json")
    assert updated.json()["lines"][0]["quantity"] == 3
    assert client.get("/api/v1/cart/").json()["totals"]["total"]["amount"] == "60.00"

    removed = client.delete(f"/api/v1/cart/lines/{line['id']}/")
    assert removed.status_code == 200 and removed.json()["lines"] == []


def test_adding_more_than_in_stock_adds_what_is_left(client, store, variant):
    body = post(client, "/api/v1/cart/lines/", {"variant_id": variant.pk, "quantity": 9}).json()
    assert body["lines"][0]["quantity"] == 5


@pytest.mark.parametrize(
    ("body", "field", "status"),
    [
        ({"quantity": 1}, "variant_id", 400),
        ({"variant_id": "x"}, "variant_id", 400),
        ({"variant_id": 999999}, "variant_id", 400),
        ({"variant_id": 1, "quantity": 0}, "quantity", 400),
        ({"variant_id": 1, "quantity": 10_000}, "quantity", 400),
    ],
)
def test_bad_lines_are_refused_and_change_nothing(client, store, variant, body, field, status):
    response = post(client, "/api/v1/cart/lines/", body)
    assert response.status_code == status
    assert response.json()["field"] == field
    assert not CartLine.objects.exists()


def test_setting_more_than_in_stock_is_refused(client, store, variant):
    line = post(client, "/api/v1/cart/lines/", {"variant_id": variant.pk}).json()["lines"][0]
    response = client.patch(f"/api/v1/cart/lines/{line['id']}/", {"quantity": 6}, content_type="application/json")
    assert response.status_code == 400 and response.json()["field"] == "quantity"
    assert CartLine.objects.get().quantity == 1


def test_another_visitor_s_line_is_404(client, store, variant):
    line = post(client, "/api/v1/cart/lines/", {"variant_id": variant.pk}).json()["lines"][0]
    stranger = Client()
    response = stranger.patch(f"/api/v1/cart/lines/{line['id']}/", {"quantity": 2}, content_type="application/json")
    assert response.status_code == 404 and response.json()["error"] == "not_found"
    assert CartLine.objects.get().quantity == 1


def test_discount_code_and_gift_card(client, store, variant):
    discount = Discount.objects.create(
        store=store, name="Ten", kind="code", value_type="percentage", value=Decimal("10"), is_active=True
    )
    DiscountCode.objects.create(discount=discount, store=store, code="TEN")
    card = gift_card_issue(store=store, value=Money(Decimal("5.00"), "USD"))
    post(client, "/api/v1/cart/lines/", {"variant_id": variant.pk})

    assert post(client, "/api/v1/cart/discount-codes/", {"code": " ten "}).json()["discount_codes"] == ["TEN"]
    body = post(client, "/api/v1/cart/gift-cards/", {"code": card.code.lower()}).json()
    totals = body["totals"]
    assert (totals["discount_total"]["amount"], totals["total"]["amount"], totals["amount_due"]["amount"]) == (
        "2.00",
        "18.00",
        "13.00",
    )
    assert body["gift_cards"] == [
        {"id": card.pk, "masked_code": card.masked_code, "amount": {"amount": "5.00", "currency": "USD"}}
    ]
    assert card.code not in str(body)

    assert client.delete("/api/v1/cart/discount-codes/TEN/").json()["discount_codes"] == []
    assert client.delete(f"/api/v1/cart/gift-cards/{card.pk}/").json()["gift_cards"] == []


def test_unknown_codes_name_the_field(client, store, variant):
    post(client, "/api/v1/cart/lines/", {"variant_id": variant.pk})
    unknown = post(client, "/api/v1/cart/discount-codes/", {"code": "NOSUCH"})
    assert unknown.status_code == 400 and unknown.json()["field"] == "discount_code"
    card = post(client, "/api/v1/cart/gift-cards/", {"code": "WRONGCODE0000000"})
    assert card.status_code == 400 and card.json()["field"] == "code"
    assert Cart.objects.get().discount_codes == []


def test_gift_card_guessing_is_rate_limited_with_the_storefront(client, store, variant):
    for attempt in range(10):
        assert post(client, "/api/v1/cart/gift-cards/", {"code": f"WRONGCODE{attempt:07d}"}).status_code == 400
    refused = post(client, "/api/v1/cart/gift-cards/", {"code": "WRONGCODE9999999"})
    assert refused.status_code == 429 and refused.json()["error"] == "throttled"


def test_session_writes_need_the_csrf_token(store, variant):
    browser = Client(enforce_csrf_checks=True)
    browser.session.save()  # a visitor with a session cookie (their cart lives there)
    browser.get("/api/v1/cart/")  # sets the csrftoken cookie
    refused = post(browser, "/api/v1/cart/lines/", {"variant_id": variant.pk})
    assert refused.status_code == 403 and "CSRF" in refused.json()["message"]
    assert not CartLine.objects.exists()
    token = browser.cookies["csrftoken"].value
    ok = browser.post(
        "/api/v1/cart/lines/", {"variant_id": variant.pk}, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert ok.status_code == 201 and CartLine.objects.count() == 1
