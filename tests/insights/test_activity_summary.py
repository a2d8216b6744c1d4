"""Issue 13: the refunds, returns and gift-card summaries — each metric equal to direct SQL over a
period spanning summary days and today (two currencies, two time zones, a store-limited manager),
past days read from the summary, refreshed after commit, rebuilt by the command, under RLS, and a
fixed number of queries from 10 to 1,000 rows."""

from __future__ import annotations

import io
import zoneinfo
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from commerce.accounts.roles import MANAGER
from commerce.core.money import Money
from commerce.insights.metrics_scope import Period
from commerce.insights.models import DailyGiftCards, DailyRefundOrder, DailyReturnReasons, DailyReturns
from commerce.insights.promotion_metrics import gift_card_liability
from commerce.insights.refund_figures import refund_summary
from commerce.insights.return_figures import returns_summary
from commerce.orders.fulfilment_models import ReturnRequest
from commerce.orders.models import Order, OrderEvent
from commerce.orders.signals import order_refunded
from commerce.payments.models import RefundLine
from commerce.promotions.gift_cards import (
    gift_card_adjust,
    gift_card_credit,
    gift_card_issue,
    gift_card_redeem,
    gift_cards_expire,
)
from commerce.promotions.models import GiftCard, GiftCardTransaction
from tests.insights.conftest import a_return, paid_order, refund, staff, summarise
from tests.threads import run_together

pytestmark = [pytest.mark.django_db, pytest.mark.reports]

ZONES = {"USD": "America/New_York", "EUR": "Europe/Berlin"}


def sql(query: str, params: dict) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


def local(shop, days_ago: int, hour: int, minute: int = 0) -> datetime:
    """``hour:minute`` on the local day ``days_ago`` before the store's today."""
    zone = zoneinfo.ZoneInfo(shop.time_zone)
    return datetime.combine(timezone.now().astimezone(zone).date() - timedelta(days=days_ago), time(hour, minute), zone)


def at(rows, when: datetime) -> None:
    """Move ledger rows (a queryset) to ``when``."""
    rows.update(created_at=when)


def three_days(shop) -> Period:
    today = timezone.now().astimezone(zoneinfo.ZoneInfo(shop.time_zone)).date()
    return Period(today - timedelta(days=2), today)


