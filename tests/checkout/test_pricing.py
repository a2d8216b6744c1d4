from decimal import Decimal

from commerce.cart.pricing import DiscountApplication, GiftCardTender, PricingLine, price
from commerce.core.money import Money


def usd(value: str) -> Money:
    return Money(Decimal(value), "USD")


LINES = [PricingLine("a", usd("10.00"), 2), PricingLine("b", usd("5.00"), 1)]


def test_exclusive_tax_is_added_on_discounted_lines_and_shipping():
    totals = price(
        LINES,
        currency="USD",
        tax_rate=Decimal("10"),
        shipping=usd("4.00"),
        discounts=[DiscountApplication("Spring", {"a": usd("5.00")})],
    )

    assert totals.subtotal == usd("25.00")
    assert totals.discount_total == usd("5.00")
    assert totals.tax_total == usd("2.40")  # 10% of (15 + 5) lines and 4 shipping
    assert totals.total == usd("26.40")
    assert totals.amount_due == usd("26.40")


def test_inclusive_tax_is_extracted_not_added():
    totals = price(LINES, currency="USD", tax_rate=Decimal("20"), prices_include_tax=True)

    assert totals.total == usd("25.00")
    assert totals.tax_total == usd("4.16")  # 3.33 + 0.83: rounded per line, as on the order lines


def test_discounts_never_take_a_line_below_zero():
    totals = price(LINES, currency="USD", discounts=[DiscountApplication("Too much", {"b": usd("50.00")})])

    assert totals.discount_total == usd("5.00")
    assert totals.total == usd("20.00")


def test_gift_cards_are_tender_and_never_exceed_what_is_due():
    totals = price(
        LINES,
        currency="USD",
        shipping=usd("5.00"),
        gift_cards=[GiftCardTender("•••• 1111", usd("20.00")), GiftCardTender("•••• 2222", usd("50.00"))],
    )

    assert totals.total == usd("30.00")
    assert [card.amount for card in totals.gift_cards] == [usd("20.00"), usd("10.00")]
    assert totals.amount_due == usd("0.00")


def test_free_shipping_discount_takes_only_shipping():
    totals = price(
        LINES, currency="USD", shipping=usd("6.00"), discounts=[DiscountApplication("Free", shipping_amount=usd("9"))]
    )

    assert totals.shipping_discount == usd("6.00")
    assert totals.total == usd("25.00")
