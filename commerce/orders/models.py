"""Orders: what was bought, at what price, by whom, and everything that happened to it since."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from commerce.core.addresses import PostalAddress
from commerce.core.money import Money

AMOUNT = {"max_digits": 12, "decimal_places": 2}


class OrderStatus(models.TextChoices):
    PENDING_PAYMENT = "pending_payment", "Pending payment"
    PAID = "paid", "Paid"
    PARTIALLY_FULFILLED = "partially_fulfilled", "Partially fulfilled"
    FULFILLED = "fulfilled", "Fulfilled"
    CANCELLED = "cancelled", "Cancelled"
    PARTIALLY_REFUNDED = "partially_refunded", "Partially refunded"
    REFUNDED = "refunded", "Refunded"


class DeliveryStatus(models.TextChoices):
    """Where the order's parcels are, as the carrier reports (set by shipping's tracking)."""

    NONE = "", "Not shipped"
    LABEL_CREATED = "label_created", "Label created"
    IN_TRANSIT = "in_transit", "In transit"
    OUT_FOR_DELIVERY = "out_for_delivery", "Out for delivery"
    DELIVERED = "delivered", "Delivered"
    RETURNED = "returned", "Returned to sender"
    FAILURE = "failure", "Delivery problem"


class PaymentStatus(models.TextChoices):
    UNPAID = "unpaid", "Unpaid"
    PENDING = "pending", "Pending"
    PAID = "paid", "Paid"
    FAILED = "failed", "Failed"
    PARTIALLY_REFUNDED = "partially_refunded", "Partially refunded"
    REFUNDED = "refunded", "Refunded"


class OrderSequence(models.Model):
    """The last order number handed out per store; incremented under a row lock."""

    store = models.OneToOneField("stores.Store", on_delete=models.CASCADE, primary_key=True, related_name="+")
    last_number = models.PositiveIntegerField(default=1000)

    def __str__(self) -> str:
        return f"{self.store_id}: {self.last_number}"


class Order(models.Model):
    store = models.ForeignKey("stores.Store", on_delete=models.PROTECT, related_name="orders")
    number = models.CharField(max_length=20)
    checkout_token = models.UUIDField(
        unique=True, null=True, blank=True, editable=False, help_text="The checkout this order was placed from."
    )
    access_key = models.UUIDField(default=uuid.uuid4, editable=False, help_text="Part of the guest's signed link.")
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="orders"
    )
    email = models.EmailField()
    status = models.CharField(max_length=24, choices=OrderStatus.choices, default=OrderStatus.PENDING_PAYMENT)
    payment_status = models.CharField(max_length=24, choices=PaymentStatus.choices, default=PaymentStatus.UNPAID)
    currency = models.CharField(max_length=3)
    prices_include_tax = models.BooleanField(default=False)
    subtotal = models.DecimalField(**AMOUNT)
    shipping_total = models.DecimalField(**AMOUNT, default=Decimal("0"))
    discount_total = models.DecimalField(**AMOUNT, default=Decimal("0"))
    tax_total = models.DecimalField(**AMOUNT, default=Decimal("0"))
    total = models.DecimalField(**AMOUNT)
    gift_card_total = models.DecimalField(
        **AMOUNT, default=Decimal("0"), help_text="Paid from gift cards; the rest is paid by card."
    )
    amount_paid = models.DecimalField(**AMOUNT, default=Decimal("0"), help_text="Received by card payment.")
    amount_refunded = models.DecimalField(**AMOUNT, default=Decimal("0"))
    shipping_address = models.JSONField(default=dict, blank=True)
    billing_address = models.JSONField(default=dict, blank=True)
    shipping_method_code = models.CharField(max_length=60, blank=True)
    shipping_method_name = models.CharField(max_length=120, blank=True)
    # The rate the shopper chose, as the carrier platform quoted it (empty for the store's rate tables).
    # (database defaults too: the demo's bulk history inserts orders with SQL)
    shipping_provider = models.CharField(
        max_length=20, blank=True, default="", db_default="", help_text='"shippo", or empty for a rate table.'
    )
    shipping_rate_id = models.CharField(
        max_length=64, blank=True, default="", db_default="", help_text="The provider's id of the chosen rate."
    )
    shipping_carrier = models.CharField(max_length=60, blank=True, default="", db_default="")
    shipping_service = models.CharField(max_length=120, blank=True, default="", db_default="")
    delivery_status = models.CharField(
        max_length=20, choices=DeliveryStatus.choices, default="", db_default="", blank=True
    )
    flagged_for_review = models.BooleanField(default=False)
    review_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["store", "number"], name="order_number_unique_per_store"),
            models.CheckConstraint(condition=Q(total__gte=0), name="order_total_not_negative"),
            models.CheckConstraint(
                condition=Q(gift_card_total__gte=0) & Q(gift_card_total__lte=F("total")),
                name="order_gift_cards_within_total",
            ),
            models.CheckConstraint(condition=Q(amount_refunded__gte=0), name="order_refunded_not_negative"),
            models.CheckConstraint(
                condition=Q(amount_refunded__lte=F("amount_paid") + F("gift_card_total")),
                name="order_refund_within_paid",
            ),
        ]
        indexes = [
            models.Index(fields=["store", "-created_at"]),
            models.Index(fields=["customer", "-created_at"]),
            models.Index(fields=["status"]),
            models.Index(fields=["email"]),
        ]

    def __str__(self) -> str:
        return f"Order {self.number}"

    def money(self, amount: Decimal) -> Money:
        return Money(amount, self.currency)

    @property
    def total_money(self) -> Money:
        return Money(self.total, self.currency)

    @property
    def shipping_postal_address(self) -> PostalAddress | None:
        return PostalAddress.from_dict(self.shipping_address)

    @property
    def amount_due_by_card(self) -> Decimal:
        return self.total - self.gift_card_total

    @property
    def amount_received(self) -> Decimal:
        """Card and gift card money taken for this order (before refunds)."""
        return self.amount_paid + self.gift_card_total

    @property
    def payment_mismatch(self) -> str | None:
        """``"underpaid"`` (held unpaid), ``"overpaid"`` (paid, excess kept) or None, while the order
        is flagged and the money received differs from its total."""
        if not self.flagged_for_review:
            return None
        if not self.is_paid and self.amount_paid > self.amount_refunded and self.amount_received < self.total:
            return "underpaid"
        if self.is_paid and self.amount_received - self.amount_refunded > self.total:
            return "overpaid"
        return None

    @property
    def is_paid(self) -> bool:
        return self.payment_status in {PaymentStatus.PAID, PaymentStatus.PARTIALLY_REFUNDED, PaymentStatus.REFUNDED}


class OrderLine(models.Model):
    """A line with a snapshot of what was sold: the catalogue may change, the order does not."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey(
        "catalog.ProductVariant", null=True, blank=True, on_delete=models.SET_NULL, related_name="order_lines"
    )
    product_title = models.CharField(max_length=255)
    variant_label = models.CharField(max_length=130, blank=True)
    sku = models.CharField(max_length=64)
    quantity = models.PositiveIntegerField()
    unit_price = models.DecimalField(**AMOUNT)
    line_subtotal = models.DecimalField(**AMOUNT)
    discount_amount = models.DecimalField(**AMOUNT, default=Decimal("0"))
    tax_amount = models.DecimalField(**AMOUNT, default=Decimal("0"))
    line_total = models.DecimalField(**AMOUNT)
    quantity_refunded = models.PositiveIntegerField(default=0)
    quantity_fulfilled = models.PositiveIntegerField(default=0)
    # A database default too: bulk INSERT … SELECT writers (the demo's order history) name their columns.
    quantity_returned = models.PositiveIntegerField(default=0, db_default=0, help_text="Shipped units received back.")

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="order_line_quantity_positive"),
            models.CheckConstraint(
                condition=Q(quantity_refunded__lte=F("quantity")), name="order_line_refund_within_quantity"
            ),
            models.CheckConstraint(
                condition=Q(quantity_fulfilled__lte=F("quantity")), name="order_line_fulfil_within_quantity"
            ),
            models.CheckConstraint(
                condition=Q(quantity_returned__lte=F("quantity_fulfilled")), name="order_line_return_within_fulfilled"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product_title} ({self.sku})"

    @property
    def quantity_to_fulfil(self) -> int:
        """Units still to ship: ordered, less shipped, less those refunded that never came back
        (a refund before shipping means "do not send these")."""
        not_to_ship = max(self.quantity_refunded - self.quantity_returned, 0)
        return max(self.quantity - self.quantity_fulfilled - not_to_ship, 0)


