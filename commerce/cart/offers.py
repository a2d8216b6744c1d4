"""Discounts and gift cards on a cart: what promotions say applies, priced by the pipeline.

The cart page and the checkout read prices only through ``cart_pricing``, so what the shopper
sees is what the order is placed with."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from commerce.core.money import Money
from commerce.promotions.discounts import (
    CodeProblem,
    DiscountContext,
    DiscountLine,
    EligibleDiscount,
    discounts_evaluate,
)
from commerce.promotions.gift_cards import gift_card_usable
from commerce.promotions.models import GiftCard
from commerce.promotions.types import GiftCardTender

from .models import Cart
from .pricing import PricingLine, Totals, price
from .selectors import CartLineView


@dataclass(frozen=True)
class CartPricing:
    totals: Totals
    discounts: tuple[EligibleDiscount, ...]
    problems: tuple[CodeProblem, ...]
    gift_cards: tuple[GiftCard, ...]

    def gift_card_amount(self, gift_card: GiftCard) -> Money | None:
        for applied in self.totals.gift_cards:
            if applied.key == gift_card.pk:
                return applied.amount
        return None


def cart_pricing(
    *,
    cart: Cart,
    lines: Sequence[CartLineView],
    shipping: Money | None = None,
    customer=None,
    email: str = "",
    now: datetime | None = None,
    replaces_order_id: int | None = None,
) -> CartPricing:
    """Prices with discounts and gift cards. ``replaces_order_id``: the checkout's own unpaid order,
    whose discount uses do not count against this cart (placing again abandons that order)."""
    store = cart.store
    now = now or timezone.now()
    customer = customer if getattr(customer, "is_authenticated", False) else None
    result = discounts_evaluate(
        DiscountContext(
            store=store,
            lines=tuple(
                DiscountLine(
                    key=line.key,
                    product_id=line.variant.product_id,
                    category_ids=line.category_ids,
                    unit_price=line.unit_price,
                    quantity=line.quantity,
                )
                for line in lines
            ),
            shipping=shipping,
            customer=customer,
            email=email or (customer.email if customer else ""),
            codes=tuple(cart.discount_codes or ()),
            now=now,
            replaces_order_id=replaces_order_id,
        )
    )
    cards = tuple(
        card
        for card in cart.gift_cards.all()
        if gift_card_usable(gift_card=card, currency=store.currency, now=now) is None
    )
    totals = price(
        [_pricing_line(line) for line in lines],
        currency=store.currency,
        tax_rate=store.tax_rate,
        prices_include_tax=store.prices_include_tax,
        shipping=shipping,
        discounts=[eligible.application for eligible in result.applied],
        gift_cards=[GiftCardTender(card.masked_code, Money(card.balance, card.currency), card.pk) for card in cards],
    )
    return CartPricing(totals=totals, discounts=result.applied, problems=result.problems, gift_cards=cards)


def _pricing_line(line: CartLineView) -> PricingLine:
    return PricingLine(key=line.key, unit_price=line.unit_price, quantity=line.quantity)
