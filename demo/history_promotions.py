"""The promotions side of the demo order history: discount redemptions and gift cards, in bulk.

Runs inside :func:`demo.order_history.orders_bulk_add`, one batch (an order-number prefix) at a time,
with a constant number of statements per batch, and writes what the real services would have:

* **Discounts**: every discounted order gets its ``DiscountRedemption`` (the row the Discounts report
  reads): two uses of *Welcome: 10% off* (code WELCOME10) for one of *Newsletter: 10% off* (NEWS10),
  the amount the order's ``discount_total`` (all on its line), released when the order was refunded in
  full. The discounts' and codes' ``times_used`` are recounted from the unreleased rows at the end.
* **Gift cards**: one order in 40 is paid partly or wholly by a gift card issued 1–90 days before
  (25, 50, 100 or 250): its ``gift_card_total`` is the card's REDEEM and ``amount_paid`` the rest.
  Another one in 40 issues a card that is never used. Of these cards, one in ten had its order's card
  part refunded back to it (store credit, three days later: the order is refunded by that much),
  one in ten got a goodwill adjustment of 5.00, and one in ten expires 180 days after issue (its
  balance then goes in an EXPIRY row). Every card's ledger is written in order with its running
  ``balance_after``, and ``GiftCard.balance`` is the sum of its ledger.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import connection

from commerce.promotions.models import Discount, DiscountCode
from commerce.stores.models import Store

from .promotions import WELCOME_CODE

NEWSLETTER_CODE = "NEWS10"
HISTORY_DISCOUNTS = (("Welcome: 10% off", WELCOME_CODE), ("Newsletter: 10% off", NEWSLETTER_CODE))
GIFT_CARD_VALUES = (Decimal("25.00"), Decimal("50.00"), Decimal("100.00"), Decimal("250.00"))
GOODWILL = Decimal("5.00")


@dataclass(frozen=True)
class HistoryDiscounts:
    """The discounts the history's discounted orders used, in the order they are drawn (with repeats)."""

    discount_ids: list[int]
    code_ids: list[int]
    names: list[str]


def history_discounts_ensure(store: Store) -> HistoryDiscounts:
    """The store's two demo code discounts (10 %, like the history's discount totals), created if missing."""
    found = []
    for name, code in HISTORY_DISCOUNTS:
        discount, _created = Discount.objects.get_or_create(
            store=store,
            name=name,
            defaults={"kind": "code", "value_type": "percentage", "value": Decimal("10"), "is_active": True},
        )
        code_row = DiscountCode.objects.filter(store=store, code__iexact=code).first()
        if code_row is None:
            code_row = DiscountCode.objects.create(discount=discount, store=store, code=code)
        found.append((discount.pk, code_row.pk, discount.name))
    drawn = [found[0], found[0], found[1]]  # the welcome code is used twice as often
    return HistoryDiscounts(
        discount_ids=[row[0] for row in drawn], code_ids=[row[1] for row in drawn], names=[row[2] for row in drawn]
    )


REDEMPTIONS_SQL = """
INSERT INTO promotions_discountredemption (discount_id, code_id, order_id, customer_id, email, label, amount,
    line_amounts, shipping_amount, released, created_at)
SELECT d.discount_id, d.code_id, o.id, o.customer_id, o.email, d.name, o.discount_total,
       jsonb_build_object(l.variant_id::text, o.discount_total::text), 0, o.status = 'refunded', o.created_at
  FROM orders_order o
  JOIN orders_orderline l ON l.order_id = o.id
  JOIN unnest(%(discount_ids)s::bigint[], %(code_ids)s::bigint[], %(discount_names)s::text[])
       WITH ORDINALITY AS d(discount_id, code_id, name, n)
    ON d.n = 1 + o.id %% cardinality(%(discount_ids)s::bigint[])
 WHERE o.store_id = %(store)s AND o.number LIKE %(prefix_like)s AND o.discount_total > 0
"""

