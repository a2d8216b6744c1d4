"""Real parallel transactions on PostgreSQL: the card's row lock keeps its balance at or above zero."""

from __future__ import annotations

from decimal import Decimal

import pytest

from commerce.core.exceptions import CommerceError
from commerce.promotions.gift_cards import (
    gift_card_issue,
    gift_card_redeem,
    gift_card_refund_redemptions,
)
from commerce.promotions.models import GiftCard
from tests.promotions.gift_card_fixtures import assert_ledger_consistent, place_order, usd
from tests.threads import run_together

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]
__all__ = ["place_order"]  # a fixture, imported explicitly


def test_two_redemptions_that_together_exceed_the_balance_let_one_through(store, place_order):
    card = gift_card_issue(store=store, value=usd("50.00"))
    first, second = place_order("40.00", email="a@example.com"), place_order("40.00", email="b@example.com")

    results = run_together(
        [
            lambda: gift_card_redeem(gift_card=card, order=first, amount=usd("30.00")),
            lambda: gift_card_redeem(gift_card=card, order=second, amount=usd("30.00")),
        ],
        atomic=True,
    )

    refused = [r for r in results if isinstance(r, CommerceError)]
    assert len(refused) == 1, results
    assert refused[0].code == "insufficient_balance"
    card.refresh_from_db()
    assert card.balance == Decimal("20.00")
    assert card.transactions.filter(kind="redeem").count() == 1
    assert_ledger_consistent(card)


def test_many_small_redemptions_at_once_never_overdraw(store, place_order):
    card = gift_card_issue(store=store, value=usd("25.00"))
    orders = [place_order("10.00", email=f"s{i}@example.com") for i in range(8)]

    results = run_together(
        [lambda o=o: gift_card_redeem(gift_card=card, order=o, amount=usd("10.00")) for o in orders], atomic=True
    )

    assert sum(not isinstance(r, Exception) for r in results) == 2, results
    assert all(isinstance(r, CommerceError) for r in results if isinstance(r, Exception)), results
    card.refresh_from_db()
    assert card.balance == Decimal("5.00")
    assert_ledger_consistent(card)


def test_refunding_an_orders_redemptions_twice_at_once_credits_once(store, place_order):
    card = gift_card_issue(store=store, value=usd("50.00"))
    order = place_order("30.00")
    gift_card_redeem(gift_card=card, order=order, amount=usd("30.00"))

    results = run_together([lambda: gift_card_refund_redemptions(order=order, reason="Cancelled")] * 2, atomic=True)

    assert sorted(results) == [0, 1], results
    card = GiftCard.objects.get(pk=card.pk)
    assert card.balance == Decimal("50.00")
    assert_ledger_consistent(card)
