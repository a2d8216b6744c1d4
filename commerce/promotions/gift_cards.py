"""Gift card writes: issue, redeem, credit, adjust, expire, and the code email.

Every change of a balance follows one shape (``_post``): the card row is locked with ``locked()``,
the rules are checked against the locked row, the balance moves with ``F()`` and the ledger row is
written in the same transaction with ``balance_after`` read back under the lock. The CHECK
constraints (balance and balance_after never negative) are the last line of defence.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from commerce.core.exceptions import CommerceError
from commerce.core.links import site_url
from commerce.core.locking import locked
from commerce.core.money import Money
from commerce.core.rls import granted, runs_as_system
from commerce.orders.models import Order
from commerce.stores.models import Store

from .models import GiftCard, GiftCardTransaction
from .signals import gift_cards_moved

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    Actor = AbstractBaseUser | None

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: codes are read aloud and typed
CODE_LENGTH = 16  # 31**16 ≈ 2**79: guessing is hopeless, and balance checks are rate-limited too
CODE_ATTEMPTS = 5
BULK_MAX = 1000
MAX_VALUE = Decimal("1000000")  # a sanity bound well inside the column's 12 digits
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—]+")

Kind = GiftCardTransaction.Kind

UNUSABLE_MESSAGES = {
    "inactive": "This gift card has been deactivated.",
    "expired": "This gift card has expired.",
    "currency": "This gift card is in a different currency.",
    "empty": "This gift card has no balance left.",
}


def gift_card_code_new() -> str:
    """16 random characters from ``CODE_ALPHABET``; unique in practice, the database makes sure."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def gift_card_code_normalise(raw: str) -> str:
    """What the shopper typed, as stored: no spaces or dashes, upper case."""
    return _SEPARATORS.sub("", raw or "").upper()


def gift_card_format(code: str) -> str:
    """``ABCD-EFGH-JKLM-NPQR``: for the card's owner only (email, the issue message, the CSV)."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def _actor(actor: Actor) -> Actor:
    return actor if getattr(actor, "is_authenticated", False) else None


def _check_amount(amount: Money, currency: str, *, field: str) -> None:
    if amount.currency != currency:
        raise CommerceError(f"The amount must be in {currency}.", field=field, code="currency")
    if amount.amount <= 0:
        raise CommerceError("The amount must be more than zero.", field=field)
    if amount.amount > MAX_VALUE:
        raise CommerceError(f"The amount cannot be more than {Money(MAX_VALUE, currency)}.", field=field)


def _check_expiry(expires_at: datetime | None) -> None:
    if expires_at is None:
        return
    if timezone.is_naive(expires_at):
        raise CommerceError("The expiry needs a time zone.", field="expires_at")
    if expires_at <= timezone.now():
        raise CommerceError("The expiry must be in the future.", field="expires_at")


def _clean_email(email: str) -> str:
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise CommerceError("Enter a valid email address.", field="recipient_email") from exc
    return email


def _lock(gift_card: GiftCard) -> GiftCard:
    return locked(GiftCard.objects).select_related("store").get(pk=gift_card.pk)


def _post(
    card: GiftCard, *, kind: str, delta: Decimal, order: Order | None = None, reason: str = "", actor: Actor = None
) -> GiftCardTransaction:
    """Move a locked card's balance by ``delta`` and write the ledger row for it."""
    GiftCard.objects.filter(pk=card.pk).update(balance=F("balance") + delta)
    card.refresh_from_db(fields=["balance"])
    return GiftCardTransaction.objects.create(
        gift_card=card,
        kind=kind,
        amount=delta,
        balance_after=card.balance,
        order=order,
        reason=reason[:300],
        actor=_actor(actor),
    )


def _new_card(*, store: Store, code: str, value: Money, expires_at: datetime | None, actor: Actor, **extra) -> GiftCard:
    return GiftCard(
        store=store,
        code=code,
        currency=store.currency,
        initial_value=value.amount,
        balance=value.amount,
        expires_at=expires_at,
        created_by=_actor(actor),
        **extra,
    )


