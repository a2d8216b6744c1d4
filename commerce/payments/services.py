"""Taking money for orders, applying provider events once, and refunds.

Network calls happen outside database transactions: a Payment row with its idempotency key is
committed first, so a crash between our commit and the provider's answer leaves a record the
webhook can complete (it finds the payment by intent id or by our id in the intent's metadata).

An event can still arrive before the payment it names is visible (a caller that holds the
payment in a longer transaction, a replica behind): an intent event whose metadata names one of
our payments (``magpie_payment_id``) that we cannot find is kept unprocessed as *waiting* and
answered 409, so the provider retries it (Stripe does for up to three days) and ``maintain_store``
retries it too; once the payment exists it is applied. After ``WAIT_FOR_PAYMENT`` it is marked
ignored with the reason. Events that name nothing of ours are ignored at once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from commerce.core.exceptions import CommerceError
from commerce.core.locking import locked
from commerce.core.money import Money
from commerce.orders.models import Order
from commerce.orders.services import order_mark_paid_locked, order_payment_failed

from .gateway import get_gateway
from .gateways.stripe import event_object, intent_result_from_dict, refunded_charge_from_dict
from .interface import GatewayError, IntentResult, MalformedEvent, PaymentDeclined, WebhookEvent
from .models import Payment, PaymentEvent

logger = logging.getLogger(__name__)
INTENT_EVENTS = {"payment_intent.succeeded", "payment_intent.payment_failed"}
IN_FLIGHT = {Payment.Status.PENDING, Payment.Status.REQUIRES_ACTION}
WAIT_FOR_PAYMENT = timedelta(hours=24)
UNDER_REVIEW = "We received your payment and are checking it; we will email you when your order is confirmed."


@dataclass(frozen=True)
class PaymentOutcome:
    payment: Payment | None  # None for an order paid entirely by gift cards
    order: Order
    status: str  # "paid" | "requires_action" | "failed" | "pending"
    client_secret: str = ""
    message: str = ""


class PaymentNotFoundYet(Exception):
    """A provider event names one of our payments (by our id in its metadata) that this database
    does not show yet: its transaction has not committed, or it never will."""

    def __init__(self, payment_id: int) -> None:
        super().__init__(f"payment {payment_id} not found yet")
        self.payment_id = payment_id


class AlreadyPaid(CommerceError):
    def __init__(self) -> None:
        super().__init__("This order is already paid.", code="already_paid")


@transaction.atomic
def payment_create_for_order(*, order: Order) -> Payment:
    """A new attempt for an unpaid order, keyed for idempotency. Refuses while one is in flight."""
    return payment_create_for_locked_order(order=locked(Order.objects).get(pk=order.pk))


def payment_create_for_locked_order(*, order: Order) -> Payment:
    """``payment_create_for_order`` for a caller whose transaction holds the order's row lock (or
    created the order): the same rules without locking it again. The caller commits the row before
    calling the provider (``payment_charge``)."""
    if order.is_paid:
        raise AlreadyPaid()
    if order.amount_due_by_card <= 0:
        raise CommerceError("Nothing is left to pay by card.", code="nothing_due")
    statuses = list(order.payments.values_list("status", flat=True))  # one read: attempts and any in flight
    if IN_FLIGHT.intersection(statuses):
        raise CommerceError("A payment for this order is already in progress.", code="payment_in_progress")
    attempt = len(statuses) + 1
    return Payment.objects.create(
        order=order,
        provider="stripe",
        idempotency_key=f"magpie-order-{order.pk}-attempt-{attempt}",
        amount=order.amount_due_by_card,
        currency=order.currency,
    )


def payment_charge(*, payment: Payment, order: Order, payment_method: str) -> PaymentOutcome:
    """Ask the provider to charge ``payment_method`` for ``payment`` (a committed row of ``order``),
    outside any transaction, then apply its answer."""
    try:
        intent = get_gateway().create_payment_intent(
            amount=Money(payment.amount, payment.currency),
            payment_method=payment_method,
            idempotency_key=payment.idempotency_key,
            metadata={"magpie_payment_id": str(payment.pk), "magpie_order": order.number},
            description=f"{order.store.name} order {order.number}",
        )
    except PaymentDeclined as exc:
        payment = payment_record_failure(payment=payment, message=str(exc))
        return PaymentOutcome(payment, payment.order, "failed", message=str(exc))
    except GatewayError:
        # Unknown outcome: the payment stays pending; the webhook or a later sync settles it.
        payment.refresh_from_db()
        return PaymentOutcome(payment, payment.order, "pending", message="We could not reach the payment provider.")
    return payment_apply_intent(payment=payment, intent=intent)


@transaction.atomic
def payment_record_failure(*, payment: Payment, message: str) -> Payment:
    payment = locked(Payment.objects).select_related("order").get(pk=payment.pk)
    if payment.status == Payment.Status.SUCCEEDED:
        return payment
    payment.status = Payment.Status.FAILED
    payment.failure_message = message[:300]
    payment.save(update_fields=["status", "failure_message", "updated_at"])
    order_payment_failed(order=payment.order, message=f"Payment failed: {message}")
    return payment


@transaction.atomic
def payment_apply_intent(*, payment: Payment, intent: IntentResult) -> PaymentOutcome:
    """Bring our records in line with the provider's intent. Idempotent; 'succeeded' is final."""
    order = locked(Order.objects).get(pk=payment.order_id)
    payment = locked(Payment.objects).get(pk=payment.pk)
    if not payment.intent_id:
        payment.intent_id = intent.id
    if payment.status == Payment.Status.SUCCEEDED:
        payment.save(update_fields=["intent_id", "updated_at"])
        return PaymentOutcome(payment, order, "paid")
    if intent.status == "succeeded":
        payment.status = Payment.Status.SUCCEEDED
        payment.amount_received = intent.amount_received.amount
        payment.failure_message = ""
        payment.save()
        order = order_mark_paid_locked(order=order, amount=intent.amount_received, reference=intent.id)
        if not order.is_paid:  # money that does not cover the order: held for staff review
            return PaymentOutcome(payment, order, "pending", message=UNDER_REVIEW)
        return PaymentOutcome(payment, order, "paid")
    if intent.status == "requires_action":
        payment.status = Payment.Status.REQUIRES_ACTION
        payment.save()
        return PaymentOutcome(payment, order, "requires_action", client_secret=intent.client_secret)
    if intent.status in {"requires_payment_method", "canceled"}:
        payment.save(update_fields=["intent_id", "updated_at"])
        message = intent.failure_message or "Your card was declined."
        payment = payment_record_failure(payment=payment, message=message)
        return PaymentOutcome(payment, payment.order, "failed", message=message)
    payment.save()
    return PaymentOutcome(payment, order, "pending")


