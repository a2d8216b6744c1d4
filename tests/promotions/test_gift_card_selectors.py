"""Gift card reads: the ledger, a customer's cards, and the liability per store and currency."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from commerce.core.money import Money
from commerce.promotions.gift_card_selectors import (
    LiabilityRow,
    gift_card_ledger,
    gift_card_liability,
    gift_cards_for_customer,
)
from commerce.promotions.gift_cards import gift_card_issue, gift_card_redeem
from commerce.promotions.models import GiftCard
from tests.promotions.gift_card_fixtures import card, place_order, usd

pytestmark = pytest.mark.django_db
__all__ = ["card", "place_order"]  # fixtures, imported explicitly


def eur(amount: str | int) -> Money:
    return Money(Decimal(str(amount)), "EUR")


def test_liability_sums_active_unexpired_balances_per_store_and_currency(
    store, other_store, card, place_order, django_assert_num_queries
):
    gift_card_redeem(gift_card=card, order=place_order(), amount=usd("12.00"))  # 38.00 left
    gift_card_issue(store=store, value=usd("10.00"), expires_at=timezone.now() + timedelta(days=1))
    expired = gift_card_issue(store=store, value=usd("100.00"))
    inactive = gift_card_issue(store=store, value=usd("200.00"))
    GiftCard.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    GiftCard.objects.filter(pk=inactive.pk).update(is_active=False)
    gift_card_issue(store=other_store, value=eur("30.00"))
    gift_card_issue(store=other_store, value=eur("20.00"))

    with django_assert_num_queries(1):
        rows = gift_card_liability()

    assert rows == [
        LiabilityRow(store.pk, "Magpie Test Shop", "USD", usd("48.00"), 2),
        LiabilityRow(other_store.pk, "Second Shop", "EUR", eur("50.00"), 2),
    ]
    assert gift_card_liability(store=other_store) == [rows[1]]


def test_liability_is_empty_without_cards(store):
    assert gift_card_liability(store=store) == []


def test_the_ledger_is_oldest_first_with_its_order(card, place_order, django_assert_num_queries):
    order = place_order()
    gift_card_redeem(gift_card=card, order=order, amount=usd(5))

    with django_assert_num_queries(1):
        rows = gift_card_ledger(card)
        assert [(r.kind, r.order.number if r.order else None) for r in rows] == [
            ("issue", None),
            ("redeem", order.number),
        ]


def test_a_customer_sees_only_their_own_cards(store, django_user_model):
    ada = django_user_model.objects.create_user(email="ada@example.com", password="x" * 12)
    bob = django_user_model.objects.create_user(email="bob@example.com", password="x" * 12)
    mine = gift_card_issue(store=store, value=usd(5), customer=ada)
    gift_card_issue(store=store, value=usd(5), customer=bob)

    assert list(gift_cards_for_customer(ada)) == [mine]
