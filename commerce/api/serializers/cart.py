"""The cart as the API shows it, and the bodies that change it. Prices are always the server's."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .catalog import ImageSerializer, MoneySerializer, image_data


class CartLineSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="line_id")
    variant_id = serializers.IntegerField(source="variant.pk")
    sku = serializers.CharField(source="variant.sku")
    title = serializers.CharField()
    label = serializers.CharField(allow_blank=True)
    url = serializers.CharField(allow_blank=True)
    quantity = serializers.IntegerField()
    unit_price = MoneySerializer()
    available = serializers.IntegerField()
    problem = serializers.CharField(allow_blank=True, help_text="Why the line cannot be bought as is; blank if fine.")
    image = serializers.SerializerMethodField()

    @extend_schema_field(ImageSerializer(allow_null=True))
    def get_image(self, line: Any) -> dict[str, Any] | None:
        return image_data(line.image, alt=line.image_alt, request=self.context.get("request"))


class CodeProblemSerializer(serializers.Serializer):
    code = serializers.CharField()
    reason = serializers.CharField()
    message = serializers.CharField()


class AppliedDiscountSerializer(serializers.Serializer):
    label = serializers.CharField()
    code = serializers.CharField(allow_blank=True)
    amount = MoneySerializer()


class CartGiftCardSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    masked_code = serializers.CharField(help_text="Only the last characters; the code itself is never returned.")
    amount = MoneySerializer(allow_null=True, help_text="What the card pays towards this cart.")


class TotalsSerializer(serializers.Serializer):
    currency = serializers.CharField()
    item_count = serializers.IntegerField()
    subtotal = MoneySerializer()
    discount_total = MoneySerializer()
    shipping = MoneySerializer()
    tax_total = MoneySerializer()
    total = MoneySerializer()
    gift_card_total = MoneySerializer()
    amount_due = MoneySerializer()
    prices_include_tax = serializers.BooleanField()
    discounts = AppliedDiscountSerializer(many=True)


class CartSerializer(serializers.Serializer):
    lines = CartLineSerializer(many=True)
    discount_codes = serializers.ListField(child=serializers.CharField())
    code_problems = CodeProblemSerializer(many=True)
    gift_cards = CartGiftCardSerializer(many=True)
    totals = TotalsSerializer(allow_null=True)


class AddLineSerializer(serializers.Serializer):
    variant_id = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    quantity = serializers.IntegerField(min_value=1, max_value=999, default=1)


class SetQuantitySerializer(serializers.Serializer):
    quantity = serializers.IntegerField(min_value=0, max_value=999, help_text="0 removes the line.")


class CodeSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=100, trim_whitespace=True)
