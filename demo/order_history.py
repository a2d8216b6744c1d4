"""Order history for the reports: ``seed_demo`` gives each store a year of it, ``--orders N`` adds N.

Orders are written by PostgreSQL itself (``INSERT ... SELECT`` over ``generate_series``), never
through checkout: a constant number of statements per batch (orders, lines, payments and refunds
for the refunded ones), in batches of ``BATCH`` orders with progress after each.

* Days: the last 365 local days; weights rise and fall with the seasons (a sine over the year),
  weekends sell 40 % more, and the year grows towards today. Each day's count is the difference of
  rounded cumulative shares, so the days add up to exactly N.
* Customers: emails drawn with a skew (``random()^2``), so some buy often (returning) and most once.
* Every order is paid; one line of a random active variant of its store, 1–3 units; one in five has
  a 10 % discount, with its discount redemption; about one in 25 is refunded (part or all), with its
  payment and refund rows (a refund in full with its refund line: every unit back).
* Gift cards (issued, used as tenders, refunded to, adjusted, expired) and discount redemptions:
  ``demo/history_promotions.py``; returns through their steps with their events and refunds:
  ``demo/history_returns.py``.
* Orders paid over two days ago are fulfilled; the last two days' are waiting or partly shipped.
  What has shipped is a fulfilment record (from the store's first location, UPS with a tracking
  number), as the order screen shows it.
* Numbers are ``H<batch>-<n>``, unique per store; a second ``seed_demo`` finds the history and adds
  none (``--orders`` always adds).
* The tables written are ANALYZEd at the end (``tables_analyze``), so the reports and the summary
  rebuild that follow plan with the new rows rather than with stale statistics.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction

from commerce.core.table_stats import tables_analyze
from commerce.stores.models import Store

from .history_promotions import (
    CARD_ORDERS_SQL,
    CARDS_SQL,
    REDEMPTIONS_SQL,
    discount_uses_recount,
    history_discounts_ensure,
    promotion_params,
)
from .history_returns import RETURN_STATEMENTS, return_params

BATCH = 100_000
HISTORY_PER_STORE = 1500
HISTORY_PREFIX = "H"

ORDERS_SQL = """
WITH days AS (
    SELECT d, (1.0 + 0.35 * sin(2 * pi() * d / 365.0) + 0.5 * (364 - d) / 364.0
               + CASE WHEN extract(isodow FROM current_date - d) >= 6 THEN 0.4 ELSE 0 END) AS w
      FROM generate_series(0, 364) AS d
), shares AS (
    SELECT d, round(%(n)s * sum(w) OVER (ORDER BY d) / sum(w) OVER ())::int AS upto FROM days
), counts AS (
    SELECT d, upto - coalesce(lag(upto) OVER (ORDER BY d), 0) AS n FROM shares
), made AS (
    SELECT d, row_number() OVER () AS i, round((15 + random() * 185)::numeric, 2) AS subtotal,
           random() < 0.2 AS discounted
      FROM counts CROSS JOIN LATERAL generate_series(1, counts.n)
)
INSERT INTO orders_order (
    store_id, number, access_key, email, status, payment_status, currency, prices_include_tax, subtotal,
    shipping_total, discount_total, tax_total, total, gift_card_total, amount_paid, amount_refunded,
    shipping_address, billing_address, shipping_method_code, shipping_method_name, flagged_for_review,
    review_reason, created_at, updated_at, paid_at
)
SELECT %(store)s, %(prefix)s || made.i, gen_random_uuid(),
       'customer' || floor(power(random(), 2) * %(customers)s)::int || '@example.com', 'paid', 'paid', %(currency)s,
       false, subtotal, 5.00, CASE WHEN discounted THEN round(subtotal * 0.10, 2) ELSE 0 END, 0,
       subtotal + 5.00 - CASE WHEN discounted THEN round(subtotal * 0.10, 2) ELSE 0 END, 0,
       subtotal + 5.00 - CASE WHEN discounted THEN round(subtotal * 0.10, 2) ELSE 0 END, 0,
       '{}'::jsonb, '{}'::jsonb, 'standard', 'Standard', false, '', at, at, at
  FROM made CROSS JOIN LATERAL (
       SELECT least((current_date - made.d)::timestamp AT TIME ZONE %(zone)s
              + make_interval(secs => 8 * 3600 + floor(random() * 14 * 3600)), now()) AS at
  ) AS t
