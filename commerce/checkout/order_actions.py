"""The back office's order actions: refund (to the card or as store credit) and cancel.

They span orders, payments and promotions, so they live here with ``lifecycle``; the admin views
only call them. Each writes the order's timeline and Wagtail's audit log with the staff member.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db.models import F, Sum

from commerce.core.exceptions import CommerceError
from commerce.core.money import Money
from commerce.orders.audit import order_log_staff_action
from commerce.orders.models import Order, OrderEvent, OrderStatus
from commerce.orders.stock import stock_restock
from commerce.payments.models import Payment, Refund
from commerce.payments.refunds import RefundLineRequest, refund_check_allowed, refund_idempotency_key

from .lifecycle import order_abandon, order_refund, order_refund_to_gift_card

TO_CARD, TO_GIFT_CARD = "card", "gift_card"
NOT_CANCELLABLE = {
    OrderStatus.CANCELLED,
    OrderStatus.REFUNDED,
    OrderStatus.FULFILLED,
    OrderStatus.PARTIALLY_FULFILLED,
}


def order_staff_refund(
    *,
    order: Order,
    to: str,
    amount: Money | None,
    lines: Sequence[RefundLineRequest],
    reason: str,
    actor: Any,
    request_key: str,
) -> Order:
    """A refund from the order screen: to the card (an amount, or lines with optional restock) or
    as store credit onto a gift card. The request key makes a double submit refund once."""
    if to == TO_GIFT_CARD:
        if amount is None:
            raise CommerceError("Enter the amount to put on a gift card.", field="amount")
        if lines:
            raise CommerceError("Lines are refunded to the card; store credit is an amount.", field="lines")
        if (
            order_refund_to_gift_card(order=order, amount=amount, reason=reason, actor=actor, request_key=request_key)
            is None
        ):
            return Order.objects.get(pk=order.pk)  # the same request again: already credited
    elif to == TO_CARD:
        order = order_refund(
            order=order, amount=amount, lines=lines, reason=reason, actor=actor, request_key=request_key
        )
    else:
        raise CommerceError("Choose the card or a gift card.", field="to")
    order = Order.objects.get(pk=order.pk)
    order_log_staff_action(
        order=order,
        action="magpie.order.refund",
        type=None,
        message=f"Refunded to the {'gift card' if to == TO_GIFT_CARD else 'card'}.",
        actor=actor,
        data={"to": to, "request_key": request_key},
    )
    return order


def refund_request_seen(*, order: Order, request_key: str) -> str | None:
    """What ``order_staff_refund`` already did with this request key on ``order``: ``TO_CARD`` (a
    refund row carries its idempotency key), ``TO_GIFT_CARD`` (the timeline entry carries the key)
    or None (a new request)."""
    if Refund.objects.filter(idempotency_key=refund_idempotency_key(order=order, request_key=request_key)).exists():
        return TO_CARD
    if order.events.filter(data__request_key=request_key).exists():
        return TO_GIFT_CARD
    return None


def _card_money_left(order: Order) -> Decimal:
    return Payment.objects.filter(order=order, status=Payment.Status.SUCCEEDED).aggregate(
        left=Sum(F("amount_received") - F("amount_refunded"))
    )["left"] or Decimal(0)


def order_cancel(*, order: Order, actor: Any, reason: str = "Cancelled by staff.") -> Order:
    """Cancel an order nothing has shipped from. Unpaid: its reserved stock, discount uses and gift
    card money come back. Paid: everything still held is refunded — card money to the card with
    every line restocked at the location it was sold from, gift card money back onto the card —
    and the discount uses are released. Customer service's refund limit applies to the whole."""
    order = Order.objects.select_related("store").get(pk=order.pk)
    if order.status in NOT_CANCELLABLE or order.lines.filter(quantity_fulfilled__gt=0).exists():
        raise CommerceError(
            "Only an order that is not shipped, cancelled or refunded can be cancelled.", field="action"
        )
    if order.payment_mismatch == "underpaid":
        raise CommerceError("This order's payment is under review: decide it with the review buttons.", field="action")
    if not order.is_paid:
        order = order_abandon(order=order, reason=reason)
    else:
        left = order.amount_paid + order.gift_card_total - order.amount_refunded
        refund_check_allowed(order=order, amount=left, actor=actor)  # before anything moves
        on_card = min(_card_money_left(order), left)
        held = [line for line in order.lines.all() if line.quantity > line.quantity_refunded]
        restock = [RefundLineRequest(line.pk, line.quantity - line.quantity_refunded, restock=True) for line in held]
        if on_card > 0:
            order = order_refund(order=order, amount=order.money(on_card), lines=restock, reason=reason, actor=actor)
        else:
            for line in held:
                if line.variant_id:
                    quantity = line.quantity - line.quantity_refunded
                    stock_restock(order=order, variant_id=line.variant_id, quantity=quantity, actor=actor)
        if left - on_card > 0:
            order_refund_to_gift_card(order=order, amount=order.money(left - on_card), reason=reason, actor=actor)
        Order.objects.filter(pk=order.pk).update(status=OrderStatus.CANCELLED)
    order = Order.objects.get(pk=order.pk)
    order_log_staff_action(
        order=order, action="magpie.order.cancel", type=OrderEvent.Type.CANCELLED, message=reason, actor=actor
    )
    return order
