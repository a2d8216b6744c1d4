"""What staff do to a gift card besides adjusting its balance: issue one (and email its code to
the recipient once the issue commits) and disable or enable one. The admin's screens and the
staff API both call these.

A disabled card cannot pay (``gift_card_usable`` answers "inactive") and does not count as
liability; its balance and ledger stay as they are, so enabling it again gives the holder back
exactly what they had. Money can still be credited back to it (``gift_card_credit``): that money
is the holder's.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction

from commerce.core.locking import locked
from commerce.core.money import Money
from commerce.stores.models import Store

from .gift_cards import gift_card_issue, gift_card_recipient, gift_card_send_code_later
from .models import GiftCard


@transaction.atomic
def gift_card_issue_by_staff(
    *,
    store: Store,
    value: Money,
    expires_at: datetime | None = None,
    customer: Any = None,
    recipient_email: str = "",
    actor: Any,
) -> tuple[GiftCard, str]:
    """Issue a card and, when it has a recipient (or an owning customer), email them the code after
    commit. Returns the card and the address it is emailed to ("" when none)."""
    card = gift_card_issue(
        store=store,
        value=value,
        expires_at=expires_at,
        customer=customer,
        recipient_email=recipient_email,
        actor=actor,
    )
    emailed_to = gift_card_recipient(card)
    if emailed_to:
        gift_card_send_code_later(gift_card=card)
    return card, emailed_to


@transaction.atomic
def gift_card_set_active(*, gift_card: GiftCard, active: bool) -> GiftCard:
    """Disable (``active=False``) or enable a card, under its row lock; idempotent.

    Takes the lock ``gift_card_redeem`` takes, so a redemption in flight either finishes before
    the card is disabled or sees it disabled."""
    card = locked(GiftCard.objects).select_related("store").get(pk=gift_card.pk)
    if card.is_active != active:
        card.is_active = active
        card.save(update_fields=["is_active"])
    return card