# One row per card: the order it belongs to (its tender, or the order that "sold" an unused card),
# its value, fate (0–9), issue time, what it paid, what went back to it, the goodwill and the expiry.
# Deterministic (no random()), so the order update and the ledger read the same plan.
CARD_PLAN = """
WITH src AS (
    SELECT o.id AS order_id, o.total, o.paid_at, o.currency, o.id %% 40 = 7 AS tender,
           (%(card_values)s::numeric[])[1 + (o.id / 40) %% cardinality(%(card_values)s::numeric[])] AS value,
           (o.id / 40) %% 10 AS fate,
           CASE WHEN o.id %% 40 = 7 THEN o.paid_at - make_interval(days => 1 + (o.id %% 90)::int)
                ELSE o.paid_at END AS issued_at
      FROM orders_order o
     WHERE o.store_id = %(store)s AND o.number LIKE %(prefix_like)s AND o.id %% 40 IN (7, 27)
), paid AS (
    SELECT s.*, CASE WHEN tender THEN least(value, total) ELSE 0 END AS redeemed,
           CASE WHEN fate = 5 THEN issued_at + interval '180 days' END AS expires_at
      FROM src s
), plan AS (
    SELECT p.*,
           CASE WHEN tender AND fate = 3 AND paid_at + interval '3 days' < now() THEN redeemed ELSE 0 END AS back,
           CASE WHEN fate = 7 AND paid_at + interval '10 days' < now() THEN %(goodwill)s::numeric ELSE 0 END
               AS goodwill,
           'H' || upper(lpad(to_hex(order_id), 10, '0') || substr(md5('magpie-card-' || order_id), 1, 9)) AS code
      FROM paid p
), fates AS (
    SELECT plan.*, CASE WHEN expires_at < now() THEN value - redeemed + back + goodwill ELSE 0 END AS expired
      FROM plan
)
"""

# The card part of a tender order; store credit back to the card counts as refunded on the order.
CARD_ORDERS_SQL = f"""{CARD_PLAN}
UPDATE orders_order o
   SET gift_card_total = f.redeemed, amount_paid = o.total - f.redeemed, amount_refunded = f.back,
       payment_status = CASE WHEN f.back = 0 THEN o.payment_status
                             WHEN f.back = o.total THEN 'refunded' ELSE 'partially_refunded' END,
       status = CASE WHEN f.back = 0 THEN o.status WHEN f.back = o.total THEN 'refunded' ELSE 'partially_refunded' END
  FROM fates f
 WHERE o.id = f.order_id AND f.redeemed > 0
"""  # noqa: S608 - CARD_PLAN is this module's constant

CARDS_SQL = f"""{CARD_PLAN}, cards AS (
    INSERT INTO promotions_giftcard (store_id, code, currency, initial_value, balance, expires_at, customer_id,
        recipient_email, source_order_id, is_active, created_by_id, created_at)
    SELECT %(store)s, f.code, f.currency, f.value, f.value - f.redeemed + f.back + f.goodwill - f.expired,
           f.expires_at, NULL, 'gift' || f.order_id || '@example.com', NULL, true, NULL, f.issued_at
      FROM fates f
    RETURNING id, code
)
INSERT INTO promotions_giftcardtransaction (gift_card_id, kind, amount, balance_after, order_id, reason, actor_id,
    created_at)
SELECT c.id, e.kind, e.amount, sum(e.amount) OVER (PARTITION BY c.id ORDER BY e.step), e.order_id, e.reason, NULL, e.at
  FROM fates f
  JOIN cards c ON c.code = f.code
 CROSS JOIN LATERAL (VALUES
       (1, 'issue', f.value, NULL::bigint, '', f.issued_at),
       (2, 'redeem', -f.redeemed, f.order_id, '', f.paid_at),
       (3, 'refund', f.back, f.order_id, 'Refund', f.paid_at + interval '3 days'),
       (4, 'adjustment', f.goodwill, NULL, 'Goodwill: late delivery', f.paid_at + interval '10 days'),
       (5, 'expiry', -f.expired, NULL, 'Expired', f.expires_at)
 ) AS e(step, kind, amount, order_id, reason, at)
 WHERE e.amount <> 0
"""  # noqa: S608 - CARD_PLAN is this module's constant

TIMES_USED_SQL = (
    """
UPDATE promotions_discount d SET times_used = (
    SELECT count(*) FROM promotions_discountredemption r WHERE r.discount_id = d.id AND NOT r.released)
 WHERE d.id = ANY(%(discount_ids)s::bigint[])
""",
    """
UPDATE promotions_discountcode c SET times_used = (
    SELECT count(*) FROM promotions_discountredemption r WHERE r.code_id = c.id AND NOT r.released)
 WHERE c.id = ANY(%(code_ids)s::bigint[])
""",
)


def promotion_params(discounts: HistoryDiscounts) -> dict[str, object]:
    return {
        "discount_ids": discounts.discount_ids,
        "code_ids": discounts.code_ids,
        "discount_names": discounts.names,
        "card_values": list(GIFT_CARD_VALUES),
        "goodwill": GOODWILL,
    }


def discount_uses_recount(discounts: HistoryDiscounts) -> None:
    """``times_used`` of the history's discounts and codes: their unreleased redemptions."""
    with connection.cursor() as cursor:
        for statement in TIMES_USED_SQL:
            cursor.execute(statement, {"discount_ids": discounts.discount_ids, "code_ids": discounts.code_ids})