@pytest.fixture
def history(store, other_store):
    """In each store (USD in New York, EUR in Berlin): two orders paid four days ago; refunds to the
    card two days ago at 23:30 local (the next day in UTC for New York), yesterday and today, one
    order refunded both before and inside today; a gift card credited as a refund; returns through
    every step across those days (one rejected today); gift cards issued before the period and in it,
    redeemed, adjusted, expired; everything summarised (past days) as the refresh jobs would."""
    store.time_zone, other_store.time_zone = ZONES["USD"], ZONES["EUR"]
    store.save()
    other_store.save()
    made = {}
    for shop in (store, other_store):
        first = paid_order(shop, paid_at=local(shop, 4, 12), number=f"{shop.pk}-A", quantity=4, subtotal="80.00")
        second = paid_order(shop, paid_at=local(shop, 4, 13), number=f"{shop.pk}-B", quantity=2, subtotal="30.00")
        late = refund(first, amount="10.00", at=local(shop, 2, 23, 30))
        RefundLine.objects.create(refund=late, order_line=first.lines.get(), quantity=1)
        refund(first, amount="5.00", at=timezone.now())  # the same order again, today
        refund(second, amount="7.00", at=local(shop, 1, 9))
        refund(second, amount="99.00", at=local(shop, 1, 10), status="failed")
        refund(second, amount="3.00", at=local(shop, 3, 9))  # before the period
        now = timezone.now()
        a_return(
            first,
            sequence=1,
            at=local(shop, 2, 8),
            units=1,
            reason="damaged",
            steps={
                "requested": local(shop, 2, 8),
                "approved": local(shop, 1, 8),
                "received": local(shop, 1, 18),
                "refunded": now,
            },
        )
        a_return(
            first, sequence=2, at=local(shop, 1, 11), units=2, reason="size", steps={"requested": local(shop, 1, 11)}
        )
        rejected = a_return(
            second, sequence=1, at=local(shop, 1, 12), units=1, reason="size", steps={"requested": local(shop, 1, 12)}
        )
        OrderEvent.objects.create(
            order=second, type="return_rejected", message="no", data={"return_request": rejected.pk}
        )
        ReturnRequest.objects.filter(pk=rejected.pk).update(status="rejected")
        a_return(second, sequence=2, at=now, units=1, reason="damaged", steps={"approved": now})  # staff-made, today
        value = lambda amount, currency=shop.currency: Money(Decimal(amount), currency)  # noqa: E731
        old = gift_card_issue(store=shop, value=value("40.00"))
        at(GiftCardTransaction.objects.filter(gift_card=old), local(shop, 10, 12))
        spent = gift_card_issue(store=shop, value=value("20.00"))
        gift_card_redeem(gift_card=spent, order=first, amount=value("20.00"))
        at(GiftCardTransaction.objects.filter(gift_card=spent), local(shop, 2, 23, 30))  # issued and used up
        credited = gift_card_issue(store=shop, value=value("15.00"))
        at(GiftCardTransaction.objects.filter(gift_card=credited), local(shop, 1, 9))
        gift_card_redeem(gift_card=old, order=second, amount=value("30.00"))
        at(GiftCardTransaction.objects.filter(gift_card=old, kind="redeem"), local(shop, 1, 10))
        gift_card_credit(gift_card=old, amount=value("12.00"), order=second, reason="Refund to the card")  # today
        gift_card_adjust(gift_card=credited, amount=value("-5.00"), reason="Typo", actor=None)
        at(GiftCardTransaction.objects.filter(gift_card=credited, kind="adjustment"), local(shop, 1, 11))
        GiftCard.objects.filter(pk=credited.pk).update(expires_at=now - timedelta(seconds=1))
        gift_cards_expire(now=now)  # today: the credited card's 10.00 left
        made[shop.currency] = {"first": first, "second": second}
    summarise()
    return made


REFUND_SQL = """
    SELECT r.currency, count(*), count(DISTINCT r.order_id), coalesce(sum(u.units), 0), sum(r.amount)
      FROM payments_refund r JOIN orders_order o ON o.id = r.order_id JOIN stores_store s ON s.id = o.store_id
      LEFT JOIN (SELECT refund_id, sum(quantity) AS units FROM payments_refundline GROUP BY 1) u ON u.refund_id = r.id
     WHERE r.status = 'succeeded' AND o.store_id = ANY(%(stores)s)
       AND (r.created_at AT TIME ZONE s.time_zone)::date BETWEEN %(first)s AND %(last)s
     GROUP BY 1 ORDER BY 1
"""
STEP_SQL = """
    SELECT o.currency, e.type, count(DISTINCT e.data->'return_request')
      FROM orders_orderevent e JOIN orders_order o ON o.id = e.order_id JOIN stores_store s ON s.id = o.store_id
     WHERE e.type LIKE 'return_%%' AND o.store_id = ANY(%(stores)s)
       AND (e.created_at AT TIME ZONE s.time_zone)::date BETWEEN %(first)s AND %(last)s
     GROUP BY 1, 2 ORDER BY 1, 2
"""
REASON_SQL = """
    SELECT o.currency, l.reason, sum(l.quantity), count(DISTINCT r.id) FROM orders_returnline l
      JOIN orders_returnrequest r ON r.id = l.return_request_id JOIN orders_order o ON o.id = r.order_id
      JOIN stores_store s ON s.id = o.store_id
     WHERE r.status <> 'rejected' AND o.store_id = ANY(%(stores)s)
       AND (r.created_at AT TIME ZONE s.time_zone)::date BETWEEN %(first)s AND %(last)s
     GROUP BY 1, 2 ORDER BY 1, 2
"""
VALUE_SQL = """
    SELECT o.currency, sum(round(ol.line_total * l.quantity / ol.quantity, 2)) FROM orders_returnline l
      JOIN orders_orderline ol ON ol.id = l.order_line_id JOIN orders_order o ON o.id = ol.order_id
      JOIN stores_store s ON s.id = o.store_id
     WHERE o.store_id = ANY(%(stores)s) AND l.return_request_id IN (
           SELECT (e.data->>'return_request')::int FROM orders_orderevent e
            WHERE e.order_id = o.id AND e.type = 'return_refunded'
              AND (e.created_at AT TIME ZONE s.time_zone)::date BETWEEN %(first)s AND %(last)s)
     GROUP BY 1 ORDER BY 1
"""
MOVED_SQL = """
    SELECT g.currency, coalesce(sum(t.amount) FILTER (WHERE t.kind = 'issue'), 0),
           coalesce(-sum(t.amount) FILTER (WHERE t.kind = 'redeem'), 0),
           coalesce(sum(t.amount) FILTER (WHERE t.kind = 'refund'), 0),
           coalesce(sum(t.amount) FILTER (WHERE t.kind IN ('expiry', 'adjustment')), 0)
      FROM promotions_giftcardtransaction t JOIN promotions_giftcard g ON g.id = t.gift_card_id
      JOIN stores_store s ON s.id = g.store_id
     WHERE g.store_id = ANY(%(stores)s)
       AND (t.created_at AT TIME ZONE s.time_zone)::date BETWEEN %(first)s AND %(last)s
     GROUP BY 1 ORDER BY 1
"""
OWED_SQL = """
    SELECT currency, sum(balance), count(*) FILTER (WHERE balance > 0) FROM (
        SELECT g.currency, sum(t.amount) AS balance
          FROM promotions_giftcardtransaction t JOIN promotions_giftcard g ON g.id = t.gift_card_id
          JOIN stores_store s ON s.id = g.store_id
         WHERE g.store_id = ANY(%(stores)s) AND (t.created_at AT TIME ZONE s.time_zone)::date <= %(last)s
         GROUP BY g.id, g.currency) c
     GROUP BY 1 ORDER BY 1
"""


