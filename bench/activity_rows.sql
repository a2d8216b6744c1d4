-- Rows for timing the Refunds, Returns and Gift cards reports on a `seed_demo --orders 1000000` database,
-- whose bulk history has refunds but no returns or gift cards (README, Reports: the measured figures):
-- psql (as the owner or a superuser) -f bench/activity_rows.sql, then `manage.py rebuild_daily_sales`.
-- A refund line per refund, a return for one paid order in 20 (with its timeline), 30,000 gift cards with a year of ledger.
\timing on
BEGIN;
INSERT INTO payments_refundline (quantity, restock, order_line_id, refund_id)
SELECT 1, false, (SELECT min(l.id) FROM orders_orderline l WHERE l.order_id = r.order_id), r.id
  FROM payments_refund r
 WHERE NOT EXISTS (SELECT 1 FROM payments_refundline x WHERE x.refund_id = r.id)
   AND EXISTS (SELECT 1 FROM orders_orderline l WHERE l.order_id = r.order_id);

CREATE TEMP TABLE rr AS
SELECT o.id AS order_id, o.paid_at + interval '5 days' AS opened, (o.id / 20) % 5 AS fate,
       (SELECT min(l.id) FROM orders_orderline l WHERE l.order_id = o.id) AS line_id
  FROM orders_order o
 WHERE o.paid_at IS NOT NULL AND o.id % 20 = 3 AND o.paid_at + interval '5 days' < now()
   AND NOT EXISTS (SELECT 1 FROM orders_returnrequest x WHERE x.order_id = o.id);

INSERT INTO orders_returnrequest (sequence, status, note, staff_reason, created_by_staff, created_at, updated_at,
                                  refund_key, order_id)
SELECT 1, CASE WHEN fate = 0 THEN 'rejected' WHEN opened + interval '5 days' < now() THEN 'refunded' ELSE 'requested' END,
       '', CASE WHEN fate = 0 THEN 'Not returnable' ELSE '' END, false, opened, opened, '', order_id
  FROM rr WHERE line_id IS NOT NULL;

INSERT INTO orders_returnline (quantity, reason, restocked, order_line_id, return_request_id)
SELECT 1, (ARRAY['damaged', 'wrong_item', 'not_as_described', 'size', 'changed_mind', 'other'])[1 + r.id % 6], 0,
       rr.line_id, r.id
  FROM orders_returnrequest r JOIN rr ON rr.order_id = r.order_id;

INSERT INTO orders_orderevent (type, message, data, created_at, order_id)
SELECT e.type, e.type, jsonb_build_object('return_request', r.id), r.created_at + e.after, r.order_id
  FROM orders_returnrequest r JOIN rr ON rr.order_id = r.order_id
  CROSS JOIN LATERAL (VALUES ('return_requested', interval '0'), ('return_approved', interval '1 day'),
                             ('return_received', interval '4 days'), ('return_refunded', interval '5 days'),
                             ('return_rejected', interval '1 day')) AS e (type, after)
 WHERE (e.type = 'return_requested')
    OR (r.status = 'rejected' AND e.type = 'return_rejected')
    OR (r.status = 'refunded' AND e.type IN ('return_approved', 'return_received', 'return_refunded'));

INSERT INTO promotions_giftcard (code, currency, initial_value, balance, expires_at, recipient_email, is_active,
                                 created_at, store_id)
SELECT 'BENCH' || lpad(g::text, 10, '0'), s.currency, 50, 50, NULL, '', true,
       now() - (g % 365) * interval '1 day' - (g % 24) * interval '1 hour', s.id
  FROM generate_series(1, 30000) g
  JOIN stores_store s ON s.id = 1 + g % 2;

INSERT INTO promotions_giftcardtransaction (kind, amount, balance_after, reason, created_at, gift_card_id)
SELECT m.kind, m.amount, 0, '', c.created_at + m.after, c.id
  FROM promotions_giftcard c
  CROSS JOIN LATERAL (VALUES ('issue', 50.00, interval '0'), ('redeem', -30.00, interval '10 days'),
                             ('refund', 5.00, interval '12 days'), ('expiry', -50.00, interval '200 days'))
       AS m (kind, amount, after)
 WHERE c.code LIKE 'BENCH%' AND c.created_at + m.after < now()
   AND (m.kind = 'issue' OR (m.kind = 'redeem' AND c.id % 2 = 0) OR (m.kind = 'refund' AND c.id % 20 = 0)
        OR (m.kind = 'expiry' AND c.id % 10 = 5));

UPDATE promotions_giftcardtransaction t SET balance_after = s.running
  FROM (SELECT id, sum(amount) OVER (PARTITION BY gift_card_id ORDER BY created_at, id) AS running
          FROM promotions_giftcardtransaction) s
 WHERE s.id = t.id AND t.balance_after <> s.running;
UPDATE promotions_giftcard c SET balance = b.total
  FROM (SELECT gift_card_id, sum(amount) AS total FROM promotions_giftcardtransaction GROUP BY 1) b
 WHERE b.gift_card_id = c.id AND c.balance <> b.total;
COMMIT;
ANALYZE payments_refundline, orders_returnrequest, orders_returnline, orders_orderevent, promotions_giftcard,
        promotions_giftcardtransaction;
SELECT (SELECT count(*) FROM payments_refund) AS refunds, (SELECT count(*) FROM payments_refundline) AS refund_lines,
       (SELECT count(*) FROM orders_returnrequest) AS returns,
       (SELECT count(*) FROM orders_orderevent WHERE type LIKE 'return%') AS return_events,
       (SELECT count(*) FROM promotions_giftcard) AS cards,
       (SELECT count(*) FROM promotions_giftcardtransaction) AS ledger_rows;
