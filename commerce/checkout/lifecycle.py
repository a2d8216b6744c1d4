"""What happens to an order across apps when it is abandoned, expires or is refunded.

Orders, payments and promotions are siblings or lower floors that may not call each other, so
the steps that span them are orchestrated here, above them all."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from commerce.core.exceptions import CommerceError
from commerce.core.locking import locked
from commerce.core.money import Money
from commerce.orders.models import Order, OrderStatus
from commerce.orders.services import order_add_event, order_payment_expired, order_record_refund
from commerce.orders.stock import expired_reservation_order_ids
from commerce.payments.refunds import RefundLineRequest, refund_check_allowed, refund_create
from commerce.promotions.discounts import discounts_release
from commerce.promotions.gift_cards import (
    gift_card_credit,
    gift_card_issue,
    gift_card_refund_redemptions,
    gift_card_send_code_later,
)
from commerce.promotions.models import GiftCard, GiftCardTransaction


@transaction.atomic
def order_abandon(*, order: Order, reason: str) -> Order:
    """Cancel an unpaid order: its stock, discount uses and gift card money all come back."""
    order = order_payment_expired(order=order, reason=reason)
    if order.status == OrderStatus.CANCELLED:
        discounts_release(order=order)
        gift_card_refund_redemptions(order=order, reason=reason)
    return order


def orders_expire() -> int:
    """The job: abandon every unpaid order whose stock reservation ran out."""
    count = 0
    for order_id in expired_reservation_order_ids():
        with transaction.atomic():
            order = locked(Order.objects).get(pk=order_id)
            if order.is_paid or order.amount_paid > order.amount_refunded:
                continue  # paid, or money held for staff review (payment_review): never auto-cancelled
            order_abandon(order=order, reason="Not paid in time.")
            count += 1
    return count


def order_refund(
    *,
    order: Order,
    amount: Money | None = None,
    lines: Sequence[RefundLineRequest] = (),
    reason: str = "",
    actor=None,
    request_key: str | None = None,
) -> Order:
    """Refund to the card. Discount uses of a fully refunded order are released by the one path
    every refund takes (``order_record_refund`` → ``order_refunded`` → the promotions job)."""
    refund_create(order=order, amount=amount, lines=lines, reason=reason, actor=actor, request_key=request_key)
    order.refresh_from_db()
    return order


@transaction.atomic
def order_refund_to_gift_card(
    *, order: Order, amount: Money, reason: str = "", actor=None, request_key: str | None = None
) -> GiftCard | None:
    """Refund as store credit: onto the gift card the order was paid with, if any, else onto a new
    card emailed to the buyer. Never more than was paid; a full refund releases discount uses
    (through ``order_refunded``, like every refund).
    The same ``request_key`` (the form's one-time token) credits once: a repeat returns None."""
    order = locked(Order.objects.select_related("store")).get(pk=order.pk)
    if request_key and order.events.filter(data__request_key=request_key).exists():
        return None
    if not order.is_paid:
        raise CommerceError("Only a paid order can be refunded.", field="amount")
    if amount.amount <= 0:
        raise CommerceError("Enter an amount above zero.", field="amount")
    refund_check_allowed(order=order, amount=amount.amount, actor=actor)
    order = order_record_refund(order=order, amount=amount, reference="store credit", actor=actor)
    card = (
        GiftCard.objects.filter(transactions__order=order, transactions__kind=GiftCardTransaction.Kind.REDEEM)
        .order_by("pk")
        .first()
    )
    if card is not None:
        gift_card_credit(gift_card=card, amount=amount, order=order, reason=reason or "Refund", actor=actor)
    else:
        card = gift_card_issue(
            store=order.store, value=amount, customer=order.customer, recipient_email=order.email, actor=actor
        )
        gift_card_send_code_later(gift_card=card)
    order_add_event(
        order=order,
        type="refunded",
        message=f"{amount} refunded to gift card {card.masked_code}.",
        data={"request_key": request_key} if request_key else None,
        actor=actor,
    )
    return card