def figures(user, shops, period: Period) -> dict[str, list]:
    """Each metric's rows, as tuples comparable with the SQL above."""
    returns = returns_summary(user=user, period=period)
    cards = gift_card_liability(user=user, period=period)
    return {
        "refunds": [
            (r.currency, r.refunds, r.orders_refunded, r.units_refunded, r.refunded)
            for r in refund_summary(user=user, period=period)
        ],
        "steps": sorted(
            (r.currency, f"return_{step}", getattr(r, step))
            for r in returns
            for step in ("approved", "received", "refunded", "rejected", "requested")
            if getattr(r, step)
        ),
        "reasons": sorted((r.currency, c.reason, c.units, c.returns) for r in returns for c in r.top_reasons),
        "values": [(r.currency, r.refunded_value) for r in returns if r.refunded_value],
        "moved": [  # currencies that moved in the period (one that only owes has a row too)
            (r.currency, r.issued, r.redeemed, r.refunded_to_cards, r.expired_or_adjusted)
            for r in cards
            if any((r.issued, r.redeemed, r.refunded_to_cards, r.expired_or_adjusted))
        ],
        "owed": [(r.currency, r.liability, r.cards_with_balance) for r in cards],
    }


def direct(shops, period: Period) -> dict[str, list]:
    params = {"stores": [shop.pk for shop in shops], "first": period.start, "last": period.end}
    return {
        "refunds": sql(REFUND_SQL, params),
        "steps": sql(STEP_SQL, params),
        "reasons": sql(REASON_SQL, params),
        "values": sql(VALUE_SQL, params),
        "moved": sql(MOVED_SQL, params),
        "owed": sql(OWED_SQL, params),
    }


