"""What discounts take: percentages, fixed amounts, free shipping; stacking, priority, currency."""

from __future__ import annotations

from decimal import Decimal

import pytest

from commerce.cart.pricing import PricingLine, price
from commerce.core.money import CurrencyMismatch, Money
from commerce.promotions.discounts import DiscountResult
from commerce.promotions.models import Discount
from tests.factories import StoreFactory
from tests.promotions.conftest import line_for, make_discount, money

pytestmark = pytest.mark.django_db

PERCENTAGE, FIXED, FREE_SHIPPING = Discount.ValueType


def amounts(result: DiscountResult) -> list[dict]:
    return [dict(a.application.line_amounts) for a in result.applied]


def all_money(result: DiscountResult) -> list[Money]:
    found = []
    for applied in result.applied:
        found += list(applied.application.line_amounts.values())
        if applied.application.shipping_amount is not None:
            found.append(applied.application.shipping_amount)
    return found


def test_a_percentage_is_rounded_per_line(store, discount_product, discount_evaluate):
    make_discount(store, value=Decimal("15"))
    a, b = discount_product("9.99"), discount_product("3.33")

    result = discount_evaluate([line_for(a, 3), line_for(b)])

    # 29.97 × 15% = 4.4955 → 4.50; 3.33 × 15% = 0.4995 → 0.50
    assert amounts(result) == [{a.variants.get().pk: money("4.50"), b.variants.get().pk: money("0.50")}]


def test_a_fixed_amount_is_shared_in_proportion_and_the_last_line_takes_the_remainder(
    store, discount_product, discount_evaluate
):
    make_discount(store, value_type=FIXED, value=Decimal("10.00"))
    a, b, c = discount_product("10.00"), discount_product("10.00"), discount_product("10.00")

    result = discount_evaluate([line_for(a), line_for(b), line_for(c)])

    shares = amounts(result)[0]
    assert list(shares.values()) == [money("3.33"), money("3.33"), money("3.34")]
    assert sum(shares.values(), money("0")) == money("10.00")


def test_a_fixed_amount_never_takes_more_than_the_eligible_lines_hold(store, discount_product, discount_evaluate):
    make_discount(store, value_type=FIXED, value=Decimal("100.00"))
    a, b = discount_product("12.00"), discount_product("7.50")

    result = discount_evaluate([line_for(a), line_for(b, 2)])

    assert amounts(result) == [{a.variants.get().pk: money("12.00"), b.variants.get().pk: money("15.00")}]


def test_free_shipping_takes_the_shipping_and_shows_zero_before_it_is_chosen(
    store, discount_product, discount_evaluate
):
    make_discount(store, codes=("SHIPFREE",), value_type=FREE_SHIPPING, value=Decimal("0"))
    lines = [line_for(discount_product())]

    before = discount_evaluate(lines, codes=("SHIPFREE",))
    after = discount_evaluate(lines, codes=("SHIPFREE",), shipping=money("5.00"))

    assert before.applied[0].application.shipping_amount == money("0.00")
    assert before.applied[0].application.line_amounts == {}
    assert after.applied[0].application.shipping_amount == money("5.00")
    totals = price(
        [PricingLine(line.key, line.unit_price, line.quantity) for line in lines],
        currency="USD",
        shipping=money("5.00"),
        discounts=[a.application for a in after.applied],
    )
    assert (totals.shipping_discount, totals.total) == (money("5.00"), money("20.00"))


def test_an_exclusive_discount_blocks_later_ones_and_a_code_is_told_which(store, discount_product, discount_evaluate):
    make_discount(store, name="Summer sale", priority=10)
    make_discount(store, name="Spring code", codes=("SPRING10",), combinable=True)

    result = discount_evaluate([line_for(discount_product())], codes=("SPRING10",))

    assert [a.discount.name for a in result.applied] == ["Summer sale"]
    assert [(p.reason, p.message) for p in result.problems] == [
        ("not_combinable", "SPRING10 cannot be combined with Summer sale.")
    ]


def test_an_exclusive_code_is_refused_next_to_a_stackable_discount(store, discount_product, discount_evaluate):
    make_discount(store, name="Summer sale", priority=10, combinable=True)
    make_discount(store, name="Spring code", codes=("SPRING10",))

    result = discount_evaluate([line_for(discount_product())], codes=("SPRING10",))

    assert [a.discount.name for a in result.applied] == ["Summer sale"]
    assert result.problems[0].message == "SPRING10 cannot be combined with Summer sale."


def test_priority_decides_which_exclusive_discount_wins(store, discount_product, discount_evaluate):
    make_discount(store, name="Summer sale", priority=100)
    make_discount(store, name="VIP code", codes=("VIP",), priority=1, value=Decimal("30"))

    result = discount_evaluate([line_for(discount_product())], codes=("VIP",))

    assert [a.discount.name for a in result.applied] == ["VIP code"]
    assert result.problems == ()  # the automatic one is skipped silently


def test_equal_priorities_apply_in_creation_order(store, discount_product, discount_evaluate):
    first = make_discount(store, name="First", combinable=True)
    second = make_discount(store, name="Second", combinable=True)

    result = discount_evaluate([line_for(discount_product())])

    assert [a.discount.pk for a in result.applied] == [first.pk, second.pk]


def test_stackable_percentages_apply_to_what_the_earlier_ones_left(store, discount_product, discount_evaluate):
    make_discount(store, name="Ten", priority=1, combinable=True, value=Decimal("10"))
    make_discount(store, name="Twenty", priority=2, combinable=True, codes=("TWENTY",), value=Decimal("20"))
    product = discount_product("100.00")

    result = discount_evaluate([line_for(product)], codes=("TWENTY",))

    key = product.variants.get().pk
    assert amounts(result) == [{key: money("10.00")}, {key: money("18.00")}]


def test_nothing_goes_below_zero(store, discount_product, discount_evaluate):
    make_discount(store, name="Fixed", priority=1, combinable=True, value_type=FIXED, value=Decimal("25.00"))
    make_discount(store, name="Half", priority=2, combinable=True, value=Decimal("50"))
    make_discount(
        store, name="More", priority=3, combinable=True, codes=("MORE",), value_type=FIXED, value=Decimal("5")
    )
    product = discount_product("20.00")

    result = discount_evaluate([line_for(product)], codes=("MORE",))

    assert amounts(result) == [{product.variants.get().pk: money("20.00")}]
    assert [(p.code, p.reason) for p in result.problems] == [("MORE", "not_applicable")]


def test_every_amount_is_in_the_stores_currency(db, discount_evaluate):
    yen_store = StoreFactory(name="Tokyo", currency="JPY")
    from tests.factories import ProductPageFactory

    product = ProductPageFactory(store=yen_store, price="1999.00")
    make_discount(yen_store, name="Pct", priority=1, combinable=True, value=Decimal("15"))
    make_discount(yen_store, name="Fix", priority=2, combinable=True, value_type=FIXED, value=Decimal("500"))
    make_discount(yen_store, name="Ship", priority=3, combinable=True, value_type=FREE_SHIPPING)

    result = discount_evaluate(
        [line_for(product, 3, currency="JPY")], shipping=Money(Decimal("800"), "JPY"), in_store=yen_store
    )

    assert len(result.applied) == 3
    assert {m.currency for m in all_money(result)} == {"JPY"}
    assert all(m.amount == m.amount.to_integral_value() for m in all_money(result))


def test_a_line_in_another_currency_is_refused(store, discount_product, discount_evaluate):
    make_discount(store)

    with pytest.raises(CurrencyMismatch):
        discount_evaluate([line_for(discount_product(), currency="EUR")])
