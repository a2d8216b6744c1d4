"""What left the building and what came back: fulfilments (shipments of order lines from a stock
location) and return requests (RMA). Declared here, imported by ``models.py``; services write them
(``fulfilment.py``, ``returns.py``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Fulfilment(models.Model):
    """Units of an order's lines packed at one location and, once marked shipped, on their way.

    ``location`` defaults to where the stock was reserved (``StockReservation.location``). The
    shipping issue links its ``Shipment`` (label, rate) to a fulfilment; carrier and tracking live
    here so a parcel sent without a bought label is tracked the same way."""

    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting shipment"
        SHIPPED = "shipped", "Shipped"
        DELIVERED = "delivered", "Delivered"

    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="fulfilments")
    sequence = models.PositiveSmallIntegerField(help_text="1, 2, … within the order.")
    location = models.ForeignKey(
        "inventory.StockLocation", on_delete=models.PROTECT, related_name="fulfilments", help_text="Shipped from."
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    carrier = models.CharField(max_length=60, blank=True)
    tracking_number = models.CharField(max_length=100, blank=True)
    tracking_url = models.URLField(max_length=500, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["order", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["order", "sequence"], name="fulfilment_sequence_unique_per_order"),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(shipped_at__isnull=False), name="fulfilment_shipped_has_date"
            ),
        ]

    def __str__(self) -> str:
        return f"Fulfilment {self.order_id}-{self.sequence} ({self.status})"

    @property
    def label(self) -> str:
        return f"#{self.sequence}"


class FulfilmentLine(models.Model):
    fulfilment = models.ForeignKey(Fulfilment, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey("orders.OrderLine", on_delete=models.PROTECT, related_name="fulfilment_lines")
    quantity = models.PositiveIntegerField()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="fulfilment_line_quantity_positive"),
            models.UniqueConstraint(fields=["fulfilment", "order_line"], name="fulfilment_line_once_per_line"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × line {self.order_line_id}"


class ReturnRequest(models.Model):
    """A return (RMA): requested by the customer or created by staff; approved or rejected; the
    goods received (and put back in stock where chosen); then refunded through the one refund path."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        APPROVED = "approved", "Approved"
        RECEIVED = "received", "Received"
        REFUNDED = "refunded", "Refunded"
        REJECTED = "rejected", "Rejected"

    OPEN = (Status.REQUESTED, Status.APPROVED, Status.RECEIVED)

    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="returns")
    sequence = models.PositiveSmallIntegerField(help_text="1, 2, … within the order.")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.REQUESTED)
    note = models.CharField(max_length=500, blank=True, help_text="The customer's words.")
    staff_reason = models.CharField(max_length=300, blank=True, help_text="Why it was rejected, for the customer.")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by_staff = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    refund_key = models.CharField(
        max_length=40, blank=True, help_text="The refund request made for this return (its idempotency key)."
    )

    class Meta:
        ordering = ["order", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["order", "sequence"], name="return_sequence_unique_per_order"),
        ]
        indexes = [models.Index(fields=["status"], name="return_status_idx")]

    def __str__(self) -> str:
        return f"Return {self.order_id}-{self.sequence} ({self.status})"

    @property
    def label(self) -> str:
        return f"R{self.sequence}"


class ReturnReason(models.TextChoices):
    DAMAGED = "damaged", "Arrived damaged"
    WRONG_ITEM = "wrong_item", "Wrong item sent"
    NOT_AS_DESCRIBED = "not_as_described", "Not as described"
    SIZE = "size", "Does not fit"
    CHANGED_MIND = "changed_mind", "Changed my mind"
    OTHER = "other", "Other"


class ReturnLine(models.Model):
    return_request = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey("orders.OrderLine", on_delete=models.PROTECT, related_name="return_lines")
    quantity = models.PositiveIntegerField()
    reason = models.CharField(max_length=20, choices=ReturnReason.choices)
    restocked = models.PositiveIntegerField(default=0, help_text="Units put back in stock when received.")

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="return_line_quantity_positive"),
            models.CheckConstraint(
                condition=Q(restocked__lte=models.F("quantity")), name="return_line_restock_within_quantity"
            ),
            models.UniqueConstraint(fields=["return_request", "order_line"], name="return_line_once_per_line"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × line {self.order_line_id} ({self.reason})"
