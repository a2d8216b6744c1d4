"""Gift card services: codes, issuing, redeeming, credits, adjustments, expiry and refunds, with
the ledger summing to the balance after every step."""

from __future__ import annotations

import zoneinfo
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from commerce.core.exceptions import CommerceError
from commerce.core.money import Money
from commerce.promotions import gift_cards
from commerce.promotions.gift_cards import (
    CODE_ALPHABET,
    gift_card_adjust,
    gift_card_code_new,
    gift_card_code_normalise,
    gift_card_credit,
    gift_card_find,
    gift_card_format,
    gift_card_issue,
    gift_card_redeem,
    gift_card_refund_redemptions,
    gift_card_send_code,
    gift_card_send_code_later,
    gift_card_usable,
    gift_cards_expire,
    gift_cards_issue_bulk,
)
from commerce.promotions.models import GiftCard, GiftCardTransaction
from commerce.promotions.tasks import send_gift_card_code
from tests.promotions.gift_card_fixtures import assert_ledger_consistent, card, place_order, superuser, usd

pytestmark = pytest.mark.django_db
__all__ = ["card", "place_order", "superuser"]  # fixtures, imported explicitly


# Codes ------------------------------------------------------------------------------------------


def test_codes_are_16_characters_from_an_alphabet_without_look_alikes():
    codes = {gift_card_code_new() for _ in range(2000)}

    assert len(codes) == 2000
    assert all(len(code) == 16 and set(code) <= set(CODE_ALPHABET) for code in codes)
    assert not set("01ILO") & set(CODE_ALPHABET)


def test_normalise_and_format_round_trip():
    assert gift_card_code_normalise(" abcd-efgh jkmn–pqrs ") == "ABCDEFGHJKMNPQRS"
    assert gift_card_format("ABCDEFGHJKMNPQRS") == "ABCD-EFGH-JKMN-PQRS"
    assert gift_card_code_normalise(gift_card_format("ABCDEFGHJKMNPQRS")) == "ABCDEFGHJKMNPQRS"


def test_a_card_is_shown_masked(card):
    assert card.masked_code == f"•••• {card.code[-4:]}"
    assert card.code not in str(card)


def test_find_matches_the_normalised_code_within_the_store_only(card, other_store):
    assert gift_card_find(store=card.store, code=gift_card_format(card.code).lower()) == card
    assert gift_card_find(store=other_store, code=card.code) is None
    assert gift_card_find(store=card.store, code="") is None
    assert gift_card_find(store=card.store, code="' OR 1=1 --") is None


# Issuing ----------------------------------------------------------------------------------------


def test_issue_writes_the_card_and_its_issue_row(store, superuser):
    card = gift_card_issue(store=store, value=usd("25.00"), actor=superuser, recipient_email="a@example.com")

    assert (card.currency, card.initial_value, card.balance, card.created_by) == (
        "USD",
        Decimal("25.00"),
        Decimal("25.00"),
        superuser,
    )
    row = card.transactions.get()
    assert (row.kind, row.amount, row.balance_after, row.actor) == (
        "issue",
        Decimal("25.00"),
        Decimal("25.00"),
        superuser,
    )
    assert_ledger_consistent(card)


@pytest.mark.parametrize(
    ("value", "field"),
    [(Money(Decimal("10"), "EUR"), "value"), (usd("0"), "value"), (usd("-5"), "value")],
)
def test_issue_refuses_a_bad_value_and_writes_nothing(store, value, field):
    with pytest.raises(CommerceError) as error:
        gift_card_issue(store=store, value=value)

    assert error.value.field == field
    assert not GiftCard.objects.exists() and not GiftCardTransaction.objects.exists()


