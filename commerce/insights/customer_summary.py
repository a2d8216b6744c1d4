"""The Customers report's summary: new and returning orders per store, local day and currency
(:class:`~commerce.insights.models.DailyCustomerSales`), and the days each email paid again
(``CustomerFirstOrder.is_returning_days``).

A customer is an email in a store. An order is *returning* when it was paid after its email's first
paid order in that store (``CustomerFirstOrder``), else *new*; an email is new on the one day of its
first order, so new customers add up over days. Returning customers do not (the same email returns on
many days): each email keeps the set of local days it returned on, and the customers returning in a
period are the emails whose set touches it — one row per customer, however many orders.

Both are recomputed (never incremented) by the functions here, called inside
:mod:`commerce.insights.daily_summary`'s transactions under its per-store advisory lock, after the
first orders of the same emails.
"""

from __future__ import annotations

from typing import Any

# A store's days, recomputed with the params of ``daily_sales_refresh``.
DAYS_DELETE = (
    "DELETE FROM insights_dailycustomersales WHERE store_id = %(store)s AND day BETWEEN %(first)s AND %(last)s"
)
DAYS_INSERT = """
INSERT INTO insights_dailycustomersales (store_id, day, currency, new_orders, returning_orders, new_customers)
SELECT %(store)s, (o.paid_at AT TIME ZONE %(tz)s)::date, o.currency,
       count(*) FILTER (WHERE NOT r.is_returning), count(*) FILTER (WHERE r.is_returning),
       count(DISTINCT o.email) FILTER (WHERE NOT r.is_returning)
  FROM orders_order o
  LEFT JOIN insights_customerfirstorder f ON f.store_id = o.store_id AND f.email = o.email
 CROSS JOIN LATERAL (SELECT coalesce(o.paid_at > f.first_paid_at, false) AS is_returning) r
 WHERE o.store_id = %(store)s AND o.paid_at >= %(since)s AND o.paid_at < %(until)s
 GROUP BY 2, 3
"""

# The days each email paid again, for some emails (a refresh) or all of a store's (a rebuild).
RETURNING_RESET = """
UPDATE insights_customerfirstorder SET returning_days = '{}'
 WHERE store_id = %(store)s AND (%(all)s OR email = ANY(%(emails)s)) AND NOT isempty(returning_days)
"""
RETURNING_DAYS = """
UPDATE insights_customerfirstorder f SET returning_days = d.days
  FROM (SELECT o.email, range_agg(daterange(x.day, x.day, '[]')) AS days
          FROM orders_order o
          JOIN insights_customerfirstorder f2 ON f2.store_id = o.store_id AND f2.email = o.email
         CROSS JOIN LATERAL (SELECT (o.paid_at AT TIME ZONE %(tz)s)::date AS day) x
         WHERE o.store_id = %(store)s AND o.paid_at > f2.first_paid_at AND (%(all)s OR o.email = ANY(%(emails)s))
         GROUP BY o.email) d
 WHERE f.store_id = %(store)s AND f.email = d.email
"""


def customer_days_refresh(cursor: Any, params: dict[str, Any]) -> None:
    """Recompute the store's new/returning rows for ``params['first']``..``['last']`` (the params of
    ``daily_sales_refresh``; its transaction and lock)."""
    cursor.execute(DAYS_DELETE, params)
    cursor.execute(DAYS_INSERT, params)


def customer_returning_days_refresh(cursor: Any, *, store_id: int, time_zone: str, emails: list[str] | None) -> None:
    """Recompute the local days each of ``emails`` (None: every email of the store) paid again after
    its first order (run after the first orders, in their transaction and lock)."""
    params = {"store": store_id, "tz": time_zone, "all": emails is None, "emails": emails or []}
    cursor.execute(RETURNING_RESET, params)
    cursor.execute(RETURNING_DAYS, params)