def _issue_row(card: GiftCard, *, order: Order | None = None, actor: Actor = None) -> GiftCardTransaction:
    return GiftCardTransaction(
        gift_card=card,
        kind=Kind.ISSUE,
        amount=card.initial_value,
        balance_after=card.initial_value,
        order=order,
        actor=_actor(actor),
    )


@transaction.atomic
def gift_card_issue(
    *,
    store: Store,
    value: Money,
    expires_at: datetime | None = None,
    customer: AbstractBaseUser | None = None,
    recipient_email: str = "",
    actor: Actor = None,
    source_order: Order | None = None,
) -> GiftCard:
    """A new card worth ``value`` in the store's currency, with its ISSUE ledger row."""
    _check_amount(value, store.currency, field="value")
    _check_expiry(expires_at)
    recipient_email = _clean_email(recipient_email)
    if source_order is not None and source_order.store_id != store.pk:
        raise CommerceError("The order belongs to another store.", field="source_order")
    owner = customer if getattr(customer, "is_authenticated", False) else None
    for _attempt in range(CODE_ATTEMPTS):
        card = _new_card(
            store=store,
            code=gift_card_code_new(),
            value=value,
            expires_at=expires_at,
            actor=actor,
            customer=owner,
            recipient_email=recipient_email,
            source_order=source_order,
        )
        try:
            with transaction.atomic():
                card.save(force_insert=True)
        except IntegrityError:
            if _codes_taken({card.code}):
                continue  # a code collision: draw again
            raise
        _issue_row(card, order=source_order, actor=actor).save(force_insert=True)
        return card
    raise CommerceError("Could not find a free gift card code; please try again.", code="code_collision")


def _fresh_codes(count: int) -> list[str]:
    """``count`` distinct new codes not in the database: usually one query."""
    codes: set[str] = set()
    while len(codes) < count:
        drawn = {gift_card_code_new() for _ in range(count - len(codes))} - codes
        codes |= drawn - _codes_taken(drawn)
    return sorted(codes)


@runs_as_system("gift_card_codes")
def _codes_taken(codes: set[str]) -> set[str]:
    """Which of ``codes`` any card in any store already has (codes are unique across stores, and
    the caller may only see some stores' cards)."""
    return set(GiftCard.objects.filter(code__in=codes).values_list("code", flat=True))


@transaction.atomic
def gift_cards_issue_bulk(
    *, store: Store, value: Money, count: int, expires_at: datetime | None = None, actor: Actor = None
) -> list[GiftCard]:
    """``count`` cards (1..1000) and their ISSUE rows in a fixed number of queries."""
    if not isinstance(count, int) or not 1 <= count <= BULK_MAX:
        raise CommerceError(f"Issue between 1 and {BULK_MAX} cards at a time.", field="count")
    _check_amount(value, store.currency, field="value")
    _check_expiry(expires_at)
    for _attempt in range(CODE_ATTEMPTS):
        cards = [
            _new_card(store=store, code=code, value=value, expires_at=expires_at, actor=actor)
            for code in _fresh_codes(count)
        ]
        try:
            with transaction.atomic():
                cards = GiftCard.objects.bulk_create(cards, batch_size=BULK_MAX)
        except IntegrityError:
            continue  # a code was taken between the check and the insert: draw the batch again
        GiftCardTransaction.objects.bulk_create([_issue_row(card, actor=actor) for card in cards], batch_size=BULK_MAX)
        transaction.on_commit(lambda: gift_cards_moved.send(sender=GiftCard, store_ids=[store.pk]))
        return cards
    raise CommerceError("Could not find free gift card codes; please try again.", code="code_collision")


