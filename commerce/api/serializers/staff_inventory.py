"""Stock as staff see it: levels per variant and location, locations, movements; and the bodies of
an adjustment and a transfer. Variants and locations are looked up among the caller's stores only,
so another store's id is "does not exist", the same answer as an id that does not exist."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from rest_framework import serializers

from commerce.catalog.models import ProductVariant
from commerce.inventory.models import AdjustmentReason, MovementKind, StockLevel, StockLocation, StockMovement
from commerce.inventory.selectors import stock_locations_for_staff, variants_for_staff

# A sanity bound well inside the integer columns: larger numbers are typing mistakes, not stock.
MAX_UNITS = 1_000_000
MAX_CHANGES = 100


class StockLocationSerializer(serializers.ModelSerializer):
    store_name = serializers.CharField(source="store.name", read_only=True)

    class Meta:
        model = StockLocation
        fields = ["id", "name", "store", "store_name", "priority", "is_active"]


class StockLevelSerializer(serializers.ModelSerializer):
    variant = serializers.IntegerField(source="variant_id")
    sku = serializers.CharField(source="variant.sku")
    product_title = serializers.CharField(source="variant.product.title")
    options = serializers.CharField(source="variant.label")
    store = serializers.IntegerField(source="location.store_id")
    location = serializers.IntegerField(source="location_id")
    location_name = serializers.CharField(source="location.name")
    available = serializers.IntegerField(source="available_qty", help_text="On hand less reserved (never below 0).")
    low_stock_threshold = serializers.IntegerField(source="variant.low_stock_threshold")

    class Meta:
        model = StockLevel
        fields = [
            "id",
            "variant",
            "sku",
            "product_title",
            "options",
            "store",
            "location",
            "location_name",
            "on_hand",
            "reserved",
            "available",
            "low_stock_threshold",
        ]


class StockLevelQuerySerializer(serializers.Serializer):
    location = serializers.IntegerField(required=False, min_value=1, help_text="A stock location id.")
    store = serializers.IntegerField(required=False, min_value=1, help_text="A store id.")
    low_stock = serializers.BooleanField(
        required=False, default=False, help_text="Only levels at or below the variant's threshold."
    )
    out_of_stock = serializers.BooleanField(required=False, default=False, help_text="Only levels with none available.")
    search = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text="Part of a SKU or product title."
    )


class StockMovementSerializer(serializers.ModelSerializer):
    location = serializers.IntegerField(source="level.location_id")
    location_name = serializers.CharField(source="level.location.name")
    variant = serializers.IntegerField(source="level.variant_id")
    actor = serializers.SerializerMethodField()

    class Meta:
        model = StockMovement
        fields = [
            "id",
            "variant",
            "location",
            "location_name",
            "kind",
            "quantity",
            "on_hand_after",
            "reason",
            "note",
            "reference",
            "actor",
            "created_at",
        ]

    def get_actor(self, movement: StockMovement) -> str | None:
        return movement.actor.email if movement.actor_id else None


class MovementQuerySerializer(serializers.Serializer):
    location = serializers.IntegerField(required=False, min_value=1, help_text="Only this location's movements.")
    kind = serializers.ChoiceField(choices=MovementKind.choices, required=False)


class StaffScopedField(serializers.PrimaryKeyRelatedField):
    """An id among the rows a selector gives the caller (their stores' variants or locations)."""

    def __init__(self, *, selector: Callable[[Any], QuerySet], **kwargs: Any) -> None:
        self.selector = selector
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet:
        return self.selector(self.context["request"].user)


def variant_field(**kwargs: Any) -> StaffScopedField:
    return StaffScopedField(selector=variants_for_staff, queryset=ProductVariant.objects.none(), **kwargs)


def location_field(**kwargs: Any) -> StaffScopedField:
    return StaffScopedField(selector=stock_locations_for_staff, queryset=StockLocation.objects.none(), **kwargs)


class StockChangeSerializer(serializers.Serializer):
    variant = variant_field(help_text="A variant id.")
    location = location_field(help_text="A stock location id of the variant's store.")
    delta = serializers.IntegerField(
        required=False, min_value=-MAX_UNITS, max_value=MAX_UNITS, help_text="Add to on hand (negative removes)."
    )
    count = serializers.IntegerField(
        required=False, min_value=0, max_value=MAX_UNITS, help_text="What was counted: records the difference."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        has_delta, has_count = "delta" in attrs, "count" in attrs
        if has_delta == has_count:
            raise serializers.ValidationError({"delta": "Give either delta (a change) or count (what was counted)."})
        if has_delta and attrs["delta"] == 0:
            raise serializers.ValidationError({"delta": "Change it by at least one unit."})
        return attrs


class StockAdjustmentSerializer(serializers.Serializer):
    changes = StockChangeSerializer(many=True, min_length=1, max_length=MAX_CHANGES)
    reason = serializers.ChoiceField(
        choices=AdjustmentReason.choices, required=False, help_text="Required when any change is a delta."
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=255, default="")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if any("delta" in change for change in attrs["changes"]) and not attrs.get("reason"):
            raise serializers.ValidationError({"reason": "Choose a reason for the adjustment."})
        pairs = [(change["variant"].pk, change["location"].pk) for change in attrs["changes"]]
        if len(set(pairs)) != len(pairs):
            raise serializers.ValidationError({"changes": "Change each variant at each location once."})
        return attrs


class StockTransferSerializer(serializers.Serializer):
    variant = variant_field(help_text="A variant id.")
    from_location = location_field()
    to_location = location_field()
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_UNITS)
    note = serializers.CharField(required=False, allow_blank=True, max_length=255, default="")


class StockMovementsResponseSerializer(serializers.Serializer):
    movements = StockMovementSerializer(many=True)
