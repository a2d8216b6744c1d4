"""Where a metric reads each day from: the daily summary for the store's past days, the orders
themselves for its today (and any later day), so today's figures are exact the moment an order is
paid and a year is a few hundred summary rows instead of a million orders.

A past day in the summary is as fresh as its last refresh (after each payment and refund commits,
or ``rebuild_daily_sales``). Call inside :func:`~commerce.insights.metrics_scope.metric_query`.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date, datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from commerce.stores.models import Store

from .metrics_scope import Period, StoreWindow, windows


@dataclass(frozen=True)
class SplitPeriod:
    """``past``: a condition on summary rows (``store_id``, ``day``); ``live``: the windows still
    read from orders and refunds."""

    past: Q
    live: list[StoreWindow]
    has_past: bool
    # The same days as (store id, first, last), for raw SQL.
    past_days: list[tuple[int, date, date]] = dataclass_field(default_factory=list)


def split_period(stores: Sequence[Store], period: Period, *, now: datetime | None = None) -> SplitPeriod:
    now = now or timezone.now()
    past, live, has_past, past_days = Q(pk__in=[]), [], False, []
    for store in stores:
        today = now.astimezone(zoneinfo.ZoneInfo(store.time_zone)).date()
        if period.start < today:
            last = min(period.end, today - timedelta(days=1))
            past |= Q(store_id=store.pk, day__gte=period.start, day__lte=last)
            past_days.append((store.pk, period.start, last))
            has_past = True
        if period.end >= today:
            live += windows([store], Period(max(period.start, today), period.end))
    return SplitPeriod(past=past, live=live, has_past=has_past, past_days=past_days)


def add_up(into: dict, rows: Sequence[dict], *, key: Sequence[str], sums: Sequence[str], maxes: Sequence[str] = ()):
    """Add each row's ``sums`` into ``into[key]`` (keeping the largest of ``maxes``): summary and
    live rows of the same day-less group become one."""
    for row in rows:
        entry = into.setdefault(tuple(row[k] for k in key), {k: row[k] for k in key})
        for field in sums:
            entry[field] = entry.get(field, 0) + (row[field] or 0)
        for field in maxes:
            entry[field] = max(entry.get(field) or "", row[field] or "")
    return into
