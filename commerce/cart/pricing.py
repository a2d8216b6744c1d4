"""The pricing pipeline: pure functions from lines and rules to totals. No database.

Order of application (documented in the README):
1. line subtotals: unit price × quantity, from the variant's current price (never the client's);
2. discounts: each ``DiscountApplication`` takes amounts from named lines and/or from shipping
   (the promotions app computes them; this module only applies them, capped so no line goes
   below zero);
3. shipping: the chosen rate, less any shipping discount;
4. tax: the store's rate on discounted lines and shipping — added on top when prices exclude tax,
   extracted from the amounts when they include it;
5. gift cards: tender against the grand total, in the given order, never more than is due.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from commerce.core.money import Money
from commerce.promotions.types import DiscountApplication, GiftCardTender

__all__ = ["DiscountApplication", "GiftCardTender", "PricingLine", "Totals", "price"]


@dataclass(frozen=True)
class PricingLine:
    key: Hashable
    unit_price: Money
    quantity: int

    @property
    def subtotal(self) -> Money:
        return self.unit_price * self.quantity


@dataclass(frozen=True)
class PricedLine:
    key: Hashable
    unit_price: Money
    quantity: int
    subtotal: Money
    discount: Money
    tax: Money
    total: Money


@dataclass(frozen=True)
class AppliedDiscount:
    label: str
    code: str
    amount: Money
    line_amounts: dict[Hashable, Money]
    shipping_amount: Money


@dataclass(frozen=True)
class AppliedGiftCard:
    label: str
    amount: Money
    key: Hashable = None


@dataclass(frozen=True)
class Totals:
    currency: str
    lines: tuple[PricedLine, ...]
    subtotal: Money
    discount_total: Money
    shipping: Money
    shipping_discount: Money
    tax_total: Money
    total: Money
    gift_card_total: Money
    amount_due: Money
    discounts: tuple[AppliedDiscount, ...]
    gift_cards: tuple[AppliedGiftCard, ...]
    prices_include_tax: bool

    @property
    def item_count(self) -> int:
        return sum(line.quantity for line in self.lines)


def _tax(amount: Money, rate: Decimal, *, inclusive: bool) -> Money:
    if not rate or not amount:
        return Money.zero(amount.currency)
    if inclusive:
        return Money(amount.amount * rate / (Decimal(100) + rate), amount.currency)
    return Money(amount.amount * rate / Decimal(100), amount.currency)


def price(
    lines: Sequence[PricingLine],
    *,
    currency: str,
    tax_rate: Decimal = Decimal(0),
    prices_include_tax: bool = False,
    shipping: Money | None = None,
    discounts: Sequence[DiscountApplication] = (),
    gift_cards: Sequence[GiftCardTender] = (),
) -> Totals:
    zero = Money.zero(currency)
    shipping = shipping or zero

    # 2. discounts, capped so that no line and no shipping goes below zero.
    remaining = {line.key: line.subtotal for line in lines}
    shipping_left = shipping
    applied: list[AppliedDiscount] = []
    for discount in discounts:
        taken: dict[Hashable, Money] = {}
        for key, amount in discount.line_amounts.items():
            if key not in remaining or amount.amount <= 0:
                continue
            portion = min(amount, remaining[key])
            if portion:
                remaining[key] -= portion
                taken[key] = portion
        shipping_taken = zero
        if discount.shipping_amount is not None and discount.shipping_amount.amount > 0:
            shipping_taken = min(discount.shipping_amount, shipping_left)
            shipping_left -= shipping_taken
        total_taken = sum(taken.values(), zero) + shipping_taken
        if total_taken:
            applied.append(AppliedDiscount(discount.label, discount.code, total_taken, taken, shipping_taken))

    # 4. tax per line after discounts, and on shipping.
    inclusive = prices_include_tax
    priced = []
    for line in lines:
        net = remaining[line.key]
        tax = _tax(net, tax_rate, inclusive=inclusive)
        priced.append(
            PricedLine(
                key=line.key,
                unit_price=line.unit_price,
                quantity=line.quantity,
                subtotal=line.subtotal,
                discount=line.subtotal - net,
                tax=tax,
                total=net if inclusive else net + tax,
            )
        )
    shipping_tax = _tax(shipping_left, tax_rate, inclusive=inclusive)
    tax_total = sum((line.tax for line in priced), zero) + shipping_tax

    subtotal = sum((line.subtotal for line in lines), zero)
    line_discount = sum((line.discount for line in priced), zero)
    shipping_discount = shipping - shipping_left
    goods_and_shipping = subtotal - line_discount + shipping_left
    total = goods_and_shipping if inclusive else goods_and_shipping + tax_total

    # 5. gift cards as tender.
    due = total
    tendered: list[AppliedGiftCard] = []
    for card in gift_cards:
        if not due or card.available.amount <= 0:
            continue
        amount = min(card.available, due)
        due -= amount
        tendered.append(AppliedGiftCard(card.label, amount, card.key))

    return Totals(
        currency=currency,
        lines=tuple(priced),
        subtotal=subtotal,
        discount_total=line_discount + shipping_discount,
        shipping=shipping,
        shipping_discount=shipping_discount,
        tax_total=tax_total,
        total=total,
        gift_card_total=total - due,
        amount_due=due,
        discounts=tuple(applied),
        gift_cards=tuple(tendered),
        prices_include_tax=inclusive,
    )