def gift_card_find(*, store: Store, code: str) -> GiftCard | None:
    """The store's card with exactly this code (after normalising), or None."""
    normalised = gift_card_code_normalise(code)
    if not normalised or len(normalised) > GiftCard._meta.get_field("code").max_length or not normalised.isalnum():
        return None
    # Knowing the code is the right to see the card (a bearer instrument): grant it for the lookup.
    with granted(gift_card_code=normalised):
        return GiftCard.objects.select_related("store").filter(store=store, code=normalised).first()


def gift_card_usable(*, gift_card: GiftCard, currency: str, now: datetime) -> str | None:
    """None if the card can pay now in ``currency``; else "inactive", "expired", "currency" or "empty"."""
    if not gift_card.is_active:
        return "inactive"
    if gift_card.is_expired(now):
        return "expired"
    if gift_card.currency != currency:
        return "currency"
    if gift_card.balance <= 0:
        return "empty"
    return None


def _insufficient(card: GiftCard) -> CommerceError:
    return CommerceError(
        f"This gift card has only {Money(card.balance, card.currency)} left.",
        field="gift_card",
        code="insufficient_balance",
    )


def _net_redeemed(order: Order) -> Decimal:
    """What cards paid for the order, less what went back to cards for it."""
    net = GiftCardTransaction.objects.filter(order=order, kind__in=[Kind.REDEEM, Kind.REFUND]).aggregate(
        total=Sum("amount")
    )["total"]
    return -(net or Decimal(0))


@transaction.atomic
def gift_card_redeem(*, gift_card: GiftCard, order: Order, amount: Money, actor: Actor = None) -> GiftCardTransaction:
    """Pay ``amount`` of ``order`` from the card: a REDEEM row with a negative amount."""
    card = _lock(gift_card)
    if card.store_id != order.store_id:
        raise CommerceError("This gift card belongs to another store.", field="gift_card", code="other_store")
    reason = gift_card_usable(gift_card=card, currency=order.currency, now=timezone.now())
    if reason == "empty":
        raise _insufficient(card)
    if reason is not None:
        raise CommerceError(UNUSABLE_MESSAGES[reason], field="gift_card", code=reason)
    _check_amount(amount, card.currency, field="gift_card")
    if amount.amount > card.balance:
        raise _insufficient(card)
    if _net_redeemed(order) + amount.amount > order.total:
        raise CommerceError("Gift cards cannot pay more than the order total.", field="gift_card", code="over_total")
    return _post(card, kind=Kind.REDEEM, delta=-amount.amount, order=order, actor=actor)


@transaction.atomic
def gift_card_credit(
    *, gift_card: GiftCard, amount: Money, order: Order | None, reason: str, actor: Actor = None
) -> GiftCardTransaction:
    """Money back to the card (a cancelled order, a refund to the card): a REFUND row.

    Allowed on inactive and expired cards too: the money is the holder's. An expired card's
    balance is taken again by the next ``gift_cards_expire``."""
    card = _lock(gift_card)
    _check_amount(amount, card.currency, field="amount")
    if order is not None and order.store_id != card.store_id:
        raise CommerceError("The order belongs to another store.", field="order")
    return _post(card, kind=Kind.REFUND, delta=amount.amount, order=order, reason=reason, actor=actor)


@transaction.atomic
def gift_card_adjust(*, gift_card: GiftCard, amount: Money, reason: str, actor: Actor) -> GiftCardTransaction:
    """A staff correction, up or down, with a reason; never below zero."""
    reason = (reason or "").strip()
    if not reason:
        raise CommerceError("Give a reason for the adjustment.", field="reason")
    card = _lock(gift_card)
    _check_amount(Money(abs(amount.amount), amount.currency), card.currency, field="amount")  # signed: check its size
    if card.balance + amount.amount < 0:
        raise CommerceError(
            f"That would take the balance below zero: it is {Money(card.balance, card.currency)}.",
            field="amount",
            code="insufficient_balance",
        )
    return _post(card, kind=Kind.ADJUSTMENT, delta=amount.amount, reason=reason, actor=actor)


