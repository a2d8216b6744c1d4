"""The demo's promotions: a welcome code per store and one gift card to try at checkout."""

from __future__ import annotations

from decimal import Decimal

from commerce.core.money import Money
from commerce.promotions.gift_cards import gift_card_format, gift_card_issue
from commerce.promotions.models import Discount, DiscountCode, GiftCard
from commerce.stores.models import Store

from .report import SeedReport

WELCOME_CODE = "WELCOME10"
DEMO_GIFT_CARD_EMAIL = "demo-gift-card@magpie.test"
DEMO_GIFT_CARD_VALUE = Decimal("50.00")


def promotions_ensure(*, store: Store, report: SeedReport) -> None:
    discount, created = Discount.objects.get_or_create(
        store=store,
        name="Welcome: 10% off",
        defaults={"kind": "code", "value_type": "percentage", "value": Decimal("10"), "is_active": True},
    )
    if created:
        report.add("discounts")
    if not DiscountCode.objects.filter(store=store, code__iexact=WELCOME_CODE).exists():
        DiscountCode.objects.create(discount=discount, store=store, code=WELCOME_CODE)
        report.add("discount codes")
    if not GiftCard.objects.filter(store=store, recipient_email=DEMO_GIFT_CARD_EMAIL).exists():
        gift_card_issue(
            store=store, value=Money(DEMO_GIFT_CARD_VALUE, store.currency), recipient_email=DEMO_GIFT_CARD_EMAIL
        )
        report.add("gift cards")


def demo_promotion_lines() -> list[str]:
    """What `make run` prints so a visitor can try a code and a gift card at checkout."""
    lines = []
    for card in GiftCard.objects.filter(recipient_email=DEMO_GIFT_CARD_EMAIL).select_related("store"):
        lines.append(
            f"{card.store.name}: discount code {WELCOME_CODE}; gift card {gift_card_format(card.code)} "
            f"(balance {Money(card.balance, card.currency)})"
        )
    return lines
