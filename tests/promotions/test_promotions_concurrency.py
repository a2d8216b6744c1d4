"""Nothing is redeemed twice or below zero, whatever runs at once."""

from decimal import Decimal

import pytest

from commerce.checkout.services import checkout_place_order
from commerce.core.exceptions import CommerceError
from commerce.core.money import Money
from commerce.orders.models import Order
from commerce.promotions.gift_cards import gift_card_issue
from commerce.promotions.models import Discount, DiscountCode
from commerce.shipping.models import ShippingMethod
from tests.promotions.test_checkout_promotions import checkout_with
from tests.threads import run_together

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shipping(store):
    return ShippingMethod.objects.create(store=store, name="Standard", code="standard", price=Decimal("5.00"))


def test_two_checkouts_spending_one_gift_card_never_take_it_below_zero(store, shipping):
    card = gift_card_issue(store=store, value=Money(Decimal("30.00"), "USD"))
    first = checkout_with(store, price="10.00", quantity=2, cards=[card], email="a@example.com")  # 25.00 due
    second = checkout_with(store, price="10.00", quantity=2, cards=[card], email="b@example.com")

    results = run_together(
        [lambda: checkout_place_order(checkout=first), lambda: checkout_place_order(checkout=second)]
    )

    card.refresh_from_db()
    placed = [r for r in results if isinstance(r, Order)]
    refused = [r for r in results if isinstance(r, CommerceError)]
    assert (len(placed), len(refused)) == (1, 1), results
    assert card.balance == Decimal("5.00")
    assert sum(t.amount for t in card.transactions.all()) == card.balance
    assert Order.objects.count() == 1


def test_a_single_use_code_redeemed_by_two_checkouts_at_once_succeeds_once(store, shipping):
    discount = Discount.objects.create(
        store=store, name="One-off", kind="code", value_type="fixed", value=Decimal("5"), is_active=True
    )
    code = DiscountCode.objects.create(discount=discount, store=store, code="ONLYONCE", usage_limit=1)
    first = checkout_with(store, codes=["ONLYONCE"], email="a@example.com")
    second = checkout_with(store, codes=["ONLYONCE"], email="b@example.com")

    results = run_together(
        [lambda: checkout_place_order(checkout=first), lambda: checkout_place_order(checkout=second)]
    )

    code.refresh_from_db()
    assert sorted(type(r).__name__ for r in results) == ["CommerceError", "Order"], results
    assert code.times_used == 1
    assert Order.objects.count() == 1
