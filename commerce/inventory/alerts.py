"""Low-stock state: a variant is low when its available stock over the store's active locations is
at or below its threshold. Managers are emailed once when it becomes low, and again only after it
went back above the threshold and fell again."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from commerce.catalog.availability import with_available_stock
from commerce.catalog.models import ProductVariant
from commerce.core.page_cache import page_cache_invalidate_on_commit

from .models import LowStockAlert


def low_stock_refresh(*, variant_ids: Iterable[int], may_have_risen: bool = True) -> list[int]:
    """Record which of these variants crossed their threshold; returns (and alerts for) the newly low ones.

    Callers hold the row locks of these variants' stock levels, so two transactions never decide
    the same crossing. The common case (nothing crossed) is one query. A variant never recorded
    whose stock may have risen (e.g. it had no stock level at all) retires its store's cached pages
    and is recorded; a reservation (``may_have_risen=False``) only lowers stock, so a variant above
    its threshold after one was above it before.
    """
    variant_ids = sorted(set(variant_ids))
    if not variant_ids:
        return []
    rows = (
        with_available_stock(ProductVariant.objects.filter(pk__in=variant_ids, is_active=True))
        .annotate(flagged=F("low_stock_alert__is_low"))
        .values_list("pk", "low_stock_threshold", "stock_available", "flagged", "store__site_id")
    )
    crossed, recovered, first_seen, shown_changed = [], [], [], set()
    for pk, threshold, available, flagged, site_id in rows:
        # Pages show "Only N left" and "Sold out" at or below the threshold, plain "In stock" above.
        if available <= threshold:
            if not flagged:
                crossed.append(pk)
        elif flagged:
            recovered.append(pk)
        elif flagged is None and may_have_risen:
            first_seen.append(pk)  # no record yet: it may have been "Sold out" (no level at all) until now
        else:
            continue  # above the threshold before and after: pages show the same
        shown_changed.add(site_id)
    if shown_changed:  # that store's cached pages (a variant without a store: every store's)
        page_cache_invalidate_on_commit(
            reason="stock status", site_ids=None if None in shown_changed else shown_changed
        )
    if crossed:
        LowStockAlert.objects.bulk_create(
            [LowStockAlert(variant_id=pk, is_low=True) for pk in crossed],
            update_conflicts=True,
            unique_fields=["variant"],
            update_fields=["is_low", "changed_at"],
        )
        from .tasks import send_low_stock_alert

        transaction.on_commit(lambda: send_low_stock_alert.enqueue(variant_ids=crossed))
    if recovered:
        LowStockAlert.objects.filter(pk__in=recovered).update(is_low=False, changed_at=timezone.now())
    if first_seen:
        _record_not_low(first_seen)
    return crossed


def low_stock_record_opening(*, variant_ids: Iterable[int]) -> None:
    """Record the variants whose opening stock is above their threshold as not low (no email), so
    their next change above it keeps the page cache. Those opened at or below it stay unrecorded:
    their first change alerts the managers, as before."""
    variant_ids = sorted(set(variant_ids))
    if not variant_ids:
        return
    healthy = (
        with_available_stock(ProductVariant.objects.filter(pk__in=variant_ids, is_active=True))
        .filter(stock_available__gt=F("low_stock_threshold"))
        .values_list("pk", flat=True)
    )
    _record_not_low(list(healthy))


def _record_not_low(variant_ids: list[int]) -> None:
    """A variant known to be above its threshold (an existing record is kept)."""
    if variant_ids:
        LowStockAlert.objects.bulk_create(
            [LowStockAlert(variant_id=pk, is_low=False) for pk in variant_ids], ignore_conflicts=True
        )
