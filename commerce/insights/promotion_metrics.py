"""What promotions cost: discount usage and cost per discount, and gift-card liability, per currency.

A discount counts on orders paid in the period (its redemption is written when the order is placed;
a released one — the order was cancelled or fully refunded — does not count). Gift-card figures
come from the card ledger: what was issued and redeemed in the period, and the balance still owed
at the end of its last day (store time zone).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum

from commerce.promotions.models import DiscountRedemption, GiftCardTransaction

from .metrics_scope import Period, in_windows, metric_query, stores_in_scope, windows

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class DiscountUsage:
    """One discount's use in the period: ``cost`` is what it took off (lines and shipping)."""

    currency: str
    discount_id: int
    name: str
    uses: int
    cost: Decimal
    shipping_cost: Decimal
    order_sales: Decimal

    @property
    def cost_per_use(self) -> Decimal:
        return (self.cost / self.uses).quantize(Decimal("0.01")) if self.uses else ZERO


@dataclass(frozen=True)
class GiftCardLiability:
    """Gift cards in one currency: issued and redeemed in the period, and still owed at its end."""

    currency: str
    issued: Decimal
    redeemed: Decimal
    refunded_to_cards: Decimal
    expired_or_adjusted: Decimal
    liability: Decimal
    cards_with_balance: int


def discount_usage(*, user: Any, period: Period, store_ids: Sequence[int] | None = None) -> list[DiscountUsage]:
    """Uses, cost (amount taken, incl. shipping), shipping part and the paid orders' gross sales per
    discount and currency for orders paid in the period, costliest first. One query."""
    with metric_query(user=user):
        stores = stores_in_scope(user=user, store_ids=store_ids)
        rows = list(
            DiscountRedemption.objects.filter(
                in_windows(windows(stores, period), field="order__paid_at", store="order__store_id"), released=False
            )
            .values("order__currency", "discount_id", "discount__name")
            .annotate(
                uses=Count("pk"),
                cost=Sum("amount"),
                shipping=Sum("shipping_amount"),
                sales=Sum("order__subtotal"),
            )
            .order_by("order__currency", "-cost", "discount__name", "discount_id")
        )
    return [
        DiscountUsage(
            currency=row["order__currency"],
            discount_id=row["discount_id"],
            name=row["discount__name"],
            uses=row["uses"],
            cost=row["cost"],
            shipping_cost=row["shipping"],
            order_sales=row["sales"],
        )
        for row in rows
    ]


def gift_card_liability(
    *, user: Any, period: Period, store_ids: Sequence[int] | None = None
) -> list[GiftCardLiability]:
    """Per currency: issued, redeemed, refunded back to cards and expired/adjusted in the period
    (ledger amounts, redemptions as positive figures), and the liability (the sum of every card's
    ledger up to the period's end) with the number of cards holding a balance then. Two queries."""
    with metric_query(user=user):
        stores = stores_in_scope(user=user, store_ids=store_ids)
        inside = in_windows(windows(stores, period), field="created_at", store="gift_card__store_id")
        kinds = GiftCardTransaction.Kind
        moved = {
            row["gift_card__currency"]: row
            for row in GiftCardTransaction.objects.filter(inside)
            .values("gift_card__currency")
            .annotate(
                issued=Sum("amount", filter=Q(kind=kinds.ISSUE)),
                redeemed=Sum("amount", filter=Q(kind=kinds.REDEEM)),
                refunded=Sum("amount", filter=Q(kind=kinds.REFUND)),
                other=Sum("amount", filter=Q(kind__in=[kinds.EXPIRY, kinds.ADJUSTMENT])),
            )
            .order_by()
        }
        until_end = Q(pk__in=[])
        for window in windows(stores, period):
            until_end |= Q(gift_card__store_id=window.store_id, created_at__lt=window.ends_at)
        balances = list(
            GiftCardTransaction.objects.filter(until_end)
            .values("gift_card_id", "gift_card__currency")
            .annotate(balance=Sum("amount"))
            .order_by()
        )
    owed: dict[str, list] = {}
    for row in balances:
        entry = owed.setdefault(row["gift_card__currency"], [ZERO, 0])
        entry[0] += row["balance"]
        entry[1] += row["balance"] > 0
    return [
        GiftCardLiability(
            currency=currency,
            issued=moved.get(currency, {}).get("issued") or ZERO,
            redeemed=-(moved.get(currency, {}).get("redeemed") or ZERO),
            refunded_to_cards=moved.get(currency, {}).get("refunded") or ZERO,
            expired_or_adjusted=moved.get(currency, {}).get("other") or ZERO,
            liability=owed.get(currency, [ZERO, 0])[0],
            cards_with_balance=owed.get(currency, [ZERO, 0])[1],
        )
        for currency in sorted(set(moved) | set(owed))
    ]
