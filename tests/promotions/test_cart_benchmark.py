"""The cart page with a discount and a gift card applied: queries do not grow with lines."""

from decimal import Decimal

import pytest

from commerce.core.money import Money
from commerce.promotions.gift_cards import gift_card_issue
from commerce.promotions.models import Discount, DiscountCode
from tests.factories import CategoryFactory, ProductPageFactory

pytestmark = [pytest.mark.benchmark, pytest.mark.django_db]

CART_WITH_OFFERS_QUERIES = 13


@pytest.mark.parametrize("lines", [1, 10])
def test_cart_page_with_a_discount_and_a_gift_card(client, store, lines, django_assert_num_queries):
    category = CategoryFactory()
    discount = Discount.objects.create(
        store=store,
        name="Ten off",
        kind="code",
        value_type="percentage",
        value=Decimal("10"),
        is_active=True,
        target="products",
    )
    discount.categories.add(category)
    DiscountCode.objects.create(discount=discount, store=store, code="TEN")
    Discount.objects.create(
        store=store,
        name="Auto",
        kind="automatic",
        value_type="fixed",
        value=Decimal("1"),
        is_active=True,
        combinable=True,
        priority=1,
    )
    card = gift_card_issue(store=store, value=Money(Decimal("500"), "USD"))
    for i in range(lines):
        product = ProductPageFactory(store=store, title=f"Item {i}", images=1)
        product.categories.add(category)
        product.save()
        client.post(
            "/cart/add/", {"variant_id": product.variants.get().pk, "quantity": 1}, HTTP_ACCEPT="application/json"
        )
    client.post("/cart/discount/", {"code": "TEN"})
    client.post("/cart/gift-card/", {"code": card.code})
    client.get("/cart/")  # warm-up: renditions

    with django_assert_num_queries(CART_WITH_OFFERS_QUERIES):
        response = client.get("/cart/")

    pricing = response.context["pricing"]
    assert len(response.context["lines"]) == lines
    assert pricing.totals.discount_total.amount > 0
    assert pricing.gift_cards == (card,)
