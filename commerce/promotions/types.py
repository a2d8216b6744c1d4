"""What promotions hand the pricing pipeline: discounts to apply and gift cards to tender."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field

from commerce.core.money import Money


@dataclass(frozen=True)
class DiscountApplication:
    """What one discount takes: per line (by line key: the variant id) and from shipping."""

    label: str
    line_amounts: dict[Hashable, Money] = field(default_factory=dict)
    shipping_amount: Money | None = None
    code: str = ""


@dataclass(frozen=True)
class GiftCardTender:
    label: str
    available: Money
    key: Hashable = None  # the gift card's id, so the amount taken can be redeemed from it
