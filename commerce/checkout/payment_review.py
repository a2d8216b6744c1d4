"""Staff resolving an order whose payment did not match its total (flagged by ``order_mark_paid``).

- **Underpaid** (held unpaid, stock still reserved): *accept* counts it as paid (stock leaves the
  shelf, the confirmation and ``order_paid`` follow); *cancel* cancels it — stock, discount uses
  and gift card money come back — and refunds the card money received.
- **Overpaid** (paid): *accept* keeps the excess; *refund* sends the excess back to the card.

Each action closes the review with a timeline entry naming the member of staff. They span orders,
payments and promotions, so they live here, above them all, next to ``lifecycle``.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from commerce.core.exceptions import CommerceError
from commerce.core.locking import locked
from commerce.core.money import Money
from commerce.orders.models import Order
from commerce.orders.services import order_add_event, order_complete_payment

from .lifecycle import order_abandon, order_refund

UNDERPAID, OVERPAID = "underpaid", "overpaid"
ACTIONS = {UNDERPAID: ("accept", "cancel"), OVERPAID: ("accept", "refund")}


def _close(order: Order, *, message: str, actor: Any) -> Order:
    Order.objects.filter(pk=order.pk).update(flagged_for_review=False)
    order_add_event(order=order, type="note", message=message, actor=actor)
    order.refresh_from_db()
    return order


def _open_review(order: Order, action: str) -> tuple[Order, str]:
    order = locked(Order.objects).get(pk=order.pk)
    mismatch = order.payment_mismatch
    if mismatch is None or action not in ACTIONS[mismatch]:
        raise CommerceError("This order has no payment waiting for that decision.", field="action")
    return order, mismatch


@transaction.atomic
def order_review_accept(*, order: Order, actor: Any) -> Order:
    order, mismatch = _open_review(order, "accept")
    received = order.money(order.amount_received)
    if mismatch == UNDERPAID:
        order = order_complete_payment(order=order)
        return _close(order, message=f"Accepted {received} for a total of {order.total_money}.", actor=actor)
    return _close(order, message=f"Kept the {received} received for a total of {order.total_money}.", actor=actor)


def order_review_refund(*, order: Order, actor: Any) -> Order:
    """Overpaid: the excess goes back to the card (the refund itself calls the provider, outside
    our transaction, like every refund)."""
    order, _mismatch = _open_review(order, "refund")
    excess = order.amount_received - order.amount_refunded - order.total
    order = order_refund(order=order, amount=order.money(excess), reason="Overpayment returned", actor=actor)
    return _close(order, message=f"Refunded the overpayment of {order.money(excess)}.", actor=actor)


def order_review_cancel(*, order: Order, actor: Any) -> Order:
    """Underpaid: cancel the order (stock, discount uses, gift card money back), then refund the
    card money received."""
    order, _mismatch = _open_review(order, "cancel")
    order = order_abandon(order=order, reason="Cancelled by staff: the payment did not cover the order.")
    card_money = Money(order.amount_paid - order.amount_refunded, order.currency)
    if card_money.amount > 0:
        order = order_refund(order=order, amount=card_money, reason="Underpaid order cancelled", actor=actor)
    return _close(order, message=f"Cancelled; {card_money} refunded to the card.", actor=actor)


REVIEW_ACTIONS = {"accept": order_review_accept, "refund": order_review_refund, "cancel": order_review_cancel}
