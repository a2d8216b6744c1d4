"""The signed-in customer's own orders and address book. Amounts are decimal strings in the
order's ``currency``."""

from __future__ import annotations

from rest_framework import serializers

from commerce.accounts.forms import AddressForm
from commerce.accounts.models import Address
from commerce.orders.models import Order, OrderLine

from ..forms import form_body_fields

ORDER_AMOUNTS = ("subtotal", "shipping_total", "discount_total", "tax_total", "total", "amount_refunded")


class OrderLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrderLine
        fields = ["id", "product_title", "variant_label", "sku", "quantity", "unit_price", "line_total"]


class OrderSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Order
        fields = ["number", "status", "payment_status", "currency", "total", "created_at"]


class OrderDetailSerializer(serializers.ModelSerializer):
    lines = OrderLineSerializer(many=True)

    class Meta:
        model = Order
        fields = [
            "number",
            "status",
            "payment_status",
            "currency",
            *ORDER_AMOUNTS,
            "shipping_method_name",
            "shipping_address",
            "created_at",
            "paid_at",
            "lines",
        ]


class AddressSerializer(serializers.ModelSerializer):
    class Meta:
        model = Address
        fields = [
            "id",
            "full_name",
            "line1",
            "line2",
            "city",
            "region",
            "postal_code",
            "country",
            "phone",
            "is_default",
        ]


# The address book's write body: the account page's own form fields (which then validate it).
AddressWriteSerializer = type("AddressWriteSerializer", (serializers.Serializer,), form_body_fields(AddressForm))
