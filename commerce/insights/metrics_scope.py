"""What every metric shares: the period (local days, inclusive), the stores the asker may see, the
store's time zone, and the read-only transaction the figures are read in.

A metric is called as ``metric(user=..., period=..., store_ids=...)``; :func:`metric_query` runs its
body under the asker's row-level-security context, in a savepoint made read-only with a statement
timeout and rolled back afterwards (so the settings do not outlive it, also inside a request's
transaction).
"""

from __future__ import annotations

import contextlib
import zoneinfo
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Literal

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.models import DateField, F, Func, Q

from commerce.core.rls.context import use_context
from commerce.core.rls.middleware import context_for_user
from commerce.stores.admin_scope import scope_queryset
from commerce.stores.models import Store

Interval = Literal["day", "week", "month"]
INTERVALS: tuple[Interval, ...] = ("day", "week", "month")
STATEMENT_TIMEOUT_MS = 5000  # the default; ``settings.INSIGHTS_STATEMENT_TIMEOUT_MS`` overrides it
QUERY_CANCELED = "57014"  # PostgreSQL's SQLSTATE for a statement cancelled (here: by the timeout)


class MetricTimedOut(OperationalError):
    """A metric's query ran past the statement timeout and PostgreSQL cancelled it. Nothing was
    written (the savepoint was read-only and is rolled back); the request's transaction goes on.
    An ``OperationalError``, so code catching database errors in general still catches it."""


def statement_timeout_ms() -> int:
    """The metrics' statement timeout in milliseconds (a setting, so a test can make it tiny)."""
    return int(getattr(settings, "INSIGHTS_STATEMENT_TIMEOUT_MS", STATEMENT_TIMEOUT_MS))


@dataclass(frozen=True)
class Period:
    """Local calendar days ``start``..``end`` inclusive, read in each store's own time zone."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("a period ends on or after its start")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of the same length just before this one (the comparison period)."""
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def dates(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range(self.days)]


@dataclass(frozen=True)
class StoreWindow:
    """One store's part of a period: its UTC bounds ``[starts_at, ends_at)``."""

    store_id: int
    name: str
    currency: str
    time_zone: str
    starts_at: datetime
    ends_at: datetime


def stores_in_scope(*, user: Any, store_ids: Sequence[int] | None = None) -> list[Store]:
    """The stores ``user`` may see, narrowed to ``store_ids`` when given (others are ignored)."""
    stores = scope_queryset(Store.objects.order_by("name", "pk"), user)
    if store_ids is not None:
        stores = stores.filter(pk__in=list(store_ids))
    return list(stores)


def windows(stores: Sequence[Store], period: Period) -> list[StoreWindow]:
    result = []
    for store in stores:
        zone = zoneinfo.ZoneInfo(store.time_zone)
        result.append(
            StoreWindow(
                store_id=store.pk,
                name=store.name,
                currency=store.currency,
                time_zone=store.time_zone,
                starts_at=datetime.combine(period.start, time.min, zone),
                ends_at=datetime.combine(period.end + timedelta(days=1), time.min, zone),
            )
        )
    return result


def in_windows(store_windows: Sequence[StoreWindow], *, field: str, store: str = "store_id") -> Q:
    """Rows whose ``field`` falls in their own store's window (a range per store: index-friendly)."""
    if not store_windows:
        return Q(pk__in=[])
    q = Q()
    for window in store_windows:
        q |= Q(**{store: window.store_id, f"{field}__gte": window.starts_at, f"{field}__lt": window.ends_at})
    return q


class LocalPeriodStart(Func):
    """``date_trunc(interval, timestamp AT TIME ZONE zone)::date``: the local day, Monday of the ISO
    week, or first of the month a timestamp falls in, in the zone of its own row's store."""

    output_field = DateField()
    arg_joiner = " AT TIME ZONE "

    def __init__(self, interval: Interval, timestamp: str, zone: str) -> None:
        if interval not in INTERVALS:
            raise ValueError(f"interval must be one of {INTERVALS}")
        self.template = f"(date_trunc('{interval}', %(expressions)s))::date"
        super().__init__(F(timestamp), F(zone))


def period_start(day: date, interval: Interval) -> date:
    if interval == "week":
        return day - timedelta(days=day.weekday())
    if interval == "month":
        return day.replace(day=1)
    return day


def period_starts(period: Period, interval: Interval) -> list[date]:
    """Every bucket of the period in order (weeks from Monday), for a series without gaps."""
    starts: list[date] = []
    for day in period.dates():
        start = period_start(day, interval)
        if not starts or starts[-1] != start:
            starts.append(start)
    return starts


@contextlib.contextmanager
def metric_query(*, user: Any) -> Iterator[None]:
    """Read as ``user`` (their RLS context) in a read-only savepoint with a statement timeout.

    Everything the block reads must be materialised inside it. The savepoint is rolled back at the
    end, which also undoes ``SET LOCAL`` (nothing was written: the transaction was read-only).
    A statement cancelled by the timeout raises :class:`MetricTimedOut` once the savepoint is gone."""
    try:
        with use_context(context_for_user(user)), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT set_config('transaction_read_only', 'on', true), set_config('statement_timeout', %s, true)",
                    [str(statement_timeout_ms())],
                )
            try:
                yield
            finally:
                transaction.set_rollback(True)
    except MetricTimedOut:
        raise  # from a metric_query nested inside this one
    except OperationalError as error:
        if getattr(error.__cause__, "sqlstate", None) == QUERY_CANCELED:
            raise MetricTimedOut(f"cancelled by the {statement_timeout_ms():,} ms statement timeout") from error
        raise