def payment_sync(*, payment: Payment) -> PaymentOutcome:
    """Ask the provider for the intent's state (after 3-D Secure, or when unsure) and apply it."""
    if not payment.intent_id:
        return PaymentOutcome(payment, payment.order, "pending")
    intent = get_gateway().retrieve_payment_intent(payment.intent_id)
    return payment_apply_intent(payment=payment, intent=intent)


# -- webhooks --------------------------------------------------------------------------------


def webhook_record(*, event: WebhookEvent, provider: str = "stripe") -> PaymentEvent:
    """Store the event before acting on it; a duplicate delivery returns the stored row."""
    try:
        with transaction.atomic():
            return PaymentEvent.objects.create(
                provider=provider, event_id=event.id, type=event.type, payload=event.payload
            )
    except IntegrityError:
        return PaymentEvent.objects.get(provider=provider, event_id=event.id)


def _payment_for(*, intent_id: str, metadata: dict[str, Any]) -> Payment | None:
    payment = Payment.objects.filter(intent_id=intent_id).first() if intent_id else None
    if payment is None and (payment_id := _our_payment_id(metadata)) is not None:
        payment = Payment.objects.filter(pk=payment_id).first()
    return payment


def _our_payment_id(metadata: dict[str, Any]) -> int | None:
    """The id of one of our payments that the provider's object says it belongs to (we set
    ``magpie_payment_id`` on every PaymentIntent we create), or None."""
    payment_id = str(metadata.get("magpie_payment_id") or "")
    return int(payment_id) if payment_id.isdigit() and len(payment_id) < 19 else None


