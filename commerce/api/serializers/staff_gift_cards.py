"""Gift cards as staff see them: masked, always. Only the last four characters of a code ever
leave the server, except once, in the answer to the call that issued the card (``code``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rest_framework import serializers

from commerce.promotions.gift_cards import MAX_VALUE
from commerce.promotions.models import GiftCard, GiftCardTransaction
from commerce.stores.admin_scope import scope_queryset
from commerce.stores.models import Store


class GiftCardSerializer(serializers.ModelSerializer):
    masked_code = serializers.CharField(read_only=True, help_text="•••• and the last four characters.")
    last4 = serializers.CharField(read_only=True)
    store_name = serializers.CharField(source="store.name", read_only=True)
    expired = serializers.SerializerMethodField()
    customer_email = serializers.SerializerMethodField()
    recipient_email = serializers.CharField(read_only=True, help_text='Where the code was emailed ("" when nowhere).')

    class Meta:
        model = GiftCard
        fields = [
            "id",
            "masked_code",
            "last4",
            "store",
            "store_name",
            "currency",
            "initial_value",
            "balance",
            "expires_at",
            "expired",
            "is_active",
            "customer_email",
            "recipient_email",
            "created_at",
        ]
        read_only_fields = fields

    def get_expired(self, card: GiftCard) -> bool:
        return card.is_expired()

    def get_customer_email(self, card: GiftCard) -> str | None:
        return card.customer.email if card.customer_id else None


class GiftCardTransactionSerializer(serializers.ModelSerializer):
    order_number = serializers.SerializerMethodField()
    actor = serializers.SerializerMethodField()

    class Meta:
        model = GiftCardTransaction
        fields = ["id", "kind", "amount", "balance_after", "order_number", "reason", "actor", "created_at"]
        read_only_fields = fields

    def get_order_number(self, row: GiftCardTransaction) -> str | None:
        return str(row.order.number) if row.order_id else None

    def get_actor(self, row: GiftCardTransaction) -> str | None:
        return row.actor.email if row.actor_id else None


class GiftCardDetailSerializer(GiftCardSerializer):
    transactions = GiftCardTransactionSerializer(
        many=True, read_only=True, source="ledger", help_text="The ledger, oldest first."
    )

    class Meta(GiftCardSerializer.Meta):
        fields = [*GiftCardSerializer.Meta.fields, "transactions"]
        read_only_fields = fields


class _ScopedStoreField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self) -> Any:
        return scope_queryset(Store.objects.all(), self.context["request"].user)


class GiftCardIssueSerializer(serializers.Serializer):
    store = _ScopedStoreField(queryset=Store.objects.none(), help_text="One of your stores.")
    value = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=MAX_VALUE,
        help_text="In the store's currency.",
    )
    expires_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    recipient_email = serializers.EmailField(
        required=False, allow_blank=True, default="", help_text="The code is emailed here."
    )
    customer_email = serializers.EmailField(
        required=False, allow_blank=True, default="", help_text="An existing customer account that owns the card."
    )


class GiftCardIssuedSerializer(GiftCardSerializer):
    code = serializers.CharField(
        source="formatted_code", help_text="The full code, shown this once (ABCD-EFGH-JKLM-NPQR)."
    )
    emailed_to = serializers.CharField(help_text='Where the code is being emailed ("" when nowhere).')

    class Meta(GiftCardSerializer.Meta):
        fields = [*GiftCardSerializer.Meta.fields, "code", "emailed_to"]
        read_only_fields = fields


class GiftCardAdjustSerializer(serializers.Serializer):
    amount = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=-MAX_VALUE,
        max_value=MAX_VALUE,
        help_text="Positive adds to the balance, negative takes from it (never below zero).",
    )
    reason = serializers.CharField(max_length=300, help_text="Kept in the ledger.")


class GiftCardQuerySerializer(serializers.Serializer):
    store = serializers.IntegerField(required=False, min_value=1)
    is_active = serializers.BooleanField(required=False, allow_null=True, default=None)
    expired = serializers.BooleanField(required=False, allow_null=True, default=None)
    search = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text="A recipient email, the last four characters of a code, or a whole code.",
    )
