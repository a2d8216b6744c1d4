"""Payments against orders, the provider events that changed them, and refunds."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q

AMOUNT = {"max_digits": 12, "decimal_places": 2}


class Payment(models.Model):
    """One attempt to take money for an order through a provider (one PaymentIntent)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        REQUIRES_ACTION = "requires_action", "Requires action"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        CANCELED = "canceled", "Canceled"

    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="payments")
    provider = models.CharField(max_length=20, default="stripe")
    idempotency_key = models.CharField(max_length=100, unique=True)
    intent_id = models.CharField(max_length=100, unique=True, null=True, blank=True)
    amount = models.DecimalField(**AMOUNT)
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    amount_received = models.DecimalField(**AMOUNT, default=Decimal("0"))
    amount_refunded = models.DecimalField(**AMOUNT, default=Decimal("0"))
    failure_message = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(condition=Q(amount_refunded__gte=0), name="payment_refunded_not_negative"),
            models.CheckConstraint(
                condition=Q(amount_refunded__lte=F("amount_received")), name="payment_refund_within_received"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.intent_id or self.idempotency_key} ({self.status})"


class PaymentEventQuerySet(models.QuerySet["PaymentEvent"]):
    def waiting(self) -> PaymentEventQuerySet:
        """Events that name a payment of ours we could not find yet: unprocessed, to be retried."""
        return self.filter(processed_at__isnull=True, result__startswith=f"{PaymentEvent.WAITING}:")


class PaymentEvent(models.Model):
    """A provider event (webhook), stored before it is acted on and applied once.

    ``result`` says what came of it: ``applied: ...``, ``ignored: ...``, ``failed: ...`` (set
    with ``processed_at``), or ``waiting: ...`` while it names a payment of ours that is not
    there yet (``processed_at`` still empty: the provider's retry, or ``maintain_store``, tries again).
    """

    WAITING = "waiting"

    provider = models.CharField(max_length=20, default="stripe")
    event_id = models.CharField(max_length=100)
    type = models.CharField(max_length=100)
    payload = models.JSONField()
    payment = models.ForeignKey(Payment, null=True, blank=True, on_delete=models.SET_NULL, related_name="events")
    order = models.ForeignKey(
        "orders.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="payment_events"
    )
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    result = models.CharField(max_length=300, blank=True)

    objects = PaymentEventQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at"]
        constraints = [models.UniqueConstraint(fields=["provider", "event_id"], name="payment_event_unique")]

    def __str__(self) -> str:
        return f"{self.provider} {self.type} {self.event_id}"

    @property
    def is_waiting(self) -> bool:
        return self.processed_at is None and self.result.startswith(f"{self.WAITING}:")


class Refund(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="refunds")
    amount = models.DecimalField(**AMOUNT)
    currency = models.CharField(max_length=3)
    reason = models.CharField(max_length=300, blank=True)
    idempotency_key = models.CharField(max_length=100, unique=True)
    provider_refund_id = models.CharField(max_length=100, unique=True, null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive")]

    def __str__(self) -> str:
        return f"Refund {self.amount} {self.currency} on {self.order}"


class RefundLine(models.Model):
    refund = models.ForeignKey(Refund, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey("orders.OrderLine", on_delete=models.PROTECT, related_name="refund_lines")
    quantity = models.PositiveIntegerField()
    restock = models.BooleanField(default=False)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="refund_line_quantity_positive")]

    def __str__(self) -> str:
        return f"{self.quantity} × line {self.order_line_id}"
