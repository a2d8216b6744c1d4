"""Staff orders: the order list's filters, the order screen's contents, and the fulfil, refund and
note requests. Amounts are decimal strings in the order's ``currency``.

The request serializers check what the admin's forms check (a line of this order, at most the
units left to fulfil or refund); the services check everything again under the order's row lock.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rest_framework import serializers

from commerce.checkout.order_actions import TO_CARD, TO_GIFT_CARD
from commerce.orders.list_filters import FULFILMENT_STATES, RETURNS_WAITING
from commerce.orders.models import (
    Fulfilment,
    FulfilmentLine,
    Order,
    OrderEvent,
    OrderLine,
    OrderStatus,
    PaymentStatus,
    ReturnLine,
    ReturnRequest,
)
from commerce.payments.models import Payment, Refund, RefundLine

from .account import ORDER_AMOUNTS

# -- the list ---------------------------------------------------------------------------------


class StaffOrderQuerySerializer(serializers.Serializer):
    """The admin order list's filters as query parameters; a bad value is a 400 naming it."""

    q = serializers.CharField(
        required=False, default="", allow_blank=True, max_length=200, help_text="Order number or email."
    )
    status = serializers.ChoiceField(choices=OrderStatus.choices, required=False)
    payment_status = serializers.ChoiceField(choices=PaymentStatus.choices, required=False)
    fulfilment = serializers.ChoiceField(
        choices=FULFILMENT_STATES, required=False, help_text="Read from the lines: to fulfil, partial, fulfilled."
    )
    returns = serializers.ChoiceField(
        choices=RETURNS_WAITING, required=False, help_text="Orders with an open return (any, or in this state)."
    )
    discounted = serializers.BooleanField(required=False, allow_null=True, default=None)
    flagged = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="Flagged for payment review."
    )
    store = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    created_since = serializers.DateField(required=False, help_text="Placed on or after (the store's time zone).")
    created_until = serializers.DateField(required=False, help_text="Placed on or before.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        since, until = attrs.get("created_since"), attrs.get("created_until")
        if since and until and until < since:
            raise serializers.ValidationError({"created_until": "Must not be before created_since."})
        return attrs


class StaffOrderSummarySerializer(serializers.ModelSerializer):
    store = serializers.IntegerField(source="store_id")
    store_name = serializers.CharField(source="store.name")
    customer = serializers.IntegerField(source="customer_id", allow_null=True)

    class Meta:
        model = Order
        fields = [
            "id",
            "number",
            "store",
            "store_name",
            "email",
            "customer",
            "status",
            "payment_status",
            "currency",
            "total",
            "discount_total",
            "amount_paid",
            "amount_refunded",
            "flagged_for_review",
            "created_at",
            "paid_at",
        ]


# -- the order screen -------------------------------------------------------------------------


class StaffOrderLineSerializer(serializers.ModelSerializer):
    quantity_to_fulfil = serializers.IntegerField(help_text="Ordered, less shipped, less refunded units not returned.")

    class Meta:
        model = OrderLine
        fields = [
            "id",
            "product_title",
            "variant_label",
            "sku",
            "quantity",
            "unit_price",
            "line_subtotal",
            "discount_amount",
            "tax_amount",
            "line_total",
            "quantity_fulfilled",
            "quantity_refunded",
            "quantity_returned",
            "quantity_to_fulfil",
        ]


class PaymentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Payment
        fields = [
            "id",
            "provider",
            "intent_id",
            "status",
            "currency",
            "amount",
            "amount_received",
            "amount_refunded",
            "created_at",
        ]


class RefundLineSerializer(serializers.ModelSerializer):
    line_id = serializers.IntegerField(source="order_line_id")

    class Meta:
        model = RefundLine
        fields = ["line_id", "quantity", "restock"]


class RefundSerializer(serializers.ModelSerializer):
    created_by = serializers.EmailField(source="created_by.email", default=None, allow_null=True)
    lines = RefundLineSerializer(many=True)

    class Meta:
        model = Refund
        fields = ["id", "status", "currency", "amount", "reason", "created_by", "created_at", "lines"]


class FulfilmentLineSerializer(serializers.ModelSerializer):
    line_id = serializers.IntegerField(source="order_line_id")

    class Meta:
        model = FulfilmentLine
        fields = ["line_id", "quantity"]


class FulfilmentSerializer(serializers.ModelSerializer):
    location = serializers.CharField(source="location.name", default=None, allow_null=True)
    lines = FulfilmentLineSerializer(many=True)

    class Meta:
        model = Fulfilment
        fields = [
            "id",
            "sequence",
            "status",
            "location",
            "carrier",
            "tracking_number",
            "tracking_url",
            "shipped_at",
            "created_at",
            "lines",
        ]


class ReturnLineSerializer(serializers.ModelSerializer):
    line_id = serializers.IntegerField(source="order_line_id")

    class Meta:
        model = ReturnLine
        fields = ["line_id", "quantity", "reason", "restocked"]


class ReturnSerializer(serializers.ModelSerializer):
    lines = ReturnLineSerializer(many=True)

    class Meta:
        model = ReturnRequest
        fields = ["id", "sequence", "status", "note", "staff_reason", "created_by_staff", "created_at", "lines"]


class OrderEventSerializer(serializers.ModelSerializer):
    actor = serializers.EmailField(source="actor.email", default=None, allow_null=True)

    class Meta:
        model = OrderEvent
        fields = ["id", "type", "message", "actor", "created_at"]


class StaffOrderDetailSerializer(StaffOrderSummarySerializer):
    """Everything the admin's order screen shows (``OrderInspectView``), from the same prefetch."""

    lines = StaffOrderLineSerializer(many=True)
    payments = PaymentSerializer(many=True)
    refunds = RefundSerializer(many=True)
    fulfilments = FulfilmentSerializer(many=True)
    returns = ReturnSerializer(many=True)
    notes = serializers.SerializerMethodField(help_text="Internal notes (staff only).")
    timeline = OrderEventSerializer(many=True, source="events")

    class Meta(StaffOrderSummarySerializer.Meta):
        fields = [
            *StaffOrderSummarySerializer.Meta.fields,
            *(name for name in ORDER_AMOUNTS if name not in StaffOrderSummarySerializer.Meta.fields),
            "gift_card_total",
            "prices_include_tax",
            "review_reason",
            "shipping_method_name",
            "shipping_address",
            "billing_address",
            "delivery_status",
            "updated_at",
            "lines",
            "payments",
            "refunds",
            "fulfilments",
            "returns",
            "notes",
            "timeline",
        ]

    def get_notes(self, order: Order) -> list[dict[str, Any]]:
        notes = [event for event in order.events.all() if event.type == OrderEvent.Type.STAFF_NOTE]
        return OrderEventSerializer(notes, many=True).data  # type: ignore[return-value]


# -- actions ----------------------------------------------------------------------------------

MAX_UNITS = 100_000


class FulfilLineRequestSerializer(serializers.Serializer):
    line_id = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_UNITS)


