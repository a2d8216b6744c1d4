"""Staff inventory over the API: levels per variant and location (the Inventory screen's filters),
locations, adjustments and transfers through the inventory services (every change is a movement in
the ledger, applied to the figure found under the level's row lock; a level is never set directly),
and a variant's movement history. Permissions are the Inventory screen's; rows are the caller's
stores' only (the selectors narrow them, RLS underneath refuses the rest)."""

from __future__ import annotations

from typing import Any

from django.db.models import F, Q, QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response

from commerce.core.exceptions import CommerceError
from commerce.inventory.models import StockLevel, StockLocation, StockMovement
from commerce.inventory.selectors import (
    stock_levels_for_staff,
    stock_locations_for_staff,
    stock_movements_for_staff,
    variants_for_staff,
)
from commerce.inventory.services import StockChange, stock_change, stock_transfer

from ..model_permissions import StaffPermissionsMixin
from ..serializers.staff_inventory import (
    MovementQuerySerializer,
    StockAdjustmentSerializer,
    StockLevelQuerySerializer,
    StockLevelSerializer,
    StockLocationSerializer,
    StockMovementSerializer,
    StockMovementsResponseSerializer,
    StockTransferSerializer,
)

TAGS = ["staff: inventory"]
VIEW = ("inventory.view_stocklevel",)
CHANGE = ("inventory.view_stocklevel", "inventory.change_stocklevel")


def query(request: Request, serializer_class: type) -> dict[str, Any]:
    """The query string, validated: a bad parameter is a 400 naming it."""
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def movements_response(movements: list[StockMovement]) -> Response:
    rows = StockMovement.objects.filter(pk__in=[m.pk for m in movements]).select_related("level__location", "actor")
    data = StockMovementsResponseSerializer({"movements": rows.order_by("pk")}).data
    return Response(data, status=status.HTTP_201_CREATED)


class InventoryView(StaffPermissionsMixin, generics.GenericAPIView):
    token_scope = "inventory"  # noqa: S105 (a token scope name, not a secret)


class StockLevelsView(InventoryView, generics.ListAPIView):
    serializer_class = StockLevelSerializer
    required_permissions = {"GET": VIEW}

    def get_queryset(self) -> QuerySet[StockLevel]:
        filters = query(self.request, StockLevelQuerySerializer)
        levels = stock_levels_for_staff(self.request.user)
        if "location" in filters:
            levels = levels.filter(location_id=filters["location"])
        if "store" in filters:
            levels = levels.filter(location__store_id=filters["store"])
        if filters["low_stock"]:
            levels = levels.filter(available_qty__lte=F("variant__low_stock_threshold"))
        if filters["out_of_stock"]:
            levels = levels.filter(available_qty__lte=0)
        if filters.get("search", "").strip():
            term = filters["search"].strip()
            levels = levels.filter(Q(variant__sku__icontains=term) | Q(variant__product__title__icontains=term))
        return levels.order_by("variant__sku", "location__name", "pk")

    @extend_schema(parameters=[StockLevelQuerySerializer], operation_id="staff_inventory_levels_list", tags=TAGS)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Stock levels in your stores: on hand, reserved and available per variant and location."""
        return super().get(request, *args, **kwargs)


class StockLocationsView(InventoryView, generics.ListAPIView):
    serializer_class = StockLocationSerializer
    required_permissions = {"GET": VIEW}
    pagination_class = None

    def get_queryset(self) -> QuerySet[StockLocation]:
        return stock_locations_for_staff(self.request.user)

    @extend_schema(operation_id="staff_inventory_locations_list", tags=TAGS)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Your stores' stock locations (highest priority first within a store)."""
        return super().get(request, *args, **kwargs)


class StockAdjustmentsView(InventoryView):
    serializer_class = StockAdjustmentSerializer
    required_permissions = {"POST": CHANGE}

    @extend_schema(
        request=StockAdjustmentSerializer,
        responses={201: StockMovementsResponseSerializer},
        operation_id="staff_inventory_adjustments_create",
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        """Adjust stock: each change is a delta (with a reason) or a count, applied to the current
        figure under the level's lock, all or nothing; returns the movements written."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        changes = [
            StockChange(
                variant_id=change["variant"].pk,
                location_id=change["location"].pk,
                delta=change.get("delta", 0),
                count=change.get("count"),
            )
            for change in data["changes"]
        ]
        try:
            movements = stock_change(
                changes=changes, reason=data.get("reason", ""), note=data["note"], actor=request.user
            )
        except CommerceError as error:  # the service names its own field; in this body it is a change
            field = "reason" if error.field == "reason" else "changes"
            raise CommerceError(error.message, field=field, code=error.code) from None
        return movements_response(movements)


class StockTransfersView(InventoryView):
    serializer_class = StockTransferSerializer
    required_permissions = {"POST": CHANGE}

    @extend_schema(
        request=StockTransferSerializer,
        responses={201: StockMovementsResponseSerializer},
        operation_id="staff_inventory_transfers_create",
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        """Move units between two locations of one store: a transfer_out and a transfer_in movement."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data["variant"].store_id != data["from_location"].store_id:
            raise CommerceError(f"{data['variant'].sku} is not sold by this location's store.", field="variant")
        movements = stock_transfer(
            variant_id=data["variant"].pk,
            from_location_id=data["from_location"].pk,
            to_location_id=data["to_location"].pk,
            quantity=data["quantity"],
            note=data["note"],
            actor=request.user,
        )
        return movements_response(movements)


class VariantMovementsView(InventoryView, generics.ListAPIView):
    serializer_class = StockMovementSerializer
    required_permissions = {"GET": (*VIEW, "inventory.view_stockmovement")}

    def get_queryset(self) -> QuerySet[StockMovement]:
        filters = query(self.request, MovementQuerySerializer)
        user = self.request.user
        if not variants_for_staff(user).filter(pk=self.kwargs["variant_id"]).exists():
            raise Http404("No such variant.")
        movements = stock_movements_for_staff(user, variant_id=self.kwargs["variant_id"])
        if "location" in filters:
            movements = movements.filter(level__location_id=filters["location"])
        if "kind" in filters:
            movements = movements.filter(kind=filters["kind"])
        return movements

    @extend_schema(
        parameters=[MovementQuerySerializer, OpenApiParameter("variant_id", int, OpenApiParameter.PATH)],
        operation_id="staff_inventory_variant_movements_list",
        tags=TAGS,
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """A variant's movement history (the ledger) at your stores' locations, newest first."""
        return super().get(request, *args, **kwargs)