RETURNING id
"""

LINES_SQL = """
INSERT INTO orders_orderline (order_id, variant_id, product_title, variant_label, sku, quantity, unit_price,
    line_subtotal, discount_amount, tax_amount, line_total, quantity_refunded, quantity_fulfilled)
SELECT o.id, v.id, p.title, '', v.sku, q.qty, round(o.subtotal / q.qty, 2), o.subtotal, o.discount_total, 0,
       o.subtotal - o.discount_total, 0, 0
  FROM orders_order o
  CROSS JOIN LATERAL (SELECT 1 + (o.id %% 3) AS qty) AS q
  CROSS JOIN LATERAL (
       SELECT %(variants)s::bigint[] AS ids
  ) AS a
  JOIN catalog_productvariant v ON v.id = a.ids[1 + (o.id * 7919) %% cardinality(a.ids)]
  JOIN catalog_productpage pp ON pp.page_ptr_id = v.product_id
  JOIN wagtailcore_page p ON p.id = pp.page_ptr_id
 WHERE o.store_id = %(store)s AND o.number LIKE %(prefix_like)s
"""

PAYMENTS_SQL = """
INSERT INTO payments_payment (order_id, provider, idempotency_key, amount, currency, status, amount_received,
    amount_refunded, failure_message, created_at, updated_at)
SELECT o.id, 'stripe', 'history-' || o.id, o.total, o.currency, 'succeeded', o.total,
       CASE WHEN o.id %% 2 = 0 THEN o.total ELSE round(o.total / 2, 2) END, '', o.paid_at, o.paid_at
  FROM orders_order o WHERE o.store_id = %(store)s AND o.number LIKE %(prefix_like)s AND o.id %% 25 = 0
"""

REFUNDS_SQL = """
WITH refunded AS (
    UPDATE orders_order o SET amount_refunded = CASE WHEN o.id %% 2 = 0 THEN o.total ELSE round(o.total / 2, 2) END,
           payment_status = CASE WHEN o.id %% 2 = 0 THEN 'refunded' ELSE 'partially_refunded' END,
           status = CASE WHEN o.id %% 2 = 0 THEN 'refunded' ELSE 'partially_refunded' END
     WHERE o.store_id = %(store)s AND o.number LIKE %(prefix_like)s AND o.id %% 25 = 0
    RETURNING o.id, o.amount_refunded, o.currency, o.paid_at
)
INSERT INTO payments_refund (payment_id, order_id, amount, currency, reason, idempotency_key, status, created_at)
SELECT pay.id, r.id, r.amount_refunded, r.currency, 'Demo history', 'history-refund-' || r.id, 'succeeded',
       least(r.paid_at + interval '3 days', now())
  FROM refunded r JOIN payments_payment pay ON pay.order_id = r.id
"""

# A refund in full gives back every unit of the line: its refund line (the Refunds report's units).
REFUND_LINES_SQL = """
WITH lines AS (
    INSERT INTO payments_refundline (refund_id, order_line_id, quantity, restock)
    SELECT r.id, l.id, l.quantity, false
      FROM orders_order o
      JOIN payments_refund r ON r.order_id = o.id
      JOIN orders_orderline l ON l.order_id = o.id
     WHERE o.store_id = %(store)s AND o.number LIKE %(prefix_like)s AND o.status = 'refunded'
       AND r.idempotency_key = 'history-refund-' || o.id
    RETURNING order_line_id, quantity
)
UPDATE orders_orderline l SET quantity_refunded = lines.quantity FROM lines WHERE l.id = lines.order_line_id
"""

# Fulfilment: orders paid more than two days ago have shipped (all units); of the last two days'
# one in three has shipped part, the rest wait — the dashboard's "to fulfil". Refunded ones keep
# their refund status.
FULFIL_SQL = """
WITH shipped AS (
    UPDATE orders_order o SET status = CASE WHEN o.paid_at < now() - interval '2 days' THEN 'fulfilled'
                                            ELSE 'partially_fulfilled' END
     WHERE o.store_id = %(store)s AND o.number LIKE %(prefix_like)s AND o.status = 'paid'
       AND (o.paid_at < now() - interval '2 days' OR o.id %% 3 = 0)
    RETURNING o.id, o.status
)
UPDATE orders_orderline l SET quantity_fulfilled = CASE WHEN s.status = 'fulfilled' THEN l.quantity ELSE 1 END
  FROM shipped s WHERE l.order_id = s.id
