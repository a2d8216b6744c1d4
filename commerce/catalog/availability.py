"""Available stock as the storefront reads it: summed over the store's active locations.

Stock lives in ``commerce.inventory`` (a floor above the catalogue). The catalogue never imports
it: it reads the levels through the ``stock_levels`` relation in ORM expressions, so listing and
product queries add a join or an aggregate, never a query per variant.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import F, Q, QuerySet, Sum

from .models import ProductVariant


def available_sum(prefix: str = "") -> Sum:
    """On hand less reserved over active locations, for the variant at ``prefix`` (e.g. ``"variant__"``)."""
    return Sum(
        F(f"{prefix}stock_levels__on_hand") - F(f"{prefix}stock_levels__reserved"),
        filter=Q(**{f"{prefix}stock_levels__location__is_active": True}),
        default=0,
    )


def with_available_stock(queryset: QuerySet[ProductVariant]) -> QuerySet[ProductVariant]:
    """Annotate ``stock_available`` (on hand less reserved, over active locations) on each variant."""
    return queryset.annotate(stock_available=available_sum())


def in_stock_q(prefix: str = "") -> Q:
    """Variants with a unit left to sell at some active location (for ``Exists`` filters)."""
    return Q(
        **{
            f"{prefix}stock_levels__on_hand__gt": F(f"{prefix}stock_levels__reserved"),
            f"{prefix}stock_levels__location__is_active": True,
        }
    )


def available_stock(variant_ids: Iterable[int]) -> dict[int, int]:
    """Available stock per variant id (one query)."""
    rows = with_available_stock(ProductVariant.objects.filter(pk__in=list(variant_ids))).values_list(
        "pk", "stock_available"
    )
    return {pk: max(available, 0) for pk, available in rows}
