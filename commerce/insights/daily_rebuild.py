"""Rebuilding the daily summary over a range, a month at a time (each month its own transaction,
so a rebuild of a large store never holds one long lock), reporting progress as it goes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from commerce.core.table_stats import tables_analyze
from commerce.stores.models import Store

from . import models
from .activity_summary import activity_range, activity_refresh
from .daily_summary import customer_first_orders_refresh, daily_sales_range, daily_sales_refresh

CHUNK_DAYS = 31


@dataclass(frozen=True)
class RebuildResult:
    stores: int
    days: int
    rows: int


def daily_sales_rebuild(
    *,
    store_ids: Sequence[int] | None = None,
    since: date | None = None,
    until: date | None = None,
    progress: Callable[[Store, date, date, int], None] | None = None,
) -> RebuildResult:
    """Recompute the summary of every store (or ``store_ids``) from ``since`` (default: its first
    payment or refund) to ``until`` (default: its last). Run as the system (it reads every store)."""
    stores = Store.objects.order_by("pk")
    if store_ids is not None:
        stores = stores.filter(pk__in=list(store_ids))
    done_stores = days = rows = 0
    for store in stores:
        known = _widen(daily_sales_range(store=store), activity_range(store=store))
        if known is None and (since is None or until is None):
            continue
        first = since or known[0]
        last = until or known[1]
        done_stores += 1
        if since is None and until is None:  # a whole rebuild also redoes who bought first
            customer_first_orders_refresh(store=store)
        start = first
        while start <= last:
            end = min(start + timedelta(days=CHUNK_DAYS - 1), last)
            written = daily_sales_refresh(store=store, first=start, last=end)
            written += activity_refresh(store=store, first=start, last=end)  # refunds, returns, gift cards
            days += (end - start).days + 1
            rows += written
            if progress:
                progress(store, start, end, written)
            start = end + timedelta(days=1)
    if done_stores:  # the reports read these next: plan with the new rows (see Row-level security)
        customer_shipping_analyze()
        tables_analyze([models.DailyRefundOrder, models.DailyReturns, models.DailyReturnReasons, models.DailyGiftCards])
    return RebuildResult(stores=done_stores, days=days, rows=rows)


def customer_shipping_analyze() -> None:
    """Fresh planner statistics for the customers', shipping and discount summaries after a bulk rebuild."""
    from .models import CustomerFirstOrder, DailyCustomerSales, DailyDiscountSales, DailyShippingSales

    tables_analyze([CustomerFirstOrder, DailyCustomerSales, DailyShippingSales, DailyDiscountSales])


def _widen(*ranges: tuple[date, date] | None) -> tuple[date, date] | None:
    """The smallest range of days holding every one of ``ranges`` (None: none at all)."""
    known = [days for days in ranges if days is not None]
    if not known:
        return None
    return min(first for first, _ in known), max(last for _, last in known)