def _apply_event(record: PaymentEvent) -> tuple[Payment | None, str]:
    """Read the stored event into typed data, then act on it; ``MalformedEvent`` before any write
    when the body is not shaped as the provider documents."""
    if record.type in INTENT_EVENTS:
        intent = intent_result_from_dict(event_object(record.payload))
        payment = _payment_for(intent_id=intent.id, metadata=intent.metadata)
        if payment is None:
            payment_id = _our_payment_id(intent.metadata)
            if payment_id is not None:
                raise PaymentNotFoundYet(payment_id)
            return None, "ignored: no matching payment"
        if payment.status == Payment.Status.SUCCEEDED and payment.intent_id == intent.id:
            # Already applied (usually by the payment request itself, which had the provider's answer
            # first): 'succeeded' is final, so there is nothing to lock or write.
            return payment, "applied: paid"
        return payment, f"applied: {payment_apply_intent(payment=payment, intent=intent).status}"
    if record.type == "charge.refunded":
        from .refunds import payment_sync_refunded

        charge = refunded_charge_from_dict(event_object(record.payload))
        payment = _payment_for(intent_id=charge.intent_id, metadata={})
        if payment is None:
            return None, "ignored: no matching payment"
        payment_sync_refunded(payment=payment, refunded=charge.amount_refunded, reference=charge.id)
        return payment, "applied: refund synced"
    return None, "ignored: event type not handled"


def webhook_apply(*, record: PaymentEvent, problem: str = "") -> PaymentEvent:
    """Apply a stored event exactly once (the row lock makes concurrent deliveries wait). A
    malformed event (``problem``, or found so while reading it) is marked ``failed: <reason>``:
    it stays visible in the payment events admin and is never retried into a 500. An event naming
    a payment of ours that is not there yet stays unprocessed (``waiting: ...``, see
    ``PaymentEvent.is_waiting``) until a retry finds it, or is ignored once it has waited
    ``WAIT_FOR_PAYMENT`` since it first arrived."""
    with transaction.atomic():
        record = locked(PaymentEvent.objects).get(pk=record.pk)
        if record.processed_at is not None:
            return record
        payment = None
        if problem:
            result = f"failed: {problem}"
        else:
            try:
                with transaction.atomic():  # nothing half-applied when the body turns out malformed
                    payment, result = _apply_event(record)
            except (MalformedEvent, CommerceError) as exc:
                result = f"failed: {exc}"
            except PaymentNotFoundYet as exc:
                if timezone.now() - record.received_at < WAIT_FOR_PAYMENT:
                    record.result = f"{PaymentEvent.WAITING}: payment {exc.payment_id} not found yet"
                    record.save(update_fields=["result"])
                    logger.info("payment event %s (%s) %s", record.event_id, record.type, record.result)
                    return record
                hours = round(WAIT_FOR_PAYMENT.total_seconds() / 3600)
                result = f"ignored: payment {exc.payment_id} still not found after {hours} hours"
                logger.warning("payment event %s (%s) %s", record.event_id, record.type, result)
        if result.startswith("failed"):
            logger.warning("payment event %s (%s) failed: %s", record.event_id, record.type, result)
        record.payment = payment
        record.order_id = payment.order_id if payment else None
        record.processed_at = timezone.now()
        record.result = result[:300]
        record.save()
        return record


def webhook_retry_waiting() -> int:
    """Apply again every event still waiting for its payment (for providers or set-ups that do
    not retry, such as localstripe); each applies, keeps waiting or, past ``WAIT_FOR_PAYMENT``,
    is ignored. Returns how many were settled. Safe to run at any time and concurrently with a
    provider's own retry (``webhook_apply`` locks the event)."""
    waiting = list(PaymentEvent.objects.waiting().order_by("received_at", "pk"))
    return sum(webhook_apply(record=record).processed_at is not None for record in waiting)