class RefundLineRequestSerializer(FulfilLineRequestSerializer):
    restock = serializers.BooleanField(default=False, help_text="Put the units back in stock where they were sold.")


def _check_lines(order: Order, lines: list[dict[str, Any]], left: Any, verb: str) -> None:
    """Each requested line is this order's and asks at most ``left(line)`` units (summed over
    repeats of a line), as the admin form's per-line fields allow; errors name ``lines.<i>.<field>``."""
    by_id = {line.pk: line for line in order.lines.all()}
    errors: list[dict[str, list[str]]] = [{} for _ in lines]
    asked: dict[int, int] = {}
    for index, item in enumerate(lines):
        line = by_id.get(item["line_id"])
        if line is None:
            errors[index] = {"line_id": ["Not a line of this order."]}
            continue
        asked[line.pk] = asked.get(line.pk, 0) + item["quantity"]
        if asked[line.pk] > left(line):
            errors[index] = {"quantity": [f"At most {left(line)} of {line.sku} can be {verb}."]}
    if any(errors):
        raise serializers.ValidationError(errors)  # under "lines": lines.<i>.<field>


class FulfilRequestSerializer(serializers.Serializer):
    """The admin's fulfil form: quantities per line (omitted: everything left), the location shipped
    from (omitted: where the stock was reserved), carrier and tracking, and whether it left now."""

    lines = FulfilLineRequestSerializer(many=True, required=False, allow_empty=False, max_length=500)
    location = serializers.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1, help_text="A stock location id of the order's store."
    )
    carrier = serializers.CharField(required=False, default="", allow_blank=True, max_length=60)
    tracking_number = serializers.CharField(required=False, default="", allow_blank=True, max_length=100)
    tracking_url = serializers.URLField(required=False, default="", allow_blank=True, max_length=500)
    ship_now = serializers.BooleanField(
        required=False, default=False, help_text="Mark it shipped at once (emails the customer)."
    )

    def validate_lines(self, lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
        _check_lines(self.context["order"], lines, lambda line: line.quantity_to_fulfil, "fulfilled")
        return lines


class ShipRequestSerializer(serializers.Serializer):
    """The admin's *Mark shipped* form: carrier and tracking (the page is filled in for USPS, UPS,
    FedEx and DHL when left empty)."""

    carrier = serializers.CharField(required=False, default="", allow_blank=True, max_length=60)
    tracking_number = serializers.CharField(required=False, default="", allow_blank=True, max_length=100)
    tracking_url = serializers.URLField(required=False, default="", allow_blank=True, max_length=500)


class RefundRequestSerializer(serializers.Serializer):
    """The admin's refund form. To the card: an amount, or lines (their value, restocked if asked),
    or neither (everything left on the card). As store credit: an amount onto a gift card."""

    to = serializers.ChoiceField(choices=[TO_CARD, TO_GIFT_CARD], default=TO_CARD)
    amount = serializers.DecimalField(
        required=False, allow_null=True, default=None, max_digits=12, decimal_places=2, min_value=Decimal("0.01")
    )
    lines = RefundLineRequestSerializer(many=True, required=False, default=list, max_length=500)
    reason = serializers.CharField(required=False, default="", allow_blank=True, max_length=300)
    client_key = serializers.RegexField(
        r"^[A-Za-z0-9._:-]{8,64}$",
        required=False,
        help_text="Identifies this refund request (or send the Idempotency-Key header): "
        "the same key on the same order refunds once, however often it arrives.",
    )

    def validate_lines(self, lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
        # A replayed request (its key already refunded) skips this: the service answers it with the
        # first refund, however many units are left now.
        if self.context.get("check_lines", True):
            _check_lines(self.context["order"], lines, lambda line: line.quantity - line.quantity_refunded, "refunded")
        return lines


class NoteRequestSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=500)
