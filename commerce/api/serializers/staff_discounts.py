"""Discounts and their codes as staff see and write them. Amounts are decimal strings in the
discount's store currency; targets are page and category ids. A discount's store is chosen when it
is created (among the caller's stores) and does not change."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from commerce.catalog.models import Category, CollectionPage, ProductPage
from commerce.promotions.discount_codes import MIN_LENGTH
from commerce.promotions.discount_editing import CODE_MAX_LENGTH, DISCOUNT_FIELDS, TARGET_FIELDS
from commerce.promotions.models import Discount, DiscountCode
from commerce.stores.admin_scope import scope_queryset
from commerce.stores.models import Store

# One call generates at most this many codes (the admin's screen allows more, as a download).
GENERATE_MAX = 1000

# What a discount is written with: the service's fields, its targets listed after ``target``.
_AFTER_TARGET = DISCOUNT_FIELDS.index("target") + 1
WRITABLE_FIELDS = (*DISCOUNT_FIELDS[:_AFTER_TARGET], *TARGET_FIELDS, *DISCOUNT_FIELDS[_AFTER_TARGET:])


class DiscountSerializer(serializers.ModelSerializer):
    store_name = serializers.CharField(source="store.name", read_only=True)
    currency = serializers.CharField(source="store.currency", read_only=True)
    status = serializers.ChoiceField(choices=Discount.Status.choices, read_only=True)
    products = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    collections = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    categories = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    code_count = serializers.SerializerMethodField()

    class Meta:
        model = Discount
        fields = [
            "id",
            "store",
            "store_name",
            "currency",
            *WRITABLE_FIELDS,
            "status",
            "times_used",
            "code_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_code_count(self, discount: Discount) -> int:
        return discount.code_count if hasattr(discount, "code_count") else discount.codes.count()


class _ScopedStoreField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self) -> Any:
        return scope_queryset(Store.objects.all(), self.context["request"].user)


class DiscountUpdateSerializer(serializers.ModelSerializer):
    """The fields a discount is changed with (all optional with PATCH)."""

    products = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=ProductPage.objects.all(), help_text="Product page ids of its store."
    )
    collections = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=CollectionPage.objects.all(), help_text="Collection page ids of its store."
    )
    categories = serializers.PrimaryKeyRelatedField(many=True, required=False, queryset=Category.objects.all())

    class Meta:
        model = Discount
        fields = list(WRITABLE_FIELDS)
        extra_kwargs = {"is_active": {"help_text": "Published (live). Needs the publish permission."}}
        # The model's constraints are checked by the service, which names the field at fault.
        validators: list = []


class DiscountCreateSerializer(DiscountUpdateSerializer):
    store = _ScopedStoreField(queryset=Store.objects.none(), help_text="One of your stores.")

    class Meta(DiscountUpdateSerializer.Meta):
        fields = ["store", *DiscountUpdateSerializer.Meta.fields]
        extra_kwargs = {**DiscountUpdateSerializer.Meta.extra_kwargs, "name": {"required": True}}


class DiscountQuerySerializer(serializers.Serializer):
    store = serializers.IntegerField(required=False, min_value=1)
    kind = serializers.ChoiceField(choices=Discount.Kind.choices, required=False)
    status = serializers.ChoiceField(choices=Discount.Status.choices, required=False)
    search = serializers.CharField(required=False, allow_blank=True, max_length=100, help_text="Name or code.")


class DiscountCodeSerializer(serializers.ModelSerializer):
    class Meta:
        model = DiscountCode
        fields = ["id", "discount", "code", "usage_limit", "times_used", "is_active", "created_at"]
        read_only_fields = fields


class DiscountCodeCreateSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=CODE_MAX_LENGTH, help_text="Stored upper-case; no spaces.")
    usage_limit = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=2**31 - 1, help_text="Empty: unlimited."
    )


class DiscountCodesGenerateSerializer(serializers.Serializer):
    count = serializers.IntegerField(min_value=1, max_value=GENERATE_MAX)
    prefix = serializers.CharField(required=False, allow_blank=True, max_length=20, default="")
    length = serializers.IntegerField(required=False, min_value=MIN_LENGTH, max_value=32, default=8)
    usage_limit = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=2**31 - 1, default=1, help_text="Uses per code."
    )


class DiscountCodeQuerySerializer(serializers.Serializer):
    is_active = serializers.BooleanField(required=False, allow_null=True, default=None)