"""

# The fulfilment records of what FULFIL_SQL shipped: one parcel per order, the day after payment.
FULFILMENTS_SQL = """
WITH made AS (
    INSERT INTO orders_fulfilment (order_id, sequence, location_id, status, carrier, tracking_number,
                                   tracking_url, shipped_at, created_at)
    SELECT o.id, 1, %(location)s, 'shipped', 'UPS', '1ZMAGPIE' || lpad(o.id::text, 10, '0'),
           'https://www.ups.com/track?tracknum=1ZMAGPIE' || lpad(o.id::text, 10, '0'),
           least(o.paid_at + interval '1 day', now()), least(o.paid_at + interval '1 day', now())
      FROM orders_order o
     WHERE o.store_id = %(store)s AND o.number LIKE %(prefix_like)s
       AND EXISTS (SELECT 1 FROM orders_orderline l WHERE l.order_id = o.id AND l.quantity_fulfilled > 0)
    RETURNING id, order_id
)
INSERT INTO orders_fulfilmentline (fulfilment_id, order_line_id, quantity)
SELECT m.id, l.id, l.quantity_fulfilled FROM made m JOIN orders_orderline l ON l.order_id = m.order_id
 WHERE l.quantity_fulfilled > 0
"""


@dataclass(frozen=True)
class HistoryResult:
    orders: int
    batches: int


def _variant_ids(store: Store) -> list[int]:
    from commerce.catalog.models import ProductVariant

    return list(ProductVariant.objects.filter(store=store, is_active=True).order_by("pk").values_list("pk", flat=True))


def orders_bulk_add(
    *, store: Store, count: int, progress: Callable[[int, int], None] = lambda done, total: None
) -> HistoryResult:
    """Add ``count`` paid orders over the last year to ``store`` (see the module docstring)."""
    from commerce.inventory.models import StockLocation
    from commerce.orders.fulfilment_models import ReturnLine, ReturnRequest
    from commerce.orders.models import Fulfilment, FulfilmentLine, Order, OrderEvent, OrderLine
    from commerce.payments.models import Payment, Refund, RefundLine
    from commerce.promotions.models import DiscountRedemption, GiftCard, GiftCardTransaction

    variants = _variant_ids(store)
    if not variants:
        raise ValueError(f"{store.name} has no active variants to sell.")
    location = StockLocation.objects.filter(store=store).values_list("pk", flat=True).first()  # by priority
    discounts = history_discounts_ensure(store)
    done = batches = 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(DISTINCT split_part(number, '-', 1)) FROM orders_order WHERE number LIKE 'H%%-%%'")
        first_batch = cursor.fetchone()[0] + 1
    while done < count:
        size = min(BATCH, count - done)
        prefix = f"{HISTORY_PREFIX}{first_batch + batches}-"
        params = {
            "n": size,
            "store": store.pk,
            "prefix": prefix,
            "prefix_like": prefix + "%",
            "currency": store.currency,
            "zone": store.time_zone,
            "customers": max(size // 3, 10),
            "variants": variants,
            "location": location,
            **promotion_params(discounts),
            **return_params(),
        }
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(ORDERS_SQL, params)
            for statement in (LINES_SQL, CARD_ORDERS_SQL, PAYMENTS_SQL, REFUNDS_SQL, REFUND_LINES_SQL, FULFIL_SQL):
                cursor.execute(statement, params)
            if location is not None:
                cursor.execute(FULFILMENTS_SQL, params)
            for statement in (CARDS_SQL, REDEMPTIONS_SQL, *RETURN_STATEMENTS):
                cursor.execute(statement, params)
        done += size
        batches += 1
        progress(done, count)
    discount_uses_recount(discounts)
    tables_analyze(
        [
            Order,
            OrderLine,
            OrderEvent,
            Payment,
            Refund,
            RefundLine,
            Fulfilment,
            FulfilmentLine,
            ReturnRequest,
            ReturnLine,
            DiscountRedemption,
            GiftCard,
            GiftCardTransaction,
        ]
    )
    return HistoryResult(orders=done, batches=batches)


def history_missing(store: Store) -> bool:
    from commerce.orders.models import Order

    return not Order.objects.filter(store=store, number__startswith=HISTORY_PREFIX).exists()
