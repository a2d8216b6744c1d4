"""New and returning customers (the Customers report and the assistant's ``customer_mix`` tool).

A customer is an email in a store (the same email in two stores is two customers: each store has its
own first order). An order is *returning* when its email had paid in the store before, else *new*.
Past days are read from the summary (:mod:`commerce.insights.customer_summary`), the store's today
from its orders, in one query whatever the number of orders.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection

from .metrics_scope import Period, metric_query, stores_in_scope
from .summary_reads import split_period


@dataclass(frozen=True)
class CustomerMix:
    """Customers (by email, per store) who ordered in the period: new ones placed their first paid order in it."""

    new_customers: int
    returning_customers: int
    orders_from_new: int
    orders_from_returning: int


# ``{live}``: the windows read from the orders (today); ``{days}``: the past days of the daily
# rows; ``{ranges}``: the same days against each email's returning days (``{seen}``: the same test on
# a live order's own first-order row, so a customer returning in both parts is counted once).
CUSTOMER_MIX = """
WITH live AS (
    SELECT o.store_id, o.email, coalesce(o.paid_at > f.first_paid_at, false) AS is_returning,
           coalesce(f.seen_before, false) AS seen_before
      FROM orders_order o
      LEFT JOIN LATERAL (  -- a lookup by the unique (store, email) key per order, not a scan of every customer
           SELECT f.first_paid_at, {seen} AS seen_before FROM insights_customerfirstorder f
            WHERE f.store_id = o.store_id AND f.email = o.email LIMIT 1  -- LIMIT: kept a per-order lookup
      ) f ON true
     WHERE {live}
), past AS (
    SELECT coalesce(sum(new_customers), 0) AS customers, coalesce(sum(new_orders), 0) AS new_orders,
           coalesce(sum(returning_orders), 0) AS returning_orders
      FROM insights_dailycustomersales WHERE {days}
)
SELECT past.customers + (SELECT count(DISTINCT (store_id, email)) FROM live WHERE NOT is_returning),
       (SELECT count(*) FROM insights_customerfirstorder WHERE {ranges})
       + (SELECT count(DISTINCT (store_id, email)) FROM live WHERE is_returning AND NOT seen_before),
       past.new_orders + (SELECT count(*) FROM live WHERE NOT is_returning),
       past.returning_orders + (SELECT count(*) FROM live WHERE is_returning)
  FROM past
"""


def _conditions(parts: Sequence[tuple[str, list]]) -> tuple[str, list]:
    if not parts:
        return "false", []
    return " OR ".join(sql for sql, _ in parts), [value for _, values in parts for value in values]


def customer_mix(*, user: Any, period: Period, store_ids: Sequence[int] | None = None) -> CustomerMix:
    """New and returning customers (by order email, per store: an email in two stores is two
    customers) among the period's paid orders, and their orders: an order is returning when its
    email had paid in the store before (an order whose email is not known yet is its first). Past
    days from the daily summary, today from the orders: one query."""
    with metric_query(user=user):
        stores = stores_in_scope(user=user, store_ids=store_ids)
        split = split_period(stores, period)
        past: list[tuple[int, date, date]] = split.past_days
        live, live_params = _conditions(
            [
                ("(o.store_id = %s AND o.paid_at >= %s AND o.paid_at < %s)", [w.store_id, w.starts_at, w.ends_at])
                for w in split.live
            ]
        )
        days, day_params = _conditions([("(store_id = %s AND day BETWEEN %s AND %s)", list(p)) for p in past])
        returned = "({table}store_id = %s AND {table}returning_days && daterange(%s, %s, '[]'))"
        ranges, range_params = _conditions([(returned.format(table=""), list(p)) for p in past])
        seen, seen_params = _conditions([(returned.format(table="f."), list(p)) for p in past])
        if not stores:
            return CustomerMix(0, 0, 0, 0)
        with connection.cursor() as cursor:
            cursor.execute(
                CUSTOMER_MIX.format(seen=seen, live=live, days=days, ranges=ranges),
                [*seen_params, *live_params, *day_params, *range_params],
            )
            new_customers, returning_customers, new_orders, returning_orders = cursor.fetchone()
    return CustomerMix(
        new_customers=new_customers,
        returning_customers=returning_customers,
        orders_from_new=new_orders,
        orders_from_returning=returning_orders,
    )
