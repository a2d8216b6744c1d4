"""The daily summaries of refunds, returns and gift cards (:class:`~commerce.insights.models.DailyRefundOrder`,
:class:`~commerce.insights.models.DailyReturns`, :class:`~commerce.insights.models.DailyReturnReasons`,
:class:`~commerce.insights.models.DailyGiftCards`): written here only, the same way as the sales summary
(:mod:`commerce.insights.daily_summary`) — a store's days are *recomputed* (DELETE + ``INSERT … SELECT``)
under the same per-store advisory lock, so the last refresh leaves the truth whatever order the
writes commit in. Refreshed after commit by ``tasks.py`` (a refund, a return's step, a gift-card
ledger row) and rebuilt with the sales summary by ``manage.py rebuild_daily_sales``.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.db import connection, transaction

from commerce.stores.models import Store

from .daily_summary import LOCK_NAMESPACE, local_day_span, local_midnight

# One row per order and local day with a succeeded refund; units from the refund lines.
REFUNDS = """
INSERT INTO insights_dailyrefundorder (store_id, day, currency, order_id, refunds, refunded, units)
SELECT %(store)s, (r.created_at AT TIME ZONE %(tz)s)::date, r.currency, r.order_id, count(*), sum(r.amount),
       coalesce(sum(u.units), 0)
  FROM payments_refund r JOIN orders_order o ON o.id = r.order_id
  LEFT JOIN LATERAL (SELECT sum(l.quantity) AS units FROM payments_refundline l WHERE l.refund_id = r.id) u ON true
 WHERE o.store_id = %(store)s AND r.status = 'succeeded' AND r.created_at >= %(since)s AND r.created_at < %(until)s
 GROUP BY 2, 3, 4
"""

# Each return counted once per step and local day (a return takes each step once: the services
# refuse a step from the wrong status); the refunded value per line as the refund step computes it.
RETURNS = """
WITH e AS (
    SELECT DISTINCT (e.created_at AT TIME ZONE %(tz)s)::date AS day, o.currency, e.type,
           (e.data->>'return_request')::bigint AS return_id
      FROM orders_orderevent e JOIN orders_order o ON o.id = e.order_id
     WHERE o.store_id = %(store)s AND e.type IN
           ('return_requested', 'return_approved', 'return_received', 'return_rejected', 'return_refunded')
       AND e.created_at >= %(since)s AND e.created_at < %(until)s
), v AS (
    SELECT e.day, e.currency, sum(round(ol.line_total * l.quantity / ol.quantity, 2)) AS value
      FROM e JOIN orders_returnline l ON l.return_request_id = e.return_id
      JOIN orders_orderline ol ON ol.id = l.order_line_id
     WHERE e.type = 'return_refunded'
     GROUP BY 1, 2
)
INSERT INTO insights_dailyreturns
       (store_id, day, currency, requested, approved, received, rejected, refunded, refunded_value)
SELECT %(store)s, e.day, e.currency,
       count(*) FILTER (WHERE e.type = 'return_requested'), count(*) FILTER (WHERE e.type = 'return_approved'),
       count(*) FILTER (WHERE e.type = 'return_received'), count(*) FILTER (WHERE e.type = 'return_rejected'),
       count(*) FILTER (WHERE e.type = 'return_refunded'), coalesce(max(v.value), 0)
  FROM e LEFT JOIN v USING (day, currency)
 GROUP BY e.day, e.currency
"""

REASONS = """
INSERT INTO insights_dailyreturnreasons (store_id, day, currency, reason, units, returns)
SELECT %(store)s, (r.created_at AT TIME ZONE %(tz)s)::date, o.currency, l.reason, sum(l.quantity),
       count(DISTINCT r.id)
  FROM orders_returnline l JOIN orders_returnrequest r ON r.id = l.return_request_id
  JOIN orders_order o ON o.id = r.order_id
 WHERE o.store_id = %(store)s AND r.status <> 'rejected' AND r.created_at >= %(since)s AND r.created_at < %(until)s
 GROUP BY 2, 3, 4
