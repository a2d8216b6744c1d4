"""Issue 13: the demo history has every kind of event a report reads — discount redemptions, gift
cards issued, used, refunded to, adjusted and expired, returns through their steps with their events
and refunds — with the invariants the services keep, and the reports built on it equal direct SQL."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from commerce.accounts.models import User
from commerce.insights.metrics_scope import Period
from commerce.insights.promotion_metrics import discount_usage, gift_card_liability
from commerce.insights.refund_figures import refund_summary
from commerce.insights.return_figures import returns_summary
from commerce.orders.fulfilment_models import ReturnRequest
from commerce.promotions.models import Discount, DiscountRedemption, GiftCardTransaction

pytestmark = [pytest.mark.django_db, pytest.mark.reports]


def one(query: str, params=()) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchone()


def rows(query: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


@pytest.fixture
def owner(seeded) -> User:
    return User.objects.create_superuser(email="history-owner@example.com", password="x" * 12)


@pytest.fixture
def year() -> Period:
    today = timezone.localdate()
    return Period(today - timedelta(days=364), today)


def test_every_kind_of_event_is_in_the_history(seeded):
    kinds = dict(rows("SELECT kind, count(*) FROM promotions_giftcardtransaction GROUP BY kind"))
    assert set(kinds) == {"issue", "redeem", "refund", "adjustment", "expiry"}
    statuses = dict(rows("SELECT status, count(*) FROM orders_returnrequest GROUP BY status"))
    assert {"refunded", "rejected"} <= set(statuses)
    events = dict(rows("SELECT type, count(*) FROM orders_orderevent WHERE type LIKE 'return_%%' GROUP BY type"))
    assert set(events) == {"return_requested", "return_approved", "return_received", "return_rejected",
                           "return_refunded"}  # fmt: skip
    redeemed, released = one("SELECT count(*), count(*) FILTER (WHERE released) FROM promotions_discountredemption")
    discounted = one("SELECT count(*) FROM orders_order WHERE discount_total > 0")[0]
    assert redeemed == discounted and 0 < released < redeemed
    assert one("SELECT count(*) FROM orders_order WHERE gift_card_total > 0")[0] > 0
    assert one("SELECT count(*) FROM payments_refundline")[0] > 0


def test_history_keeps_the_services_invariants(seeded):
    # a card's balance is its ledger; every running balance is the sum so far and never negative
    assert one(
        """SELECT count(*) FROM promotions_giftcard c
            WHERE c.balance <> (SELECT sum(t.amount) FROM promotions_giftcardtransaction t
                                 WHERE t.gift_card_id = c.id)"""
    ) == (0,)
    assert one(
        """SELECT count(*) FROM (
               SELECT balance_after, sum(amount) OVER (PARTITION BY gift_card_id ORDER BY created_at, id) AS running
                 FROM promotions_giftcardtransaction) AS ledger
            WHERE balance_after <> running OR balance_after < 0"""
    ) == (0,)
    # a tender lowers the card by the order's gift-card part; the card pays the rest of nothing more
    assert one(
        """SELECT count(*) FROM orders_order o
            WHERE o.gift_card_total > 0 AND (o.amount_paid + o.gift_card_total <> o.total OR o.gift_card_total <> -(
                  SELECT sum(t.amount) FROM promotions_giftcardtransaction t
                   WHERE t.order_id = o.id AND t.kind = 'redeem'))"""
    ) == (0,)
    # cards and redemptions carry their order's store and currency
    assert one(
        """SELECT count(*) FROM promotions_giftcardtransaction t JOIN promotions_giftcard c ON c.id = t.gift_card_id
             JOIN orders_order o ON o.id = t.order_id WHERE c.store_id <> o.store_id OR c.currency <> o.currency"""
    ) == (0,)
    assert one(
        """SELECT count(*) FROM promotions_discountredemption r JOIN promotions_discount d ON d.id = r.discount_id
             JOIN orders_order o ON o.id = r.order_id WHERE d.store_id <> o.store_id OR r.amount <> o.discount_total"""
    ) == (0,)
    # a refunded return is a Refund with its key, line and event; never more refunded than paid
    assert one(
        """SELECT count(*) FROM orders_returnrequest rr
            WHERE rr.status = 'refunded' AND NOT EXISTS (
                  SELECT 1 FROM payments_refund r JOIN payments_refundline rl ON rl.refund_id = r.id
                   WHERE r.idempotency_key = rr.refund_key AND r.order_id = rr.order_id AND r.status = 'succeeded')"""
    ) == (0,)
    assert one("SELECT count(*) FROM orders_order WHERE amount_refunded > amount_paid + gift_card_total") == (0,)
    assert one(
        """SELECT count(*) FROM payments_payment p
            WHERE p.amount_refunded <> (SELECT coalesce(sum(r.amount), 0) FROM payments_refund r
                                         WHERE r.payment_id = p.id)"""
    ) == (0,)
    # returns are of shipped units, asked for after shipping, their steps in order
    assert one(
        """SELECT count(*) FROM orders_returnline rl JOIN orders_orderline l ON l.id = rl.order_line_id
            WHERE rl.quantity > l.quantity_fulfilled"""
    ) == (0,)
    assert one(
        """SELECT count(*) FROM orders_orderevent e WHERE e.type LIKE 'return_%%' AND (e.created_at > now()
               OR NOT EXISTS (SELECT 1 FROM orders_returnrequest rr WHERE rr.id = (e.data->>'return_request')::bigint
                                 AND rr.order_id = e.order_id AND rr.created_at <= e.created_at))"""
    ) == (0,)
    uses = dict(Discount.objects.values_list("pk", "times_used"))
    for discount_id, counted in rows(
        "SELECT discount_id, count(*) FROM promotions_discountredemption WHERE NOT released GROUP BY discount_id"
    ):
        assert uses[discount_id] == counted


def test_reports_on_the_history_equal_direct_sql(owner, year):
    start = year.previous().start
    usage = discount_usage(user=owner, period=year)
    assert {(u.discount_id, u.uses, u.cost) for u in usage} == set(
        rows(
            """SELECT r.discount_id, count(*), sum(r.amount) FROM promotions_discountredemption r
                 JOIN orders_order o ON o.id = r.order_id JOIN stores_store s ON s.id = o.store_id
                WHERE NOT r.released AND (o.paid_at AT TIME ZONE s.time_zone)::date BETWEEN %s AND %s
                GROUP BY r.discount_id""",
            [year.start, year.end],
        )
    )
    assert len(usage) >= 2

    liability = gift_card_liability(user=owner, period=year)
    expected = {
        currency: (issued, -redeemed, refunded, other)
        for currency, issued, redeemed, refunded, other in rows(
            """SELECT c.currency, sum(t.amount) FILTER (WHERE t.kind = 'issue'),
                      sum(t.amount) FILTER (WHERE t.kind = 'redeem'), sum(t.amount) FILTER (WHERE t.kind = 'refund'),
                      sum(t.amount) FILTER (WHERE t.kind IN ('expiry', 'adjustment'))
                 FROM promotions_giftcardtransaction t JOIN promotions_giftcard c ON c.id = t.gift_card_id
                 JOIN stores_store s ON s.id = c.store_id
                WHERE (t.created_at AT TIME ZONE s.time_zone)::date BETWEEN %s AND %s GROUP BY c.currency""",
            [year.start, year.end],
        )
    }
    assert {g.currency: (g.issued, g.redeemed, g.refunded_to_cards, g.expired_or_adjusted) for g in liability} == (
        expected
    )
    owed = dict(rows("SELECT currency, sum(balance) FROM promotions_giftcard GROUP BY 1"))
    assert {g.currency: g.liability for g in liability} == owed  # nothing in the ledger after today

    refunds = refund_summary(user=owner, period=year)
    assert {(r.currency, r.refunds, r.units_refunded, r.refunded) for r in refunds} == set(
        rows(
            """SELECT r.currency, count(DISTINCT r.id), coalesce(sum(rl.quantity), 0)::int,
                      (SELECT sum(amount) FROM payments_refund x WHERE x.currency = r.currency)
                 FROM payments_refund r LEFT JOIN payments_refundline rl ON rl.refund_id = r.id
                GROUP BY r.currency"""
        )
    )

    returns = {summary.currency: summary for summary in returns_summary(user=owner, period=year)}
    steps = rows(
        """SELECT o.currency, e.type, count(DISTINCT e.data->>'return_request')
             FROM orders_orderevent e JOIN orders_order o ON o.id = e.order_id JOIN stores_store s ON s.id = o.store_id
            WHERE e.type LIKE 'return_%%' AND (e.created_at AT TIME ZONE s.time_zone)::date BETWEEN %s AND %s
            GROUP BY 1, 2""",
        [year.start, year.end],
    )
    assert steps
    for currency, kind, count in steps:
        assert getattr(returns[currency], kind.removeprefix("return_")) == count
    refunded_value = dict(
        rows(
            """SELECT r.currency, sum(r.amount) FROM payments_refund r JOIN orders_returnrequest rr
                   ON rr.refund_key = r.idempotency_key GROUP BY 1"""
        )
    )
    assert {c: s.refunded_value for c, s in returns.items() if s.refunded_value} == refunded_value
    assert start < year.start


def test_a_second_seed_adds_no_promotions_or_returns(seeded):
    from io import StringIO

    from django.core.management import call_command

    from tests.demo.conftest import TEST_IMAGE_SIZE

    counted = (
        DiscountRedemption.objects.count(),
        GiftCardTransaction.objects.count(),
        ReturnRequest.objects.count(),
        one("SELECT count(*) FROM orders_orderevent")[0],
        one("SELECT count(*) FROM payments_refund")[0],
        sorted(Discount.objects.values_list("pk", "times_used")),
    )

    call_command("seed_demo", "--image-size", str(TEST_IMAGE_SIZE), stdout=StringIO())

    assert counted == (
        DiscountRedemption.objects.count(),
        GiftCardTransaction.objects.count(),
        ReturnRequest.objects.count(),
        one("SELECT count(*) FROM orders_orderevent")[0],
        one("SELECT count(*) FROM payments_refund")[0],
        sorted(Discount.objects.values_list("pk", "times_used")),
    )
    assert Decimal(0) < one("SELECT sum(balance) FROM promotions_giftcard")[0]


def test_report_timings_gets_every_report_its_year_and_export_and_the_dashboard_over_http(owner):
    from io import StringIO

    from django.core.management import call_command

    from commerce.insights.wagtail_hooks import REPORTS

    output = StringIO()
    call_command("report_timings", "--runs", "1", "--email", owner.email, "--metrics", stdout=output)

    lines = output.getvalue().splitlines()
    assert lines[0].endswith(f"GET as {owner.email} through the middleware, best of 1:")
    timed = {line.split(": ")[0].strip(): line for line in lines if line.startswith("  ") and "[/" in line}
    assert timed["Admin home (dashboard)"].split(": ")[1].endswith("]") and " ms" in timed["Admin home (dashboard)"]
    for _slug, _view, label, _order in REPORTS:
        assert " ms  [/" in timed[label] and " ms  [/" in timed[f"{label}, CSV"]
    assert "export=csv" in timed["Discounts, CSV"]
    assert "interval=day" in timed["Sales over time, a year"] and "start=" in timed["Gift cards, a year"]
    assert "Low stock, a year" not in timed  # no period: its default view and export only
    assert not [line for line in lines if "FAILED" in line]
    assert "  year's daily sales series: " in output.getvalue() and "  returns (a year and the year before): " in (
        output.getvalue()
    )
    assert lines[-1].startswith(f"{len(timed)} URLs timed: slowest ") and lines[-1].endswith(" 0 failed.")


def test_report_timings_refuses_bad_input(owner):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--runs must be 1 or more"):
        call_command("report_timings", "--runs", "0")
    with pytest.raises(CommandError, match="No such user"):
        call_command("report_timings", "--email", "nobody@example.com")
