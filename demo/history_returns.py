"""Returns in the demo order history, in bulk, as the return services would have left them.

About one fulfilled order in 30 has a return of one unit of its line, asked for 3–10 days after it
shipped: one in five created by staff (approved at once, no *requested* step), the rest requested by
the customer and approved (or rejected) a day later, received five days after that and refunded the
next day. 15 % are rejected. A step only happened if its time has passed, so recent returns are still
requested, approved or received (the dashboard's "returns waiting"), older ones refunded or rejected.

Each step is an ``OrderEvent`` ``return_*`` with ``data.return_request`` (what the Returns report
counts). A refunded return has its ``Refund`` (key ``return-<id>``, the refund step's own) of the
unit's value, ``line_total × 1 / quantity`` to the cent, with a ``RefundLine`` and a ``refunded``
event; the order's and its payment's refunded amounts grow by it. Received units are written off
(``restocked`` 0): the bulk history never moved stock when it sold, so it does not restock either.
"""

from __future__ import annotations

from commerce.orders.fulfilment_models import ReturnReason

REASONS = [choice for choice in ReturnReason.values if choice != ReturnReason.OTHER]

RETURNS_SQL = """
WITH src AS (
    SELECT o.id AS order_id, least(o.paid_at + interval '1 day', now()) AS shipped_at,
           (o.id / 30) %% 20 AS fate, (o.id / 30) %% 5 = 0 AS by_staff
      FROM orders_order o
     WHERE o.store_id = %(store)s AND o.number LIKE %(prefix_like)s AND o.id %% 30 = 11 AND o.status = 'fulfilled'
), timed AS (
    SELECT s.*, s.shipped_at + make_interval(days => 3 + (s.order_id %% 8)::int) AS at FROM src s
), stepped AS (
    SELECT t.*, t.fate >= 17 AS rejected, t.at + interval '1 day' AS decided_at,
           t.at + interval '6 days' AS received_at, t.at + interval '7 days' AS refunded_at
      FROM timed t WHERE t.at < now()
)
INSERT INTO orders_returnrequest (order_id, sequence, status, note, staff_reason, requested_by_id, created_by_staff,
    created_at, updated_at, refund_key)
SELECT order_id, 1,
       CASE WHEN rejected THEN CASE WHEN by_staff OR decided_at < now() THEN 'rejected' ELSE 'requested' END
            WHEN refunded_at < now() THEN 'refunded' WHEN received_at < now() THEN 'received'
            WHEN by_staff OR decided_at < now() THEN 'approved' ELSE 'requested' END,
       CASE WHEN by_staff THEN '' ELSE 'It was not what I expected.' END,
       CASE WHEN rejected AND (by_staff OR decided_at < now()) THEN 'Returned after the 30-day window.' ELSE '' END,
       NULL, by_staff, at,
       CASE WHEN refunded_at < now() THEN refunded_at WHEN received_at < now() THEN received_at
            WHEN decided_at < now() THEN decided_at ELSE at END,
       ''
  FROM stepped
"""

# The rest of the batch's returns, each joined back to its order's only return (sequence 1).
BATCH_RETURNS = """
    SELECT r.id, r.order_id, r.status, r.created_by_staff, r.created_at,
           r.created_at + interval '1 day' AS decided_at, r.created_at + interval '6 days' AS received_at,
           r.created_at + interval '7 days' AS refunded_at
      FROM orders_returnrequest r JOIN orders_order o ON o.id = r.order_id
     WHERE o.store_id = %(store)s AND o.number LIKE %(prefix_like)s
"""

RETURN_LINES_SQL = f"""
WITH batch AS ({BATCH_RETURNS})
INSERT INTO orders_returnline (return_request_id, order_line_id, quantity, reason, restocked)
SELECT b.id, l.id, 1, (%(reasons)s::text[])[1 + b.order_id %% cardinality(%(reasons)s::text[])], 0
  FROM batch b JOIN orders_orderline l ON l.order_id = b.order_id
"""  # noqa: S608 - BATCH_RETURNS is this module's constant