def gift_cards_expire(*, now: datetime, batch_size: int = 500) -> int:
    """Take the balance of every card expired at ``now`` to zero with an EXPIRY row.

    Conditions are re-read under the lock, so a second run (or a concurrent one) finds nothing
    left to do. Returns how many cards were expired now."""
    expired = 0
    while True:
        with transaction.atomic():
            cards = list(
                locked(GiftCard.objects.filter(expires_at__lte=now, balance__gt=0).order_by("pk"))[:batch_size]
            )
            if not cards:
                return expired
            GiftCardTransaction.objects.bulk_create(
                [
                    GiftCardTransaction(
                        gift_card=card,
                        kind=Kind.EXPIRY,
                        amount=-card.balance,
                        balance_after=Decimal(0),
                        reason=f"Expired {card.expires_at:%Y-%m-%d %H:%M %Z}",
                    )
                    for card in cards
                ]
            )
            # The rows are locked and their balances were read under the lock: zero is exact.
            GiftCard.objects.filter(pk__in=[card.pk for card in cards]).update(balance=Decimal(0))
            expired += len(cards)
            transaction.on_commit(
                lambda ids={c.store_id for c in cards}: gift_cards_moved.send(GiftCard, store_ids=ids)
            )


@transaction.atomic
def gift_card_refund_redemptions(*, order: Order, reason: str) -> int:
    """Give back to each card what the order took from it, less what was already credited back
    for the order. Idempotent: a second call finds nothing owed. Returns how many cards were credited."""
    card_ids = set(
        GiftCardTransaction.objects.filter(order=order, kind=Kind.REDEEM).values_list("gift_card_id", flat=True)
    )
    if not card_ids:
        return 0
    cards = list(locked(GiftCard.objects).filter(pk__in=card_ids).order_by("pk"))
    # Read after locking: every ledger write for these cards waits for the locks we now hold.
    net_by_card = dict(
        GiftCardTransaction.objects.filter(order=order, gift_card_id__in=card_ids, kind__in=[Kind.REDEEM, Kind.REFUND])
        .values("gift_card_id")
        .annotate(net=Sum("amount"))
        .values_list("gift_card_id", "net")
    )
    credited = 0
    for card in cards:
        owed = -(net_by_card.get(card.pk) or Decimal(0))
        if owed > 0:
            _post(card, kind=Kind.REFUND, delta=owed, order=order, reason=reason)
            credited += 1
    return credited


def gift_card_recipient(gift_card: GiftCard) -> str:
    return gift_card.recipient_email or (gift_card.customer.email if gift_card.customer_id else "")


def gift_card_send_code(*, gift_card: GiftCard) -> bool:
    """Email the full code to the recipient (or the owning customer); returns whether it was sent.

    The model records no "sent" time, so this sends whenever called: it is "once" because its only
    caller is the ``send_gift_card_code`` task, enqueued once when the issue commits. A durable guard
    against a job delivered twice would need a ``code_sent_at`` column on GiftCard."""
    card = GiftCard.objects.select_related("store", "store__site", "customer").filter(pk=gift_card.pk).first()
    if card is None or not card.is_active:
        return False
    to = gift_card_recipient(card)
    if not to:
        return False
    context = {
        "card": card,
        "store": card.store,
        "code": gift_card_format(card.code),
        "value": Money(card.initial_value, card.currency),
        "balance_url": site_url(card.store.site, reverse("gift_cards:balance")),
    }
    message = EmailMultiAlternatives(
        subject=f"Your {card.store.name} gift card",
        body=render_to_string("promotions/email/gift_card_code.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        reply_to=[card.store.contact_email] if card.store.contact_email else None,
    )
    message.attach_alternative(render_to_string("promotions/email/gift_card_code.html", context), "text/html")
    message.send()
    return True


def gift_card_send_code_later(*, gift_card: GiftCard) -> None:
    """Enqueue the code email once the current transaction commits (never for a rolled-back card)."""
    from .tasks import send_gift_card_code

    gift_card_id = gift_card.pk
    transaction.on_commit(lambda: send_gift_card_code.enqueue(gift_card_id))