def test_each_metric_equals_sql_over_summary_days_and_today(history, store, other_store, roles):
    owner = staff(None, "owner@example.com", superuser=True)
    period = three_days(store)  # New York's last three days; Berlin's are the same dates

    got, expected = figures(owner, [store, other_store], period), direct([store, other_store], period)

    assert got == expected
    # The literal figures hold where Berlin's dates are New York's; from 18:00 New York time Berlin is
    # a day ahead, so only New York's rows are checked against them then (got == expected still is).
    same_dates = three_days(other_store) == period
    shown = (lambda rows: rows) if same_dates else (lambda rows: [row for row in rows if row[0] == "USD"])
    assert shown(got["refunds"]) == shown(  # the order refunded two days ago and today is one order refunded
        [("EUR", 3, 2, 1, Decimal("22.00")), ("USD", 3, 2, 1, Decimal("22.00"))]
    )
    assert all(type(count) is int for row in got["refunds"] for count in row[1:4])  # counts, not decimals
    assert ("USD", "return_rejected", 1) in got["steps"]
    assert ("USD", "size", 2, 1) in got["reasons"]  # the rejected return's unit is out
    owed = [("EUR", Decimal("22.00"), 1), ("USD", Decimal("22.00"), 1)]  # 40 − 30 + 12 on one card
    assert shown(got["owed"]) == shown(owed)
    assert got["moved"][1] == ("USD", Decimal("35.00"), Decimal("50.00"), Decimal("12.00"), Decimal("-15.00"))
    assert DailyRefundOrder.objects.exists() and DailyReturns.objects.exists() and DailyGiftCards.objects.exists()


@pytest.mark.parametrize("days_back", [1, 2, 3, 4])
def test_periods_ending_on_a_summary_day_equal_sql(history, store, other_store, roles, days_back):
    owner = staff(None, "owner@example.com", superuser=True)
    today = three_days(store).end
    period = Period(today - timedelta(days=days_back + 1), today - timedelta(days=days_back))

    assert figures(owner, [store, other_store], period) == direct([store, other_store], period)


def test_past_days_are_read_from_the_summary_and_today_live(history, store, roles):
    owner = staff(None, "owner@example.com", superuser=True)
    period = three_days(store)
    before = refund_summary(user=owner, period=period, store_ids=[store.pk])[0]

    DailyRefundOrder.objects.filter(store=store).update(refunded=Decimal("1000.00"))  # only the summary changes
    summary_days = DailyGiftCards.objects.filter(store=store).update(net=F("net") + 100)
    after = refund_summary(user=owner, period=period, store_ids=[store.pk])[0]
    cards = gift_card_liability(user=owner, period=period, store_ids=[store.pk])[0]

    assert before.refunded == Decimal("22.00")
    assert after.refunded == Decimal("2005.00")  # two past order-days from the summary, today's 5.00 live
    assert summary_days == 4  # the ledger's days: ten, two and one day ago, and today's (not read: live)
    assert cards.liability == Decimal("22.00") + 300


def test_a_store_limited_manager_gets_their_stores_figures_only(history, store, other_store, roles):
    manager = staff(MANAGER, "manager@example.com", stores=[store])
    period = three_days(store)

    got = figures(manager, [store], period)

    assert got == direct([store], period)
    assert {row[0] for rows in got.values() for row in rows} == {"USD"}
    assert refund_summary(user=manager, period=period, store_ids=[other_store.pk]) == []
    assert returns_summary(user=manager, period=period, store_ids=[other_store.pk]) == []
    assert gift_card_liability(user=manager, period=period, store_ids=[other_store.pk]) == []


def summary_rows(shop) -> dict[str, list]:
    return {
        "refunds": list(
            DailyRefundOrder.objects.filter(store=shop)
            .order_by("day", "order_id")
            .values_list("day", "order_id", "refunds", "refunded", "units")
        ),
        "returns": list(
            DailyReturns.objects.filter(store=shop)
            .order_by("day")
            .values_list("day", "requested", "approved", "received", "rejected", "refunded", "refunded_value")
        ),
        "reasons": list(
            DailyReturnReasons.objects.filter(store=shop)
            .order_by("day", "reason")
            .values_list("day", "reason", "units", "returns")
        ),
        "cards": list(
            DailyGiftCards.objects.filter(store=shop)
            .order_by("day")
            .values_list("day", "issued", "redeemed", "refunded", "other", "net", "cards_with_balance")
        ),
    }


def test_the_rebuild_command_recomputes_the_summaries_and_is_repeatable(history, store, other_store):
    first = summary_rows(store)
    DailyRefundOrder.objects.filter(store=store).delete()
    DailyGiftCards.objects.filter(store=store).update(net=999)  # stale
    DailyReturns.objects.filter(store=store).update(requested=99)

    out = io.StringIO()
    call_command("rebuild_daily_sales", "--store", str(store.pk), stdout=out)
    rebuilt = summary_rows(store)
    call_command("rebuild_daily_sales", "--store", str(store.pk), stdout=io.StringIO())

    assert rebuilt == first == summary_rows(store)
    assert len(first["refunds"]) == 4 and len(first["cards"]) == 4  # 4 order-days; the ledger on 4 days
    assert out.getvalue().splitlines()[-1].startswith("Rebuilt the daily sales of 1 store(s): ")


