"""Background jobs for promotions: thin, idempotent, enqueued after commit."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from commerce.core.rls import runs_as_system


@task()
@runs_as_system("task:send_gift_card_code")
def send_gift_card_code(gift_card_id: int) -> bool:
    """Email a new card's code. Enqueued once, on commit of the issue (see ``gift_card_send_code``)."""
    from .gift_cards import gift_card_send_code
    from .models import GiftCard

    gift_card = GiftCard.objects.filter(pk=gift_card_id).first()
    return gift_card is not None and gift_card_send_code(gift_card=gift_card)


@task()
@runs_as_system("task:issue_gift_cards_for_order")
def issue_gift_cards_for_order(order_id: int) -> int:
    """Issue the cards a paid order bought; running it again issues nothing more."""
    from .gift_card_sales import gift_cards_issue_for_order

    return len(gift_cards_issue_for_order(order_id=order_id))


@task()
@runs_as_system("task:expire_gift_cards")
def expire_gift_cards() -> int:
    """Zero the balance of cards past their expiry; safe to run as often as you like."""
    from .gift_cards import gift_cards_expire

    return gift_cards_expire(now=timezone.now())


@task()
@runs_as_system("task:release_discounts_for_refunded_order")
def release_discounts_for_refunded_order(order_id: int) -> int:
    """A fully refunded order gives its discount uses back, however it was refunded (admin,
    cancellation, store credit or Stripe's dashboard). Idempotent: a second run releases nothing."""
    from django.db import transaction

    from commerce.orders.models import Order, OrderStatus
    from commerce.orders.services import order_add_event

    from .discounts import discounts_release

    with transaction.atomic():
        order = Order.objects.filter(pk=order_id, status__in=[OrderStatus.REFUNDED, OrderStatus.CANCELLED]).first()
        released = 0 if order is None else discounts_release(order=order)
        if released:
            order_add_event(order=order, type="note", message="Fully refunded: discount uses released.")
    return released
