"""Low-stock state: a variant is low when its available stock over the store's active locations is
at or below its threshold. Managers are emailed once when it becomes low, and again only after it
went back above the threshold and fell again."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from commerce.catalog.availability import available_stock
from commerce.catalog.models import ProductVariant
from commerce.core.locking import locked

from .models import LowStockAlert


def low_stock_refresh(*, variant_ids: Iterable[int]) -> list[int]:
    """Record which of these variants crossed their threshold; returns (and alerts for) the newly low ones."""
    variant_ids = sorted(set(variant_ids))
    if not variant_ids:
        return []
    thresholds = dict(
        ProductVariant.objects.filter(pk__in=variant_ids, is_active=True).values_list("pk", "low_stock_threshold")
    )
    available = available_stock(thresholds)
    low = {pk for pk, threshold in thresholds.items() if available.get(pk, 0) <= threshold}
    LowStockAlert.objects.bulk_create([LowStockAlert(variant_id=pk) for pk in thresholds], ignore_conflicts=True)
    states = dict(
        locked(LowStockAlert.objects).filter(variant_id__in=thresholds).order_by("pk").values_list("pk", "is_low")
    )
    crossed = [pk for pk in thresholds if pk in low and not states.get(pk)]
    recovered = [pk for pk in thresholds if pk not in low and states.get(pk)]
    if crossed:
        LowStockAlert.objects.filter(pk__in=crossed).update(is_low=True)
        from .tasks import send_low_stock_alert

        transaction.on_commit(lambda: send_low_stock_alert.enqueue(variant_ids=crossed))
    if recovered:
        LowStockAlert.objects.filter(pk__in=recovered).update(is_low=False)
    return crossed