def test_a_refund_a_return_step_and_gift_card_movements_refresh_after_commit(
    store, other_store, roles, django_capture_on_commit_callbacks
):
    owner = staff(None, "owner@example.com", superuser=True)
    order = paid_order(store, paid_at=timezone.now() - timedelta(days=3))
    opened = timezone.now() - timedelta(days=2)
    made = a_return(order, sequence=1, at=opened, units=1, reason="size", steps={"requested": opened})
    summarise()
    day = opened.astimezone(zoneinfo.ZoneInfo(store.time_zone)).date()
    assert DailyReturnReasons.objects.filter(store=store, day=day).exists()

    with django_capture_on_commit_callbacks(execute=True):
        refund(order, amount="20.00", at=timezone.now())
        order_refunded.send(sender=Order, order_id=order.pk, fully=False)
    with django_capture_on_commit_callbacks(execute=True):  # as return_reject writes it
        ReturnRequest.objects.filter(pk=made.pk).update(status="rejected")
        OrderEvent.objects.create(order=order, type="return_rejected", message="no", data={"return_request": made.pk})
    with django_capture_on_commit_callbacks(execute=True):
        card = gift_card_issue(store=store, value=Money(Decimal("30.00"), "USD"))
        gift_card_redeem(gift_card=card, order=order, amount=Money(Decimal("10.00"), "USD"))
    GiftCard.objects.filter(pk=card.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):  # bulk ledger rows: the gift_cards_moved signal
        gift_cards_expire(now=timezone.now())

    today = timezone.now().astimezone(zoneinfo.ZoneInfo(store.time_zone)).date()
    refunds = DailyRefundOrder.objects.get(store=store, day=today)
    assert (refunds.order_id, refunds.refunds, refunds.refunded) == (order.pk, 1, Decimal("20.00"))
    assert DailyReturns.objects.get(store=store, day=today).rejected == 1
    assert not DailyReturnReasons.objects.filter(store=store, day=day).exists()  # the opened day, recomputed
    cards = DailyGiftCards.objects.get(store=store, day=today)
    assert (cards.issued, cards.redeemed, cards.other, cards.net, cards.cards_with_balance) == (
        Decimal("30.00"),
        Decimal("-10.00"),
        Decimal("-20.00"),
        Decimal("0.00"),
        0,
    )
    period = Period(today - timedelta(days=3), today)
    assert figures(owner, [store], period) == direct([store], period)


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_gift_card_movements_committing_at_the_same_moment_all_reach_the_summary(store):
    order = paid_order(store, paid_at=timezone.now() - timedelta(days=1), subtotal="500.00")
    cards = [gift_card_issue(store=store, value=Money(Decimal("50.00"), "USD")) for _ in range(4)]
    ten = Money(Decimal("10.00"), "USD")

    results = run_together(
        [lambda c=c: gift_card_redeem(gift_card=c, order=order, amount=ten) for c in cards], atomic=True
    )

    assert not [r for r in results if isinstance(r, Exception)], results
    today = timezone.now().astimezone(zoneinfo.ZoneInfo(store.time_zone)).date()
    row = DailyGiftCards.objects.get(store=store, day=today)
    assert (row.issued, row.redeemed, row.net, row.cards_with_balance) == (
        Decimal("200.00"),
        Decimal("-40.00"),
        Decimal("160.00"),
        4,
    )


