"""Reads for the inventory screens: levels as staff see them, scoped to their stores, and the
low-stock list for the dashboard. Each is one query whatever the number of rows or locations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import F, IntegerField, QuerySet
from django.db.models.functions import Greatest

from commerce.catalog.availability import with_available_stock
from commerce.catalog.models import ProductVariant
from commerce.stores.staff_scope import staff_store_ids

from .models import StockLevel, StockLocation, StockMovement


def stock_levels_for_staff(user: Any) -> QuerySet[StockLevel]:
    """Every level in the user's stores, with variant, product, location and store, and ``available``."""
    levels = StockLevel.objects.select_related("variant__product", "location__store").annotate(
        available_qty=Greatest(F("on_hand") - F("reserved"), 0, output_field=IntegerField())
    )
    store_ids = staff_store_ids(user)
    return levels if store_ids is None else levels.filter(location__store_id__in=store_ids)


def stock_locations_for_staff(user: Any) -> QuerySet[StockLocation]:
    locations = StockLocation.objects.select_related("store").order_by("store__name", "-priority", "name")
    store_ids = staff_store_ids(user)
    return locations if store_ids is None else locations.filter(store_id__in=store_ids)


def variants_for_staff(user: Any) -> QuerySet[ProductVariant]:
    variants = ProductVariant.objects.filter(store__isnull=False).select_related("product", "store")
    store_ids = staff_store_ids(user)
    return variants if store_ids is None else variants.filter(store_id__in=store_ids)


@dataclass(frozen=True)
class LowStockRow:
    variant_id: int
    sku: str
    title: str
    label: str
    store: str
    available: int
    threshold: int

    @property
    def sold_out(self) -> bool:
        return self.available <= 0


def low_stock_variants(*, user: Any, limit: int = 10) -> list[LowStockRow]:
    """Active variants at or below their threshold in the user's stores, sold out first (one query)."""
    variants = (
        with_available_stock(variants_for_staff(user).filter(is_active=True, product__live=True))
        .filter(stock_available__lte=F("low_stock_threshold"))
        .order_by("stock_available", "sku")[:limit]
    )
    return [
        LowStockRow(
            variant_id=v.pk,
            sku=v.sku,
            title=v.product.title,
            label=v.label,
            store=v.store.name,
            available=max(v.stock_available, 0),
            threshold=v.low_stock_threshold,
        )
        for v in variants
    ]


def stock_movements_for_staff(user: Any, *, variant_id: int) -> QuerySet[StockMovement]:
    """A variant's movement history at the user's stores' locations, newest first."""
    movements = StockMovement.objects.filter(level__variant_id=variant_id).select_related("level__location", "actor")
    store_ids = staff_store_ids(user)
    movements = movements if store_ids is None else movements.filter(level__location__store_id__in=store_ids)
    return movements.order_by("-created_at", "-pk")
