"""The Discounts report's summary: uses, cost, shipping part and the orders' gross sales per store,
local day, currency and discount (:class:`~commerce.insights.models.DailyDiscountSales`), from the
unreleased redemptions of the orders paid that day. Recomputed (never incremented) inside
:func:`commerce.insights.daily_summary.daily_sales_refresh`'s transaction, under its per-store
advisory lock; a release (full refund) refreshes the order's payment day after its commit."""

from __future__ import annotations

from typing import Any

DAYS_DELETE = (
    "DELETE FROM insights_dailydiscountsales WHERE store_id = %(store)s AND day BETWEEN %(first)s AND %(last)s"
)
DAYS_INSERT = """
INSERT INTO insights_dailydiscountsales (store_id, day, currency, discount_id, uses, cost, shipping, sales)
SELECT %(store)s, (o.paid_at AT TIME ZONE %(tz)s)::date, o.currency, r.discount_id, count(*), sum(r.amount),
       sum(r.shipping_amount), sum(o.subtotal)
  FROM promotions_discountredemption r JOIN orders_order o ON o.id = r.order_id
 WHERE o.store_id = %(store)s AND o.paid_at >= %(since)s AND o.paid_at < %(until)s AND NOT r.released
 GROUP BY 2, 3, 4
"""


def discount_days_refresh(cursor: Any, params: dict[str, Any]) -> None:
    """Recompute the store's discount rows for ``params['first']``..``['last']`` (the params of
    ``daily_sales_refresh``; its transaction and lock)."""
    cursor.execute(DAYS_DELETE, params)
    cursor.execute(DAYS_INSERT, params)
