"""Codes and gift cards through the cart's forms: every failure gets a clear message."""

from decimal import Decimal

import pytest

from commerce.cart.models import Cart
from commerce.core.money import Money
from commerce.promotions.gift_cards import gift_card_issue
from commerce.promotions.models import Discount, DiscountCode
from tests.factories import ProductPageFactory

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def in_cart(client, store):
    variant = ProductPageFactory(store=store, price="20.00", stock=5).variants.get()
    client.post("/cart/add/", {"variant_id": variant.pk, "quantity": 1}, **JSON)
    return variant


def code(store, text, **fields):
    defaults = {"kind": "code", "value_type": "percentage", "value": Decimal("10"), "is_active": True}
    discount = Discount.objects.create(store=store, name=f"{text} offer", **{**defaults, **fields})
    return DiscountCode.objects.create(discount=discount, store=store, code=text)


def test_an_unknown_code_is_a_400_naming_the_field(client, store, in_cart):
    response = client.post("/cart/discount/", {"code": "NOSUCH"}, **JSON)

    assert response.status_code == 400
    assert response.json()["field"] == "discount_code"
    assert "NOSUCH" in response.json()["message"]
    assert Cart.objects.get().discount_codes == []


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"min_subtotal": Decimal("50")}, "50.00"),
        ({"requires_login": True}, "sign"),
    ],
)
def test_a_code_that_cannot_apply_says_why_on_the_cart(client, store, in_cart, fields, expected):
    code(store, "TRYME", **fields)

    client.post("/cart/discount/", {"code": "tryme"})
    page = client.get("/cart/")

    problems = page.context["pricing"].problems
    assert len(problems) == 1 and expected in problems[0].message.lower()
    assert problems[0].message in page.content.decode()
    assert page.context["totals"].discount_total.amount == 0


def test_a_good_code_and_a_gift_card_show_on_the_cart(client, store, in_cart):
    code(store, "TEN")
    card = gift_card_issue(store=store, value=Money(Decimal("5.00"), "USD"))

    client.post("/cart/discount/", {"code": " ten "})
    client.post("/cart/gift-card/", {"code": card.code.lower()})
    page = client.get("/cart/")

    totals = page.context["totals"]
    assert (totals.discount_total.amount, totals.total.amount, totals.amount_due.amount) == (
        Decimal("2.00"),
        Decimal("18.00"),
        Decimal("13.00"),
    )
    html = page.content.decode()
    assert card.masked_code in html and card.code not in html


def test_gift_card_guessing_in_the_cart_is_rate_limited(client, store, in_cart):
    for attempt in range(10):
        assert client.post("/cart/gift-card/", {"code": f"WRONGCODE{attempt:07d}"}, **JSON).status_code == 404

    response = client.post("/cart/gift-card/", {"code": "WRONGCODE9999999"}, **JSON)

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
