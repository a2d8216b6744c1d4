"""What happens to an order across apps when it is abandoned, expires or is refunded.

Orders, payments and promotions are siblings or lower floors that may not call each other, so
the steps that span them are orchestrated here, above them all."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from commerce.core.locking import locked
from commerce.core.money import Money
from commerce.orders.models import Order, OrderStatus
from commerce.orders.services import order_add_event, order_payment_expired
from commerce.orders.stock import expired_reservation_order_ids
from commerce.payments.refunds import RefundLineRequest, refund_create
from commerce.promotions.discounts import discounts_release
from commerce.promotions.gift_cards import gift_card_refund_redemptions


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
            if order.is_paid:
                continue
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
) -> Order:
    """Refund to the card; a fully refunded order gives its discount uses back."""
    refund_create(order=order, amount=amount, lines=lines, reason=reason, actor=actor)
    order.refresh_from_db()
    if order.status == OrderStatus.REFUNDED:
        released = discounts_release(order=order)
        if released:
            order_add_event(order=order, type="note", message="Fully refunded: discount uses released.", actor=actor)
    return order