@pytest.mark.rls
def test_row_level_security_shows_a_stores_summaries_to_its_staff_only(history, store, other_store):
    from commerce.core.rls import RlsContext, use_context

    tables = (
        "insights_dailyrefundorder",
        "insights_dailyreturns",
        "insights_dailyreturnreasons",
        "insights_dailygiftcards",
    )

    def visible(context, table: str) -> set[int]:
        with use_context(context), connection.cursor() as cursor:
            cursor.execute(f"SELECT DISTINCT store_id FROM {table}")
            return {row[0] for row in cursor.fetchall()}

    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user")
        assert cursor.fetchone() == (False,)  # the runtime role: policies apply
    for table in tables:
        assert visible(RlsContext(role="staff", user_id=1, store_ids=(store.pk,)), table) == {store.pk}, table
        assert visible(RlsContext(role="staff", user_id=1, store_ids=None), table) == {store.pk, other_store.pk}
        assert visible(RlsContext(role="customer", user_id=1, store_ids=()), table) == set(), table
        assert visible(None, table) == set(), table


# Each with the asker's context, the read-only savepoint and the stores in scope: refunds one union
# query; returns two summary queries and four live ones (steps, reasons, refunded value); gift cards
# one summary query, the cards touched today and their ledgers.
QUERIES = {"refunds": 6, "returns": 10, "gift_cards": 8}


def grow(store, orders: list[Order], total: int) -> None:
    """Up to ``total`` refunds, return steps and gift-card ledger rows, half on past days, half today."""
    from commerce.orders.fulfilment_models import ReturnLine
    from commerce.payments.models import Payment, Refund

    made = Refund.objects.count()
    now = timezone.now()
    moments = [now - timedelta(days=1 + i % 20) if i % 2 else now for i in range(made, total)]
    payment = Payment.objects.get_or_create(
        order=orders[0], defaults={"idempotency_key": "bench", "amount": 10, "currency": "USD", "status": "succeeded"}
    )[0]
    refunds = Refund.objects.bulk_create(
        Refund(
            payment=payment, order=orders[i % 10], amount=1, currency="USD", idempotency_key=f"b{i}", status="succeeded"
        )
        for i in range(made, total)
    )
    returns = ReturnRequest.objects.bulk_create(
        ReturnRequest(order=orders[i % 10], sequence=i + 1, status="refunded") for i in range(made, total)
    )
    ReturnLine.objects.bulk_create(
        ReturnLine(return_request=r, order_line=r.order.lines.get(), quantity=1, reason="size") for r in returns
    )
    events = OrderEvent.objects.bulk_create(
        OrderEvent(order=r.order, type=f"return_{step}", message=step, data={"return_request": r.pk})
        for r in returns
        for step in ("requested", "refunded")
    )
    cards = GiftCard.objects.bulk_create(
        GiftCard(store=store, code=f"BENCH{i:08d}", currency="USD", initial_value=5, balance=5)
        for i in range(made, total)
    )
    ledger = GiftCardTransaction.objects.bulk_create(
        GiftCardTransaction(gift_card=c, kind="issue", amount=5, balance_after=5) for c in cards
    )
    twice = [m for m in moments for _ in (0, 1)]
    for rows, model, when in (
        (refunds, Refund, moments),
        (returns, ReturnRequest, moments),
        (ledger, GiftCardTransaction, moments),
        (events, OrderEvent, twice),
    ):
        for moment in set(when):  # one UPDATE per distinct moment
            model.objects.filter(pk__in=[r.pk for r, m in zip(rows, when, strict=True) if m == moment]).update(
                created_at=moment
            )


@pytest.mark.benchmark
def test_each_metric_reads_a_fixed_number_of_queries_from_10_to_1000_rows(store, roles):
    owner = staff(None, "owner@example.com", superuser=True)
    orders = [paid_order(store, paid_at=timezone.now() - timedelta(days=30), number=f"Q{i}") for i in range(10)]
    today = timezone.localdate()
    period = Period(today - timedelta(days=29), today)  # summary days and today
    metrics = {"refunds": refund_summary, "returns": returns_summary, "gift_cards": gift_card_liability}
    counts: dict[str, list[int]] = {name: [] for name in metrics}
    for total in (10, 1000):
        grow(store, orders, total)
        summarise()
        for name, metric in metrics.items():
            with CaptureQueriesContext(connection) as queries:
                metric(user=owner, period=period)
            counts[name].append(len(queries))
        assert refund_summary(user=owner, period=period)[0].refunds == total
    assert counts == {name: [QUERIES[name]] * 2 for name in metrics}, counts
