"""Staff customers: the Customers screen's list (search, filters) and the customer page (addresses,
orders in your stores, lifetime value per currency, gift cards masked, staff notes)."""

from __future__ import annotations

from rest_framework import serializers

from commerce.accounts.models import User
from commerce.orders.models import Order
from commerce.people.models import CustomerNote
from commerce.promotions.models import GiftCard

from .account import AddressSerializer
from .catalog import MoneySerializer


class StaffCustomerQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        required=False, default="", allow_blank=True, max_length=200, help_text="Email or name; every word must match."
    )
    has_orders = serializers.BooleanField(required=False, allow_null=True, default=None)
    store = serializers.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1, help_text="Ordered from this store (one of yours)."
    )


class StaffCustomerSummarySerializer(serializers.ModelSerializer):
    order_count = serializers.IntegerField(help_text="Orders in your stores.")
    last_order_at = serializers.DateTimeField(allow_null=True)

    class Meta:
        model = User
        fields = ["id", "email", "first_name", "last_name", "is_active", "date_joined", "order_count", "last_order_at"]


class CustomerOrderSerializer(serializers.ModelSerializer):
    store = serializers.IntegerField(source="store_id")
    store_name = serializers.CharField(source="store.name")

    class Meta:
        model = Order
        fields = ["id", "number", "store", "store_name", "status", "payment_status", "currency", "total", "created_at"]


class MaskedGiftCardSerializer(serializers.ModelSerializer):
    masked_code = serializers.CharField(help_text="Only the last four characters of the code.")
    store = serializers.IntegerField(source="store_id")

    class Meta:
        model = GiftCard
        fields = ["id", "masked_code", "store", "currency", "initial_value", "balance", "is_active", "expires_at"]


class CustomerNoteSerializer(serializers.ModelSerializer):
    store = serializers.IntegerField(source="store_id")
    author = serializers.EmailField(source="author.email", default=None, allow_null=True)

    class Meta:
        model = CustomerNote
        fields = ["id", "store", "author", "text", "created_at"]


class StaffCustomerDetailSerializer(StaffCustomerSummarySerializer):
    addresses = AddressSerializer(many=True)
    orders = CustomerOrderSerializer(many=True)
    lifetime_value = MoneySerializer(many=True, help_text="Received net of refunds, per currency (never summed).")
    gift_cards = MaskedGiftCardSerializer(many=True)
    notes = CustomerNoteSerializer(many=True)

    class Meta(StaffCustomerSummarySerializer.Meta):
        fields = [
            *StaffCustomerSummarySerializer.Meta.fields,
            "addresses",
            "orders",
            "lifetime_value",
            "gift_cards",
            "notes",
        ]