RETURN_EVENTS_SQL = f"""
WITH batch AS ({BATCH_RETURNS})
INSERT INTO orders_orderevent (order_id, type, message, data, actor_id, created_at)
SELECT b.order_id, e.type, e.message, jsonb_build_object('return_request', b.id), NULL, e.at
  FROM batch b
 CROSS JOIN LATERAL (VALUES
       ('return_requested', 'Return R1 of 1 unit requested by the customer.', b.created_at,
        NOT b.created_by_staff),
       ('return_approved', 'Return R1 of 1 unit created and approved by staff.', b.created_at, b.created_by_staff),
       ('return_approved', 'Return R1 approved.', b.decided_at,
        NOT b.created_by_staff AND b.status IN ('approved', 'received', 'refunded')),
       ('return_rejected', 'Return R1 rejected: Returned after the 30-day window.',
        CASE WHEN b.created_by_staff THEN b.created_at + interval '1 hour' ELSE b.decided_at END,
        b.status = 'rejected'),
       ('return_received', 'Return R1 received; 0 units restocked.', b.received_at,
        b.status IN ('received', 'refunded')),
       ('return_refunded', 'Return R1 refunded to the card.', b.refunded_at, b.status = 'refunded')
 ) AS e(type, message, at, happened)
 WHERE e.happened
"""  # noqa: S608 - BATCH_RETURNS is this module's constant

RETURNED_UNITS_SQL = f"""
WITH batch AS ({BATCH_RETURNS})
UPDATE orders_orderline l SET quantity_returned = l.quantity_returned + 1,
       quantity_refunded = l.quantity_refunded + CASE WHEN b.status = 'refunded' THEN 1 ELSE 0 END
  FROM batch b WHERE l.order_id = b.order_id AND b.status IN ('received', 'refunded')
"""  # noqa: S608 - BATCH_RETURNS is this module's constant

# The card payment a refunded return goes back to (these orders are never the ones PAYMENTS_SQL paid).
RETURN_PAYMENTS_SQL = f"""
WITH batch AS ({BATCH_RETURNS})
INSERT INTO payments_payment (order_id, provider, idempotency_key, amount, currency, status, amount_received,
    amount_refunded, failure_message, created_at, updated_at)
SELECT o.id, 'stripe', 'history-' || o.id, o.amount_paid, o.currency, 'succeeded', o.amount_paid, 0, '',
       o.paid_at, o.paid_at
  FROM batch b JOIN orders_order o ON o.id = b.order_id
 WHERE b.status = 'refunded' AND NOT EXISTS (SELECT 1 FROM payments_payment p WHERE p.order_id = o.id)
"""  # noqa: S608 - BATCH_RETURNS is this module's constant

RETURN_REFUNDS_SQL = f"""
WITH batch AS ({BATCH_RETURNS}), valued AS (
    SELECT b.id AS return_id, b.order_id, b.refunded_at, l.id AS line_id,
           round(l.line_total / l.quantity, 2) AS amount
      FROM batch b JOIN orders_orderline l ON l.order_id = b.order_id WHERE b.status = 'refunded'
), refunds AS (
    INSERT INTO payments_refund (payment_id, order_id, amount, currency, reason, idempotency_key,
        provider_refund_id, status, created_by_id, created_at)
    SELECT p.id, v.order_id, v.amount, p.currency, 'Return R1', 'return-' || v.return_id, NULL, 'succeeded', NULL,
           v.refunded_at
      FROM valued v JOIN payments_payment p ON p.order_id = v.order_id
    RETURNING id, order_id, amount
), lines AS (
    INSERT INTO payments_refundline (refund_id, order_line_id, quantity, restock)
    SELECT r.id, v.line_id, 1, false FROM refunds r JOIN valued v ON v.order_id = r.order_id
), paid_back AS (
    UPDATE payments_payment p SET amount_refunded = p.amount_refunded + r.amount
      FROM refunds r WHERE p.order_id = r.order_id
), keyed AS (
    UPDATE orders_returnrequest rr SET refund_key = 'return-' || rr.id
      FROM valued v WHERE rr.id = v.return_id
)
UPDATE orders_order o SET amount_refunded = o.amount_refunded + r.amount,
       payment_status = 'partially_refunded', status = 'partially_refunded'
  FROM refunds r WHERE o.id = r.order_id
"""  # noqa: S608 - BATCH_RETURNS is this module's constant

REFUND_EVENTS_SQL = f"""
WITH batch AS ({BATCH_RETURNS})
INSERT INTO orders_orderevent (order_id, type, message, data, actor_id, created_at)
SELECT b.order_id, 'refunded', r.amount || ' ' || r.currency || ' refunded: Return R1.',
       jsonb_build_object('refund', r.id), NULL, r.created_at
  FROM batch b JOIN payments_refund r ON r.idempotency_key = 'return-' || b.id
"""  # noqa: S608 - BATCH_RETURNS is this module's constant

RETURN_STATEMENTS = (
    RETURNS_SQL,
    RETURN_LINES_SQL,
    RETURN_EVENTS_SQL,
    RETURNED_UNITS_SQL,
    RETURN_PAYMENTS_SQL,
    RETURN_REFUNDS_SQL,
    REFUND_EVENTS_SQL,
)


def return_params() -> dict[str, object]:
    return {"reasons": REASONS}
