"""What promotions cost: discount usage and cost per discount, and gift-card liability, per currency.

A discount counts on orders paid in the period (its redemption is written when the order is placed;
a released one — the order was cancelled or fully refunded — does not count). Gift-card figures
come from the card ledger: what was issued and redeemed in the period, and the balance still owed
at the end of its last day (store time zone); past days through its daily summary
(``insights.DailyGiftCards``, ``activity_summary.py``), today from the ledger itself.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from commerce.promotions.models import DiscountRedemption, GiftCardTransaction
from commerce.stores.models import Store

from .metrics_scope import Period, StoreWindow, in_windows, metric_query, stores_in_scope, windows
from .models import DailyDiscountSales, DailyGiftCards
from .summary_reads import add_up, split_period

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
    discount and currency for orders paid in the period, costliest first. Past days from the daily
    summary (``insights.DailyDiscountSales``), today from the redemptions: at most two queries."""
    with metric_query(user=user):
        split = split_period(stores_in_scope(user=user, store_ids=store_ids), period)
        totals: dict = {}
        sums = ["uses", "cost", "shipping", "sales"]
        key = ["currency", "discount_id", "name"]
        if split.has_past:
            add_up(
                totals,
                DailyDiscountSales.objects.filter(split.past)
                .values("currency", "discount_id", name=F("discount__name"))
                .annotate(uses=Sum("uses"), cost=Sum("cost"), shipping=Sum("shipping"), sales=Sum("sales"))
                .order_by(),
                key=key,
                sums=sums,
            )
        if split.live:
            add_up(
                totals,
                DiscountRedemption.objects.filter(
                    in_windows(split.live, field="order__paid_at", store="order__store_id"), released=False
                )
                .values("discount_id", currency=F("order__currency"), name=F("discount__name"))
                .annotate(
                    uses=Count("pk"), cost=Sum("amount"), shipping=Sum("shipping_amount"), sales=Sum("order__subtotal")
                )
                .order_by(),
                key=key,
                sums=sums,
            )
    rows = sorted(totals.values(), key=lambda r: (r["currency"], -r["cost"], r["name"], r["discount_id"]))
    return [
        DiscountUsage(
            currency=row["currency"],
            discount_id=row["discount_id"],
            name=row["name"],
            uses=row["uses"],
            cost=Decimal(row["cost"]),
            shipping_cost=Decimal(row["shipping"]),
            order_sales=Decimal(row["sales"]),
        )
        for row in rows
    ]


MOVES = ("issued", "redeemed", "refunded", "other")


def _ledger_kinds() -> dict[str, Q]:
    kinds = GiftCardTransaction.Kind
    return {
        "issued": Q(kind=kinds.ISSUE),
        "redeemed": Q(kind=kinds.REDEEM),
        "refunded": Q(kind=kinds.REFUND),
        "other": Q(kind__in=[kinds.EXPIRY, kinds.ADJUSTMENT]),
    }


def _summary_until(stores: Sequence[Store], period: Period, now: datetime) -> Q:
    """Summary days from the first up to the period's end, never a store's today (read live)."""
    until = Q(pk__in=[])
    for store in stores:
        today = now.astimezone(zoneinfo.ZoneInfo(store.time_zone)).date()
        until |= Q(store_id=store.pk, day__lte=min(period.end, today - timedelta(days=1)))
    return until


def _live_windows(stores: Sequence[Store], period: Period, now: datetime) -> list[StoreWindow]:
    """For each store whose today is not after the period's end: from its today to the period's end."""
    live = []
    for store in stores:
        today = now.astimezone(zoneinfo.ZoneInfo(store.time_zone)).date()
        if period.end >= today:
            live += windows([store], Period(today, period.end))
    return live


def gift_card_liability(
    *, user: Any, period: Period, store_ids: Sequence[int] | None = None
) -> list[GiftCardLiability]:
    """Per currency: issued, redeemed, refunded back to cards and expired/adjusted in the period
    (ledger amounts, redemptions as positive figures), and the liability (the sum of every card's
    ledger up to the period's end) with the number of cards holding a balance then.

    Past days come from ``insights.DailyGiftCards``: its movements in the period, and its net
    movement and change in cards holding a balance summed from the first day (one query). Today
    comes from the ledger: the cards touched today (one query when the period reaches today), then per
    card its balance before today and at the period's end (one more when there are any)."""
    now = timezone.now()
    with metric_query(user=user):
        stores = stores_in_scope(user=user, store_ids=store_ids)
        split = split_period(stores, period, now=now)
        figures: dict[str, dict] = {}
        summary_rows = DailyGiftCards.objects.filter(_summary_until(stores, period, now))
        in_period = split.past if split.has_past else Q(pk__in=[])
        for row in (
            summary_rows.values("currency")
            .annotate(
                **{move: Sum(move, filter=in_period) for move in MOVES},
                liability=Sum("net"),
                cards=Sum("cards_with_balance"),
            )
            .order_by()
        ):
            figures[row.pop("currency")] = row
        live = _live_windows(stores, period, now)
        if live:
            inside = in_windows(split.live, field="created_at", store="gift_card__store_id")
            to_end, before = Q(pk__in=[]), Q(pk__in=[])
            for window in live:
                to_end |= Q(gift_card__store_id=window.store_id, created_at__lt=window.ends_at)
                before |= Q(gift_card__store_id=window.store_id, created_at__lt=window.starts_at)
            touched = set(  # a list, not a subquery: the per-card sums then walk each card's ledger by its key
                GiftCardTransaction.objects.filter(
                    in_windows(live, field="created_at", store="gift_card__store_id")
                ).values_list("gift_card_id", flat=True)
            )
            cards = list(
                GiftCardTransaction.objects.filter(to_end, gift_card_id__in=sorted(touched))
                .values("gift_card_id", "gift_card__currency")
                .annotate(
                    **{move: Sum("amount", filter=inside & kind) for move, kind in _ledger_kinds().items()},
                    after=Sum("amount"),
                    before=Sum("amount", filter=before),
                )
                .order_by()
            )
            for card in cards:
                entry = figures.setdefault(card["gift_card__currency"], {})
                opening, closing = card["before"] or ZERO, card["after"] or ZERO
                for move in MOVES:
                    entry[move] = (entry.get(move) or ZERO) + (card[move] or ZERO)
                entry["liability"] = (entry.get("liability") or ZERO) + closing - opening
                entry["cards"] = (entry.get("cards") or 0) + (closing > 0) - (opening > 0)
    return [
        GiftCardLiability(
            currency=currency,
            issued=row.get("issued") or ZERO,
            redeemed=-(row.get("redeemed") or ZERO),
            refunded_to_cards=row.get("refunded") or ZERO,
            expired_or_adjusted=row.get("other") or ZERO,
            liability=row.get("liability") or ZERO,
            cards_with_balance=row.get("cards") or 0,
        )
        for currency, row in sorted(figures.items())
    ]