class OrderEvent(models.Model):
    """The order's timeline: every change, who made it and when."""

    class Type(models.TextChoices):
        PLACED = "placed", "Placed"
        STOCK_RESERVED = "stock_reserved", "Stock reserved"
        STOCK_RELEASED = "stock_released", "Stock released"
        PAYMENT_STARTED = "payment_started", "Payment started"
        PAYMENT_SUCCEEDED = "payment_succeeded", "Payment succeeded"
        PAYMENT_FAILED = "payment_failed", "Payment failed"
        FLAGGED = "flagged", "Flagged for review"
        REFUNDED = "refunded", "Refunded"
        RESTOCKED = "restocked", "Restocked"
        CANCELLED = "cancelled", "Cancelled"
        EMAIL_SENT = "email_sent", "Email sent"
        NOTE = "note", "Note"
        STAFF_NOTE = "staff_note", "Internal note"
        FULFILLED = "fulfilled", "Fulfilment created"
        SHIPPED = "shipped", "Shipped"
        LABEL = "label", "Shipping label"
        TRACKING = "tracking", "Tracking update"
        RETURN_REQUESTED = "return_requested", "Return requested"
        RETURN_APPROVED = "return_approved", "Return approved"
        RETURN_REJECTED = "return_rejected", "Return rejected"
        RETURN_RECEIVED = "return_received", "Return received"
        RETURN_REFUNDED = "return_refunded", "Return refunded"

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(max_length=32, choices=Type.choices)
    message = models.CharField(max_length=500)
    data = models.JSONField(default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["order", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_type_display()}: {self.message}"


class StockReservation(models.Model):
    """Stock held for an order while it is paid for. Expires unless converted to a sale."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        RELEASED = "released", "Released"
        CONVERTED = "converted", "Sold"

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="reservations")
    variant = models.ForeignKey("catalog.ProductVariant", on_delete=models.PROTECT, related_name="reservations")
    location = models.ForeignKey(
        "inventory.StockLocation",
        on_delete=models.PROTECT,
        related_name="reservations",
        help_text="Where the stock is held; fulfilment ships from here.",
    )
    quantity = models.PositiveIntegerField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ACTIVE)
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="reservation_quantity_positive"),
            models.UniqueConstraint(
                fields=["order", "variant", "location"],
                condition=Q(status="active"),
                name="reservation_one_active_per_location",
            ),
        ]
        indexes = [models.Index(fields=["status", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.quantity} × variant {self.variant_id} for order {self.order_id} ({self.status})"


# Declared in their own module to keep this one small; imported here so Django registers them.
from .fulfilment_models import Fulfilment, FulfilmentLine, ReturnLine, ReturnReason, ReturnRequest  # noqa: E402

__all__ = [
    "Fulfilment",
    "FulfilmentLine",
    "Order",
    "OrderEvent",
    "OrderLine",
    "OrderSequence",
    "OrderStatus",
    "PaymentStatus",
    "ReturnLine",
    "ReturnReason",
    "ReturnRequest",
    "StockReservation",
]
