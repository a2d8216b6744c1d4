"""The Shipping charged report's summary: orders and shipping charged per store, local day, currency
and shipping method (:class:`~commerce.insights.models.DailyShippingSales`), recomputed (never
incremented) inside :func:`commerce.insights.daily_summary.daily_sales_refresh`'s transaction, under
its per-store advisory lock."""

from __future__ import annotations

from typing import Any

DAYS_DELETE = (
    "DELETE FROM insights_dailyshippingsales WHERE store_id = %(store)s AND day BETWEEN %(first)s AND %(last)s"
)
DAYS_INSERT = """
INSERT INTO insights_dailyshippingsales (store_id, day, currency, method, orders, shipping)
SELECT %(store)s, (o.paid_at AT TIME ZONE %(tz)s)::date, o.currency, o.shipping_method_name, count(*),
       sum(o.shipping_total)
  FROM orders_order o
 WHERE o.store_id = %(store)s AND o.paid_at >= %(since)s AND o.paid_at < %(until)s
 GROUP BY 2, 3, 4
"""


def shipping_days_refresh(cursor: Any, params: dict[str, Any]) -> None:
    """Recompute the store's shipping rows for ``params['first']``..``['last']`` (the params of
    ``daily_sales_refresh``; its transaction and lock)."""
    cursor.execute(DAYS_DELETE, params)
    cursor.execute(DAYS_INSERT, params)