"""

# Per card and day: what moved, and its balance before the day (its ledger before local midnight);
# a card "opens" (+1) when the day takes it from no balance to a balance and "closes" (−1) back.
GIFT_CARDS = """
WITH t AS (
    SELECT (t.created_at AT TIME ZONE %(tz)s)::date AS day, g.currency, t.gift_card_id,
           sum(t.amount) FILTER (WHERE t.kind = 'issue') AS issued,
           sum(t.amount) FILTER (WHERE t.kind = 'redeem') AS redeemed,
           sum(t.amount) FILTER (WHERE t.kind = 'refund') AS refunded,
           sum(t.amount) FILTER (WHERE t.kind IN ('expiry', 'adjustment')) AS other,
           sum(t.amount) AS net
      FROM promotions_giftcardtransaction t JOIN promotions_giftcard g ON g.id = t.gift_card_id
     WHERE g.store_id = %(store)s AND t.created_at >= %(since)s AND t.created_at < %(until)s
     GROUP BY 1, 2, 3
), b AS (
    SELECT t.*, coalesce((SELECT sum(p.amount) FROM promotions_giftcardtransaction p
                           WHERE p.gift_card_id = t.gift_card_id
                             AND p.created_at < (t.day::timestamp AT TIME ZONE %(tz)s)), 0) AS before
      FROM t
)
INSERT INTO insights_dailygiftcards
       (store_id, day, currency, issued, redeemed, refunded, other, net, cards_with_balance)
SELECT %(store)s, day, currency, coalesce(sum(issued), 0), coalesce(sum(redeemed), 0), coalesce(sum(refunded), 0),
       coalesce(sum(other), 0), sum(net), sum((before + net > 0)::int - (before > 0)::int)
  FROM b GROUP BY day, currency
"""

PARTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "refunds": (("insights_dailyrefundorder",), (REFUNDS,)),
    "returns": (("insights_dailyreturns", "insights_dailyreturnreasons"), (RETURNS, REASONS)),
    "gift_cards": (("insights_dailygiftcards",), (GIFT_CARDS,)),
}
ALL_PARTS = tuple(PARTS)
TABLES = tuple(table for tables, _ in PARTS.values() for table in tables)


@transaction.atomic
def activity_refresh(*, store: Store, first: date, last: date, parts: Iterable[str] = ALL_PARTS) -> int:
    """Recompute ``store``'s refund, return and gift-card summary rows (or only ``parts``) for its
    local days ``first``..``last``. Returns the number of rows written."""
    params = {
        "store": store.pk,
        "tz": store.time_zone,
        "since": local_midnight(first, store.time_zone),
        "until": local_midnight(last + timedelta(days=1), store.time_zone),
        "first": first,
        "last": last,
    }
    written = 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, store.pk])
        for part in parts:
            tables, statements = PARTS[part]
            for table in tables:
                cursor.execute(
                    f"DELETE FROM {table} WHERE store_id = %(store)s AND day BETWEEN %(first)s AND %(last)s",  # noqa: S608 - table names are constants
                    params,
                )
            for statement in statements:
                cursor.execute(statement, params)
                written += cursor.rowcount
    return written


def activity_refresh_times(*, store: Store, moments: Iterable[datetime], parts: Iterable[str] = ALL_PARTS) -> int:
    """Refresh the local days (in ``store``'s time zone) that ``moments`` fall on."""
    zone = zoneinfo.ZoneInfo(store.time_zone)
    days = sorted({moment.astimezone(zone).date() for moment in moments})
    parts = tuple(parts)
    return sum(activity_refresh(store=store, first=day, last=day, parts=parts) for day in days)


def activity_range(*, store: Store) -> tuple[date, date] | None:
    """The first and last local days of ``store``'s returns (opened, or taking a step) and gift-card
    ledger (refunds are in :func:`~commerce.insights.daily_summary.daily_sales_range` already); None
    when there are none."""
    return local_day_span(
        store=store,
        queries=[
            "SELECT min(t.created_at), max(t.created_at) FROM promotions_giftcardtransaction t"
            " JOIN promotions_giftcard g ON g.id = t.gift_card_id WHERE g.store_id = %s",
            "SELECT min(e.created_at), max(e.created_at) FROM orders_orderevent e"
            " JOIN orders_order o ON o.id = e.order_id WHERE o.store_id = %s AND e.type IN"
            " ('return_requested', 'return_approved', 'return_received', 'return_rejected', 'return_refunded')",
            "SELECT min(r.created_at), max(r.created_at) FROM orders_returnrequest r"
            " JOIN orders_order o ON o.id = r.order_id WHERE o.store_id = %s",
        ],
    )
