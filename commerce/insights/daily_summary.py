"""The daily summary tables (:class:`~commerce.insights.models.DailySales` and
:class:`~commerce.insights.models.DailyProductSales`): written here only.

A store's days are recomputed from its orders and refunds — never incremented — by a DELETE and an
``INSERT … SELECT`` in one transaction holding a per-store advisory lock. Under READ COMMITTED each
statement reads what was committed when it starts, and the lock is taken before them, so two
refreshes of the same store run one after the other and the later one sees everything the earlier
one saw: whatever order payments commit and refresh jobs run in, the last refresh leaves the truth.
A refresh runs after each payment and refund commits (``receivers.py`` → ``tasks.py``), and
``manage.py rebuild_daily_sales`` recomputes any range.
"""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time, timedelta

from django.db import connection, transaction

from commerce.stores.models import Store

from .customer_summary import customer_days_refresh, customer_returning_days_refresh
from .discount_summary import discount_days_refresh
from .shipping_summary import shipping_days_refresh

LOCK_NAMESPACE = 130013  # pg_advisory_xact_lock(namespace, store id): one refresh per store at a time

SALES = """
WITH o AS (
    SELECT (o.paid_at AT TIME ZONE %(tz)s)::date AS day, o.currency, count(*) AS n, sum(o.subtotal) AS gross,
           sum(o.discount_total) AS discounts, sum(o.shipping_total) AS shipping, sum(o.tax_total) AS tax,
           sum(o.total) AS total
      FROM orders_order o
     WHERE o.store_id = %(store)s AND o.paid_at >= %(since)s AND o.paid_at < %(until)s
     GROUP BY 1, 2
), u AS (
    SELECT (o.paid_at AT TIME ZONE %(tz)s)::date AS day, o.currency, sum(l.quantity) AS units
      FROM orders_orderline l JOIN orders_order o ON o.id = l.order_id
     WHERE o.store_id = %(store)s AND o.paid_at >= %(since)s AND o.paid_at < %(until)s
     GROUP BY 1, 2
), r AS (
    SELECT (r.created_at AT TIME ZONE %(tz)s)::date AS day, r.currency, count(*) AS n, sum(r.amount) AS amount
      FROM payments_refund r JOIN orders_order o ON o.id = r.order_id
     WHERE o.store_id = %(store)s AND r.status = 'succeeded' AND r.created_at >= %(since)s AND r.created_at < %(until)s
     GROUP BY 1, 2
)
INSERT INTO insights_dailysales
       (store_id, day, currency, orders, units, gross, discounts, shipping, tax, total, refunds, refund_count)
SELECT %(store)s, day, currency, coalesce(o.n, 0), coalesce(u.units, 0), coalesce(o.gross, 0),
       coalesce(o.discounts, 0), coalesce(o.shipping, 0), coalesce(o.tax, 0), coalesce(o.total, 0),
       coalesce(r.amount, 0), coalesce(r.n, 0)
  FROM o FULL JOIN u USING (day, currency) FULL JOIN r USING (day, currency)
"""

PRODUCTS = """
INSERT INTO insights_dailyproductsales (store_id, day, currency, product_id, orphan_title, title, units, revenue)
SELECT %(store)s, (o.paid_at AT TIME ZONE %(tz)s)::date, o.currency, v.product_id,
       CASE WHEN l.variant_id IS NULL THEN l.product_title ELSE '' END, max(l.product_title),
       sum(l.quantity), sum(l.line_total)
  FROM orders_orderline l JOIN orders_order o ON o.id = l.order_id
  LEFT JOIN catalog_productvariant v ON v.id = l.variant_id
 WHERE o.store_id = %(store)s AND o.paid_at >= %(since)s AND o.paid_at < %(until)s
 GROUP BY 2, 3, 4, 5
"""

# When each email of the store first paid: recomputed for the given emails (a refresh) or all of
# them (a rebuild), from the orders, under the same per-store lock.
FIRST_ORDERS = """
INSERT INTO insights_customerfirstorder (store_id, email, first_paid_at)
SELECT store_id, email, min(paid_at) FROM orders_order
 WHERE store_id = %(store)s AND paid_at IS NOT NULL AND (%(all)s OR email = ANY(%(emails)s))
 GROUP BY store_id, email
ON CONFLICT (store_id, email) DO UPDATE SET first_paid_at = EXCLUDED.first_paid_at
"""


@transaction.atomic
def customer_first_orders_refresh(*, store: Store, emails: list[str] | None = None) -> int:
    """Recompute when each of ``emails`` (None: every customer of the store) first paid in ``store``."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, store.pk])
        if emails is None:
            cursor.execute("DELETE FROM insights_customerfirstorder WHERE store_id = %s", [store.pk])
        cursor.execute(FIRST_ORDERS, {"store": store.pk, "all": emails is None, "emails": emails or []})
        written = cursor.rowcount
        customer_returning_days_refresh(cursor, store_id=store.pk, time_zone=store.time_zone, emails=emails)
        return written


def local_midnight(day: date, time_zone: str) -> datetime:
    return datetime.combine(day, time.min, zoneinfo.ZoneInfo(time_zone))


@transaction.atomic
def daily_sales_refresh(*, store: Store, first: date, last: date) -> int:
    """Recompute ``store``'s summary rows for its local days ``first``..``last`` from its paid
    orders and succeeded refunds. Returns the number of day-and-currency rows written."""
    params = {
        "store": store.pk,
        "tz": store.time_zone,
        "since": local_midnight(first, store.time_zone),
        "until": local_midnight(last + timedelta(days=1), store.time_zone),
        "first": first,
        "last": last,
    }
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, store.pk])
        for table in ("insights_dailysales", "insights_dailyproductsales"):
            cursor.execute(
                f"DELETE FROM {table} WHERE store_id = %(store)s AND day BETWEEN %(first)s AND %(last)s",  # noqa: S608 - table names are constants
                params,
            )
        cursor.execute(SALES, params)
        written = cursor.rowcount
        cursor.execute(PRODUCTS, params)
        customer_days_refresh(cursor, params)
        shipping_days_refresh(cursor, params)
        discount_days_refresh(cursor, params)
    return written


def daily_sales_refresh_times(*, store: Store, moments: list[datetime]) -> int:
    """Refresh the local days (in ``store``'s time zone) that ``moments`` fall on."""
    zone = zoneinfo.ZoneInfo(store.time_zone)
    days = sorted({moment.astimezone(zone).date() for moment in moments})
    return sum(daily_sales_refresh(store=store, first=day, last=day) for day in days)


def daily_sales_range(*, store: Store) -> tuple[date, date] | None:
    """The first and last local days on which ``store`` has a payment or a refund (None: none)."""
    return local_day_span(
        store=store,
        queries=[
            "SELECT min(paid_at), max(paid_at) FROM orders_order WHERE store_id = %s",
            "SELECT min(r.created_at), max(r.created_at) FROM payments_refund r"
            " JOIN orders_order o ON o.id = r.order_id WHERE o.store_id = %s",
        ],
    )


def local_day_span(*, store: Store, queries: list[str]) -> tuple[date, date] | None:
    """The first and last local days (``store``'s time zone) among the ``(min, max)`` moments each
    query returns for the store's id (None: no moment at all)."""
    moments: list[datetime | None] = []
    with connection.cursor() as cursor:
        for sql in queries:
            cursor.execute(sql, [store.pk])
            moments += list(cursor.fetchone())
    known = [moment for moment in moments if moment is not None]
    if not known:
        return None
    zone = zoneinfo.ZoneInfo(store.time_zone)
    return min(known).astimezone(zone).date(), max(known).astimezone(zone).date()