def test_issue_refuses_a_past_or_naive_expiry(store):
    with pytest.raises(CommerceError) as past:
        gift_card_issue(store=store, value=usd(10), expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(CommerceError) as naive:
        gift_card_issue(store=store, value=usd(10), expires_at=timezone.now().replace(tzinfo=None) + timedelta(days=1))

    assert past.value.field == naive.value.field == "expires_at"
    assert not GiftCard.objects.exists()


def test_issue_draws_a_new_code_when_one_collides(store, card, monkeypatch):
    drawn = iter([card.code, "ZZZZYYYYXXXXWWWW"])
    monkeypatch.setattr(gift_cards, "gift_card_code_new", lambda: next(drawn))

    second = gift_card_issue(store=store, value=usd(10))

    assert second.code == "ZZZZYYYYXXXXWWWW"
    assert GiftCard.objects.count() == 2


def test_the_database_refuses_a_duplicate_code(store, card):
    with pytest.raises(IntegrityError), transaction.atomic():
        GiftCard.objects.create(store=store, code=card.code, currency="USD", initial_value=1, balance=1)


def test_bulk_issue_creates_cards_and_rows_in_a_fixed_number_of_queries(store, django_assert_num_queries):
    expires = timezone.now() + timedelta(days=365)
    # savepoint; code check; savepoint, cards insert, release; ledger insert; release. Whatever the count.
    with django_assert_num_queries(7):
        cards = gift_cards_issue_bulk(store=store, value=usd("20.00"), count=200, expires_at=expires)

    assert len({c.code for c in cards}) == 200 and all(c.pk for c in cards)
    assert GiftCardTransaction.objects.filter(kind="issue", amount=Decimal("20.00")).count() == 200
    assert_ledger_consistent(cards[0])


def test_bulk_issue_query_count_does_not_grow_with_the_count(store, django_assert_num_queries):
    with django_assert_num_queries(7):
        gift_cards_issue_bulk(store=store, value=usd("20.00"), count=1)


@pytest.mark.parametrize("count", [0, 1001])
def test_bulk_issue_takes_1_to_1000(store, count):
    with pytest.raises(CommerceError) as error:
        gift_cards_issue_bulk(store=store, value=usd(5), count=count)

    assert error.value.field == "count"


# Redeeming --------------------------------------------------------------------------------------


def test_redeem_takes_from_the_balance_with_a_negative_row(card, place_order):
    order = place_order("30.00")

    row = gift_card_redeem(gift_card=card, order=order, amount=usd("12.50"))

    card.refresh_from_db()
    assert (row.kind, row.amount, row.balance_after, row.order) == (
        "redeem",
        Decimal("-12.50"),
        Decimal("37.50"),
        order,
    )
    assert card.balance == Decimal("37.50")
    assert_ledger_consistent(card)


def test_redeeming_more_than_the_balance_is_refused_and_nothing_is_written(card, place_order):
    order = place_order("80.00")

    with pytest.raises(CommerceError) as error:
        gift_card_redeem(gift_card=card, order=order, amount=usd("50.01"))

    assert (error.value.field, error.value.code) == ("gift_card", "insufficient_balance")
    card.refresh_from_db()
    assert card.balance == Decimal("50.00") and card.transactions.count() == 1


def test_redeem_refuses_an_order_in_another_currency(other_store, place_order):
    euro_card = gift_card_issue(store=other_store, value=Money(Decimal("40"), "EUR"))
    order = place_order("30.00", in_store=other_store)
    order.currency = "USD"  # an order in a different currency than the card

    with pytest.raises(CommerceError) as error:
        gift_card_redeem(gift_card=euro_card, order=order, amount=usd("10.00"))

    assert error.value.code == "currency"
    assert euro_card.transactions.count() == 1


def test_redeem_refuses_a_card_of_another_store(card, other_store, place_order):
    order = place_order("30.00", in_store=other_store)

    with pytest.raises(CommerceError) as error:
        gift_card_redeem(gift_card=card, order=order, amount=Money(Decimal("5"), "EUR"))

    assert error.value.code == "other_store"


def test_redeem_refuses_an_expired_card(card, place_order):
    order = place_order()
    GiftCard.objects.filter(pk=card.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    with pytest.raises(CommerceError) as error:
        gift_card_redeem(gift_card=card, order=order, amount=usd(5))

    assert (error.value.field, error.value.code) == ("gift_card", "expired")
    assert card.transactions.count() == 1


def test_redeem_refuses_an_inactive_card(card, place_order):
    order = place_order()
    GiftCard.objects.filter(pk=card.pk).update(is_active=False)

    with pytest.raises(CommerceError) as error:
        gift_card_redeem(gift_card=card, order=order, amount=usd(5))

    assert error.value.code == "inactive"
    assert card.transactions.count() == 1


def test_redeem_refuses_zero_and_more_than_the_order_total(card, place_order):
    order = place_order("20.00")
    with pytest.raises(CommerceError):
        gift_card_redeem(gift_card=card, order=order, amount=usd(0))
    gift_card_redeem(gift_card=card, order=order, amount=usd(15))

    with pytest.raises(CommerceError) as error:
        gift_card_redeem(gift_card=card, order=order, amount=usd("5.01"))

    assert error.value.code == "over_total"
    assert_ledger_consistent(card)


def test_usable_expiry_boundary_is_timezone_aware(card):
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    expires = timezone.now().astimezone(berlin).replace(microsecond=0) + timedelta(days=3)
    GiftCard.objects.filter(pk=card.pk).update(expires_at=expires)
    card.refresh_from_db()

    just_before = (expires - timedelta(microseconds=1)).astimezone(zoneinfo.ZoneInfo("UTC"))
    assert gift_card_usable(gift_card=card, currency="USD", now=just_before) is None
    assert (
        gift_card_usable(gift_card=card, currency="USD", now=expires.astimezone(zoneinfo.ZoneInfo("UTC"))) == "expired"
    )
    assert gift_card_usable(gift_card=card, currency="EUR", now=just_before) == "currency"


def test_usable_reasons_in_order(card):
    now = timezone.now()
    card.balance = Decimal(0)
    assert gift_card_usable(gift_card=card, currency="USD", now=now) == "empty"
    card.is_active = False
    assert gift_card_usable(gift_card=card, currency="USD", now=now) == "inactive"


# Credit, adjust, expire ------------------------------------------------------------------------


def test_credit_puts_money_back_with_a_refund_row(card, place_order):
    order = place_order()
    gift_card_redeem(gift_card=card, order=order, amount=usd(20))

    row = gift_card_credit(gift_card=card, amount=usd(20), order=order, reason="Order cancelled")

    assert (row.kind, row.amount, row.balance_after, row.reason) == (
        "refund",
        Decimal("20.00"),
        Decimal("50.00"),
        "Order cancelled",
    )
    assert_ledger_consistent(card)
    with pytest.raises(CommerceError):
        gift_card_credit(gift_card=card, amount=usd(0), order=None, reason="")


def test_adjust_both_ways_with_a_reason(card, superuser):
    gift_card_adjust(gift_card=card, amount=usd("-20"), reason="Goodwill correction", actor=superuser)
    row = gift_card_adjust(gift_card=card, amount=usd("5"), reason="Apology", actor=superuser)

    assert (row.kind, row.balance_after, row.actor) == ("adjustment", Decimal("35.00"), superuser)
    assert_ledger_consistent(card)


@pytest.mark.parametrize(
    ("amount", "reason", "field"),
    [(usd("-50.01"), "Too much", "amount"), (usd("5"), "   ", "reason"), (usd("0"), "Zero", "amount")],
)
def test_adjust_refuses_below_zero_no_reason_or_zero(card, superuser, amount, reason, field):
    with pytest.raises(CommerceError) as error:
        gift_card_adjust(gift_card=card, amount=amount, reason=reason, actor=superuser)

    assert error.value.field == field
    assert card.transactions.count() == 1


def test_the_database_refuses_a_negative_balance(card):
    with pytest.raises(IntegrityError), transaction.atomic():
        GiftCard.objects.filter(pk=card.pk).update(balance=Decimal("-0.01"))


def test_expire_zeroes_expired_balances_once(store, card, place_order):
    now = timezone.now()
    gift_card_redeem(gift_card=card, order=place_order(), amount=usd(10))
    empty = gift_card_issue(store=store, value=usd(5))
    gift_card_redeem(gift_card=empty, order=place_order(), amount=usd(5))
    live = gift_card_issue(store=store, value=usd(7), expires_at=now + timedelta(days=1))
    GiftCard.objects.filter(pk__in=[card.pk, empty.pk]).update(expires_at=now - timedelta(minutes=1))

    assert gift_cards_expire(now=now) == 1
    assert gift_cards_expire(now=now) == 0

    card.refresh_from_db()
    expiry = card.transactions.get(kind="expiry")
    assert (card.balance, expiry.amount, expiry.balance_after) == (Decimal(0), Decimal("-40.00"), Decimal(0))
    assert not empty.transactions.filter(kind="expiry").exists()
    live.refresh_from_db()
    assert live.balance == Decimal("7.00")
    for each in (card, empty, live):
        assert_ledger_consistent(each)


# Refunding an order's redemptions --------------------------------------------------------------


def test_refund_redemptions_gives_back_net_of_earlier_credits_and_is_idempotent(store, card, place_order):
    second = gift_card_issue(store=store, value=usd(30))
    order = place_order("60.00")
    gift_card_redeem(gift_card=card, order=order, amount=usd(25))
    gift_card_redeem(gift_card=second, order=order, amount=usd(30))
    gift_card_credit(gift_card=card, amount=usd(5), order=order, reason="Partial refund to card")

    assert gift_card_refund_redemptions(order=order, reason="Order cancelled") == 2
    assert gift_card_refund_redemptions(order=order, reason="Order cancelled") == 0

    card.refresh_from_db()
    second.refresh_from_db()
    assert (card.balance, second.balance) == (Decimal("50.00"), Decimal("30.00"))
    assert card.transactions.filter(kind="refund").values_list("amount", flat=True).order_by("pk")[1] == Decimal(
        "20.00"
    )
    assert_ledger_consistent(card)
    assert_ledger_consistent(second)


def test_refund_redemptions_of_an_order_without_cards_does_nothing(place_order):
    assert gift_card_refund_redemptions(order=place_order(), reason="Cancelled") == 0


# The code email -------------------------------------------------------------------------------


def test_the_task_emails_the_code_to_the_customer_when_there_is_no_recipient(store, django_user_model):
    customer = django_user_model.objects.create_user(email="owner@example.com", password="x" * 12)
    card = gift_card_issue(store=store, value=usd(20), customer=customer)

    assert send_gift_card_code.enqueue(card.pk).return_value is True

    (email,) = mail.outbox
    assert email.to == ["owner@example.com"] and gift_card_format(card.code) in email.body
    assert email.subject == "Your Magpie Test Shop gift card"


def test_no_email_without_an_address_or_for_a_missing_card(store):
    card = gift_card_issue(store=store, value=usd(20))

    assert gift_card_send_code(gift_card=card) is False
    assert send_gift_card_code.enqueue(999_999).return_value is False
    assert mail.outbox == []


def test_the_email_is_enqueued_only_when_the_issue_commits(store, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            card = gift_card_issue(store=store, value=usd(20), recipient_email="x@example.com")
            gift_card_send_code_later(gift_card=card)
        assert mail.outbox == []

    # after the commit: the e-mail (the other callback refreshes the gift-card daily summary)
    assert len(callbacks) == 2 and len(mail.outbox) == 1
