"""Gift card reads: a card's ledger, a customer's cards, and the outstanding liability."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from commerce.core.money import Money
from commerce.stores.models import Store

from .gift_cards import CODE_LENGTH, gift_card_code_normalise
from .models import GiftCard, GiftCardTransaction


@dataclass(frozen=True)
class LiabilityRow:
    store_id: int
    store_name: str
    currency: str
    outstanding: Money
    cards: int


def gift_card_ledger(gift_card: GiftCard) -> list[GiftCardTransaction]:
    """Every balance change of the card, oldest first, with what the admin shows beside it."""
    return list(
        GiftCardTransaction.objects.filter(gift_card=gift_card)
        .select_related("order", "actor")
        .order_by("created_at", "pk")
    )


def gift_cards_search(queryset: QuerySet[GiftCard], term: str) -> QuerySet[GiftCard]:
    """Cards matching a staff search: by recipient email, by the last four characters, or by a
    whole code — never by any other part of a code, so a search cannot read codes out a few
    characters at a time."""
    term = (term or "").strip()
    if not term:
        return queryset
    query = Q(recipient_email__icontains=term)
    code = gift_card_code_normalise(term)
    if code.isalnum() and len(code) == 4:
        query |= Q(code__endswith=code)
    elif code.isalnum() and len(code) == CODE_LENGTH:
        query |= Q(code=code)
    return queryset.filter(query)


def gift_cards_unexpired(now: datetime) -> Q:
    return Q(expires_at__isnull=True) | Q(expires_at__gt=now)


def gift_card_liability(*, store: Store | None = None, now: datetime | None = None) -> list[LiabilityRow]:
    """What the merchant still owes on gift cards, per store and currency, in one query.

    Counts active, unexpired cards with a balance. Expired cards do not count: their balance is no
    longer spendable and ``gift_cards_expire`` writes it off with an EXPIRY ledger row.
    Deactivated cards do not count either (they cannot be spent until reactivated)."""
    cards = GiftCard.objects.filter(gift_cards_unexpired(now or timezone.now()), is_active=True, balance__gt=0)
    if store is not None:
        cards = cards.filter(store=store)
    rows = (
        cards.values("store_id", "store__name", "currency")
        .annotate(outstanding=Sum("balance"), cards=Count("pk"))
        .order_by("store__name", "store_id", "currency")
    )
    return [
        LiabilityRow(
            store_id=row["store_id"],
            store_name=row["store__name"],
            currency=row["currency"],
            outstanding=Money(row["outstanding"], row["currency"]),
            cards=row["cards"],
        )
        for row in rows
    ]


def gift_cards_for_customer(user) -> QuerySet[GiftCard]:
    """The cards a signed-in customer owns, newest first (show them masked)."""
    if not getattr(user, "is_authenticated", False):
        return GiftCard.objects.none()
    return GiftCard.objects.filter(customer=user).select_related("store").order_by("-created_at", "-pk")
