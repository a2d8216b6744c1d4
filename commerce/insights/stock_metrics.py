"""Stock figures: variants at or below their low-stock threshold, and what the stock on hand is
worth at its current selling price, per store currency. Stock is a state, not a history: these
read the levels now (no period)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, ExpressionWrapper, F, IntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from commerce.catalog.models import ProductVariant
from commerce.inventory.models import StockLevel

from .metrics_scope import metric_query, stores_in_scope


@dataclass(frozen=True)
class LowStock:
    store: str
    variant_id: int
    sku: str
    title: str
    label: str
    on_hand: int
    available: int
    threshold: int


@dataclass(frozen=True)
class StockValue:
    """One currency's stock on hand: units and retail value (on hand × the variant's price)."""

    currency: str
    variants: int
    units_on_hand: int
    units_reserved: int
    retail_value: Decimal


def _levels(field: str):
    return Subquery(
        StockLevel.objects.filter(variant=OuterRef("pk")).values("variant").annotate(total=Sum(field)).values("total"),
        output_field=IntegerField(),
    )


def low_stock(*, user: Any, store_ids: Sequence[int] | None = None, limit: int = 50) -> list[LowStock]:
    """Active variants of live products whose available stock (on hand − reserved, all locations)
    is at or below their threshold, sold out first, at most ``limit``. One query."""
    with metric_query(user=user):
        stores = stores_in_scope(user=user, store_ids=store_ids)
        variants = list(
            ProductVariant.objects.filter(store__in=stores, is_active=True, product__live=True)
            .annotate(
                on_hand_total=Coalesce(_levels("on_hand"), Value(0)),
                reserved_total=Coalesce(_levels("reserved"), Value(0)),
            )
            .annotate(available_total=F("on_hand_total") - F("reserved_total"))
            .filter(available_total__lte=F("low_stock_threshold"))
            .select_related("product", "store")
            .order_by("available_total", "sku", "pk")[:limit]
        )
    return [
        LowStock(
            store=v.store.name,
            variant_id=v.pk,
            sku=v.sku,
            title=v.product.title,
            label=v.label,
            on_hand=v.on_hand_total,
            available=max(v.available_total, 0),
            threshold=v.low_stock_threshold,
        )
        for v in variants
    ]


def stock_value(*, user: Any, store_ids: Sequence[int] | None = None) -> list[StockValue]:
    """Per store currency: variants stocked, units on hand and reserved, and their retail value
    (on hand × current price) over every location of the stores in scope. One query."""
    with metric_query(user=user):
        stores = stores_in_scope(user=user, store_ids=store_ids)
        rows = list(
            StockLevel.objects.filter(location__store__in=stores)
            .values("location__store__currency")
            .annotate(
                variants=Count("variant", distinct=True),
                units=Sum("on_hand"),
                held=Sum("reserved"),
                value=Sum(
                    ExpressionWrapper(
                        F("on_hand") * F("variant__price"), output_field=DecimalField(max_digits=18, decimal_places=2)
                    )
                ),
            )
            .order_by("location__store__currency")
        )
    return [
        StockValue(
            currency=row["location__store__currency"],
            variants=row["variants"],
            units_on_hand=row["units"] or 0,
            units_reserved=row["held"] or 0,
            retail_value=(row["value"] or Decimal(0)).quantize(Decimal("0.01")),
        )
        for row in rows
    ]
