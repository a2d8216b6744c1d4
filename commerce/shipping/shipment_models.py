"""Labels and tracking: a ``Shipment`` is a label bought from the carrier platform for a fulfilment
(or a return), and ``TrackingEvent``s are what the carrier reported about it. ``ShippingEvent``
stores each tracking webhook before it is acted on, like ``PaymentEvent``. Imported by ``models.py``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

AMOUNT = {"max_digits": 12, "decimal_places": 2}


class ShipmentStatus(models.TextChoices):
    PURCHASING = "purchasing", "Buying label"
    LABEL_FAILED = "label_failed", "Label refused"
    LABEL_CREATED = "label_created", "Label created"
    IN_TRANSIT = "in_transit", "In transit"
    OUT_FOR_DELIVERY = "out_for_delivery", "Out for delivery"
    DELIVERED = "delivered", "Delivered"
    RETURNED = "returned", "Returned to sender"
    FAILURE = "failure", "Delivery problem"
    VOIDED = "voided", "Voided"


# A shipment that still holds (or is getting) a live label: at most one per fulfilment or return.
LIVE = (
    ShipmentStatus.PURCHASING,
    ShipmentStatus.LABEL_CREATED,
    ShipmentStatus.IN_TRANSIT,
    ShipmentStatus.OUT_FOR_DELIVERY,
    ShipmentStatus.DELIVERED,
    ShipmentStatus.RETURNED,
    ShipmentStatus.FAILURE,
)
# Parcels the carrier may still report on: the periodic refresh asks about these.
TRACKED = (
    ShipmentStatus.LABEL_CREATED,
    ShipmentStatus.IN_TRANSIT,
    ShipmentStatus.OUT_FOR_DELIVERY,
    ShipmentStatus.FAILURE,
)


class Shipment(models.Model):
    class Kind(models.TextChoices):
        OUTBOUND = "outbound", "To the customer"
        RETURN = "return", "Return to the store"

    store = models.ForeignKey("stores.Store", on_delete=models.PROTECT, related_name="shipments")
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="shipments")
    fulfilment = models.ForeignKey(
        "orders.Fulfilment", null=True, blank=True, on_delete=models.PROTECT, related_name="shipments"
    )
    return_request = models.ForeignKey(
        "orders.ReturnRequest", null=True, blank=True, on_delete=models.PROTECT, related_name="shipments"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.OUTBOUND)
    location = models.ForeignKey(
        "inventory.StockLocation",
        on_delete=models.PROTECT,
        related_name="shipments",
        help_text="Ships from (or back to).",
    )
    provider = models.CharField(max_length=20, default="shippo")
    idempotency_key = models.CharField(max_length=100, unique=True, help_text="Sent with the purchase; found on retry.")
    rate_id = models.CharField(max_length=64, help_text="The provider's rate the label is bought with.")
    transaction_id = models.CharField(max_length=64, unique=True, null=True, blank=True)
    carrier = models.CharField(max_length=60)
    service = models.CharField(max_length=120)
    cost = models.DecimalField(**AMOUNT)
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=20, choices=ShipmentStatus.choices, default=ShipmentStatus.PURCHASING)
    tracking_number = models.CharField(max_length=100, blank=True, db_index=True)
    tracking_url = models.URLField(max_length=500, blank=True)
    label_url = models.URLField(max_length=500, blank=True)
    status_detail = models.CharField(max_length=300, blank=True, help_text="The carrier's latest words.")
    purchase_attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    refund_id = models.CharField(max_length=64, blank=True, help_text="The provider's void (refund) request.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    tracked_at = models.DateTimeField(null=True, blank=True, help_text="When the carrier was last asked.")
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["fulfilment"], condition=Q(status__in=LIVE), name="shipment_one_live_label_per_fulfilment"
            ),
            models.UniqueConstraint(
                fields=["return_request"], condition=Q(status__in=LIVE), name="shipment_one_live_label_per_return"
            ),
            models.CheckConstraint(
                condition=Q(kind="outbound", fulfilment__isnull=False, return_request__isnull=True)
                | Q(kind="return", return_request__isnull=False, fulfilment__isnull=True),
                name="shipment_for_a_fulfilment_or_a_return",
            ),
            models.CheckConstraint(condition=Q(cost__gte=0), name="shipment_cost_not_negative"),
        ]
        indexes = [models.Index(fields=["status", "tracked_at"])]

    def __str__(self) -> str:
        return f"{self.carrier} {self.tracking_number or self.idempotency_key} ({self.get_status_display()})"


class TrackingEvent(models.Model):
    """One status the carrier reported for a shipment (from the webhook or the periodic refresh)."""

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="tracking_events")
    event_id = models.CharField(max_length=64, help_text="The provider's id of this status.")
    status = models.CharField(max_length=20, help_text="PRE_TRANSIT, TRANSIT, DELIVERED, RETURNED, FAILURE, UNKNOWN.")
    substatus = models.CharField(max_length=60, blank=True)
    details = models.CharField(max_length=300, blank=True)
    location = models.CharField(max_length=120, blank=True)
    occurred_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["occurred_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["shipment", "event_id"], name="tracking_event_once_per_shipment")
        ]

    def __str__(self) -> str:
        return f"{self.status} {self.details}"


class ShippingEvent(models.Model):
    """A provider webhook, stored before it is acted on and applied once."""

    provider = models.CharField(max_length=20, default="shippo")
    event_id = models.CharField(max_length=100)
    type = models.CharField(max_length=60)
    payload = models.JSONField()
    shipment = models.ForeignKey(
        Shipment, null=True, blank=True, on_delete=models.SET_NULL, related_name="provider_events"
    )
    order = models.ForeignKey(
        "orders.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="shipping_events"
    )
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    result = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-received_at"]
        constraints = [models.UniqueConstraint(fields=["provider", "event_id"], name="shipping_event_unique")]

    def __str__(self) -> str:
        return f"{self.provider} {self.type} {self.event_id}"
