"""Refunds: full, partial or per line with optional restock, through the provider, once."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F, Sum

from commerce.core.exceptions import CommerceError
from commerce.core.locking import locked
from commerce.core.money import Money
from commerce.orders.models import Order, OrderEvent, OrderLine
from commerce.orders.services import order_add_event, order_record_refund
from commerce.orders.stock import stock_restock

from .gateway import get_gateway
from .interface import PaymentError
from .models import Payment, Refund, RefundLine

REFUND_ANY_AMOUNT = "payments.add_refund"  # Owners and Managers; Customer service has a per-store limit
REFUND_UP_TO_LIMIT = "orders.change_order"


class RefundLimitExceeded(CommerceError):
    """Customer service asked for more than their store lets them refund: a manager must do it."""

    def __init__(self, message: str) -> None:
        super().__init__(message, field="amount", code="refund_limit")


def refund_check_allowed(*, order: Order, amount: Decimal, actor: Any) -> None:
    """Who may refund how much. The system (webhooks, jobs: no actor) and Owners/Managers may refund
    anything refundable; Customer service up to ``Store.customer_service_refund_limit``."""
    if actor is None or not getattr(actor, "is_authenticated", False) or actor.has_perm(REFUND_ANY_AMOUNT):
        return
    if not actor.has_perm(REFUND_UP_TO_LIMIT):
        raise CommerceError("You may not refund orders.", field="amount", code="forbidden")
    limit = order.store.customer_service_refund_limit
    if amount > limit:
        raise RefundLimitExceeded(
            f"Refunds above {order.money(limit)} need a manager: ask one to refund {order.money(amount)}."
        )


def refund_idempotency_key(*, order: Order, request_key: str | None) -> str:
    """A key derived from the refund request (the form's one-time token), so a double submit or a
    retry of the same request refunds once; without one, every call is a new refund."""
    if request_key:
        return f"magpie-refund-{order.pk}-{request_key}"[:100]
    return f"magpie-refund-{uuid.uuid4()}"


@dataclass(frozen=True)
class RefundLineRequest:
    order_line_id: int
    quantity: int
    restock: bool = False


def line_refund_value(line: OrderLine, quantity: int) -> Decimal:
    """What the shopper paid for ``quantity`` units of the line, after discounts and (exclusive) tax."""
    return (line.line_total * quantity / line.quantity).quantize(Decimal("0.01"))


@transaction.atomic
def _refund_prepare(
    *,
    order: Order,
    amount: Money | None,
    lines: Sequence[RefundLineRequest],
    reason: str,
    actor: Any,
    request_key: str | None,
) -> Refund:
    order = locked(Order.objects.select_related("store")).get(pk=order.pk)
    key = refund_idempotency_key(order=order, request_key=request_key)
    # Under the order's lock: the same request submitted twice (or at once) finds the first refund.
    existing = Refund.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing
    by_id = {line.pk: line for line in locked(OrderLine.objects).filter(order=order)}
    value = Decimal(0)
    for request in lines:
        line = by_id.get(request.order_line_id)
        if line is None:
            raise CommerceError("That line is not on this order.", field="lines")
        if request.quantity <= 0 or request.quantity > line.quantity - line.quantity_refunded:
            raise CommerceError(
                f"At most {line.quantity - line.quantity_refunded} of {line.sku} can be refunded.", field="lines"
            )
        value += line_refund_value(line, request.quantity)
    # What the order may still give back (card and gift card money), and what this card payment can.
    refundable = order.amount_paid + order.gift_card_total - order.amount_refunded
    payment = (
        locked(Payment.objects)
        .filter(order=order, status=Payment.Status.SUCCEEDED, amount_received__gt=F("amount_refunded"))
        .order_by("-created_at")
        .first()
    )
    on_card = payment.amount_received - payment.amount_refunded if payment is not None else Decimal(0)
    if amount is None:
        amount = Money(value if lines else min(refundable, on_card), order.currency)
    if amount.currency != order.currency:
        raise CommerceError("The refund must be in the order's currency.", field="amount")
    if amount.amount <= 0:
        raise CommerceError(
            "Nothing is left to refund to the card." if not lines else "Enter an amount above zero.", field="amount"
        )
    if amount.amount > refundable:
        raise CommerceError(f"At most {order.money(refundable)} can be refunded.", field="amount")
    if payment is None or on_card < amount.amount:
        raise CommerceError(
            f"At most {order.money(on_card)} can go back to the card; refund the rest as store credit.",
            field="amount",
        )
    refund_check_allowed(order=order, amount=amount.amount, actor=actor)
    refund = Refund.objects.create(
        payment=payment,
        order=order,
        amount=amount.amount,
        currency=amount.currency,
        reason=reason[:300],
        idempotency_key=key,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    RefundLine.objects.bulk_create(
        RefundLine(refund=refund, order_line_id=r.order_line_id, quantity=r.quantity, restock=r.restock) for r in lines
    )
    return refund


@transaction.atomic
def _refund_complete(*, refund: Refund, provider_refund_id: str, actor) -> Refund:
    refund = locked(Refund.objects).get(pk=refund.pk)
    if refund.status == Refund.Status.SUCCEEDED:
        return refund
    refund.status = Refund.Status.SUCCEEDED
    refund.provider_refund_id = provider_refund_id
    refund.save()
    Payment.objects.filter(pk=refund.payment_id).update(amount_refunded=F("amount_refunded") + refund.amount)
    amount = Money(refund.amount, refund.currency)
    order_record_refund(order=refund.order, amount=amount, reference=provider_refund_id, actor=actor)
    for refund_line in refund.lines.select_related("order_line"):
        OrderLine.objects.filter(pk=refund_line.order_line_id).update(
            quantity_refunded=F("quantity_refunded") + refund_line.quantity
        )
        if refund_line.restock and refund_line.order_line.variant_id:
            stock_restock(
                order=refund.order,
                variant_id=refund_line.order_line.variant_id,
                quantity=refund_line.quantity,
                actor=actor,
            )
            order_add_event(
                order=refund.order,
                type=OrderEvent.Type.RESTOCKED,
                message=f"Restocked {refund_line.quantity} × {refund_line.order_line.sku}.",
                actor=actor,
            )
    return refund


def refund_create(
    *,
    order: Order,
    amount: Money | None = None,
    lines: Sequence[RefundLineRequest] = (),
    reason: str = "",
    actor: Any = None,
    request_key: str | None = None,
) -> Refund:
    """Refund money to the card: an amount, or the value of lines (restocking them if asked).
    ``request_key`` identifies the request: the same key refunds once, however often it arrives."""
    refund = _refund_prepare(
        order=order, amount=amount, lines=lines, reason=reason, actor=actor, request_key=request_key
    )
    if refund.status == Refund.Status.SUCCEEDED:
        return refund
    if refund.status == Refund.Status.FAILED:
        raise CommerceError("This refund already failed; start a new one.", field="amount")
    try:
        result = get_gateway().refund(
            intent_id=refund.payment.intent_id,
            amount=Money(refund.amount, refund.currency),
            idempotency_key=refund.idempotency_key,
        )
    except PaymentError as exc:
        Refund.objects.filter(pk=refund.pk).update(status=Refund.Status.FAILED)
        raise CommerceError(f"The refund failed: {exc}", field="amount") from exc
    return _refund_complete(refund=refund, provider_refund_id=result.id, actor=actor)


@transaction.atomic
def payment_sync_refunded(*, payment: Payment, refunded: Money, reference: str) -> Payment:
    """A ``charge.refunded`` event reports the charge's total refunded amount. Refunds Magpie made
    (or is making) are already counted; anything beyond them was made elsewhere (e.g. Stripe's
    dashboard) and is recorded now, once."""
    payment = locked(Payment.objects).get(pk=payment.pk)
    if refunded.currency != payment.currency:
        return payment
    known = payment.refunds.filter(status__in=[Refund.Status.PENDING, Refund.Status.SUCCEEDED]).aggregate(
        total=Sum("amount")
    )["total"] or Decimal(0)
    missing = refunded.amount - known
    if missing <= 0:
        return payment
    Refund.objects.create(
        payment=payment,
        order_id=payment.order_id,
        amount=missing,
        currency=payment.currency,
        reason="Refunded at the payment provider.",
        idempotency_key=f"external-{reference}-{refunded.to_minor_units()}",
        provider_refund_id=None,
        status=Refund.Status.SUCCEEDED,
    )
    Payment.objects.filter(pk=payment.pk).update(amount_refunded=F("amount_refunded") + missing)
    order_record_refund(order=payment.order, amount=Money(missing, payment.currency), reference=reference)
    payment.refresh_from_db()
    return payment
