"""Issue 13, part A: the Customers and Shipping charged reports read past days from their daily
summary and today from the orders — and still equal a direct SQL aggregate on the orders: two
currencies and time zones, local-midnight boundaries, refunds, the same email in two stores, a
customer returning on several days (counted once), a store-limited manager; refreshed after each
payment commits, rebuilt by the command, with query counts that do not grow with the orders."""

from __future__ import annotations

import io
import zoneinfo
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from commerce.accounts.roles import MANAGER
from commerce.insights.metrics import customer_mix
from commerce.insights.metrics_scope import Period
from commerce.insights.models import CustomerFirstOrder, DailyCustomerSales, DailyShippingSales
from commerce.insights.shipping_metrics import shipping_charged
from commerce.orders.models import Order
from commerce.orders.services import order_complete_payment
from commerce.orders.signals import order_refunded
from tests.insights.conftest import paid_order, paid_orders_up_to, refund, staff, summarise

pytestmark = [pytest.mark.django_db, pytest.mark.reports]

MIX_SQL = """
WITH o AS (
    SELECT o.store_id, o.email, (o.paid_at AT TIME ZONE s.time_zone)::date AS day,
           o.paid_at > min(o.paid_at) OVER (PARTITION BY o.store_id, o.email) AS back
      FROM orders_order o JOIN stores_store s ON s.id = o.store_id
     WHERE o.paid_at IS NOT NULL AND o.store_id = ANY(%(stores)s)
)
SELECT count(DISTINCT (store_id, email)) FILTER (WHERE NOT back), count(DISTINCT (store_id, email)) FILTER (WHERE back),
       count(*) FILTER (WHERE NOT back), count(*) FILTER (WHERE back)
  FROM o WHERE day BETWEEN %(start)s AND %(end)s
"""
SHIPPING_SQL = """
SELECT o.currency, o.shipping_method_name, count(*), sum(o.shipping_total)
  FROM orders_order o JOIN stores_store s ON s.id = o.store_id
 WHERE o.paid_at IS NOT NULL AND o.store_id = ANY(%(stores)s)
   AND (o.paid_at AT TIME ZONE s.time_zone)::date BETWEEN %(start)s AND %(end)s
 GROUP BY 1, 2 ORDER BY 1, 4 DESC, 2
"""


def sql(query: str, params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


def direct_mix(period: Period, stores) -> tuple:
    return sql(MIX_SQL, {"stores": [s.pk for s in stores], "start": period.start, "end": period.end})[0]


def direct_shipping(period: Period, stores) -> list[tuple]:
    return sql(SHIPPING_SQL, {"stores": [s.pk for s in stores], "start": period.start, "end": period.end})


def mix_of(user, period: Period, **kwargs) -> tuple:
    mix = customer_mix(user=user, period=period, **kwargs)
    return (mix.new_customers, mix.returning_customers, mix.orders_from_new, mix.orders_from_returning)


def shipping_of(user, period: Period, **kwargs) -> list[tuple]:
    return [
        (r.currency, "" if r.method == "(none)" else r.method, r.orders, r.shipping)
        for r in shipping_charged(user=user, period=period, **kwargs)
    ]


def today_in(store) -> date:
    return timezone.now().astimezone(zoneinfo.ZoneInfo(store.time_zone)).date()


def local(store, day: date, hour: int = 0, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), zoneinfo.ZoneInfo(store.time_zone))


def order(store, at: datetime, email: str, *, method: str = "", shipping: str = "5.00") -> Order:
    made = paid_order(store, paid_at=at, email=email, shipping=shipping)
    Order.objects.filter(pk=made.pk).update(shipping_method_name=method)
    return made


@pytest.fixture
def history(store, other_store):
    """New York (USD) and Berlin (EUR): a week of orders either side of local midnights, summarised,
    then today's orders written after the summary (read live)."""
    store.time_zone, other_store.time_zone = "America/New_York", "Europe/Berlin"
    store.save()
    other_store.save()
    start = min(today_in(store), today_in(other_store)) - timedelta(days=6)
    period = Period(start, max(today_in(store), today_in(other_store)))
    day = {n: start + timedelta(days=n) for n in range(6)}
    # 30 minutes before the period in New York: outside, but makes "before@" returning inside it.
    order(store, local(store, start) - timedelta(minutes=30), "before@example.com", method="Standard")
    order(store, local(store, day[1], 9), "before@example.com", method="Standard")
    order(store, local(store, start, 0, 30), "ann@example.com", method="Express", shipping="12.00")
    order(store, local(store, day[2], 12), "ann@example.com", method="Standard")  # returns twice on one day
    order(store, local(store, day[2], 18), "ann@example.com")
    refunded = order(store, local(store, day[3], 23, 45), "cat@example.com", method="Express", shipping="12.00")
    refund(refunded, amount="40.00", at=local(store, day[4], 1))
    order(store, local(store, day[1], 10), "both@example.com", method="Standard")  # the same email ...
    order(other_store, local(other_store, day[1], 10), "both@example.com", method="DHL")  # ... in two stores
    order(other_store, local(other_store, start, 0, 15), "eu@example.com", method="DHL", shipping="7.50")
    order(other_store, local(other_store, day[5], 23, 50), "eu@example.com")
    summarise()
    # Today's, after the summary: Ann returns again (once more among the returning), Bob is new.
    order(store, local(store, today_in(store), 0, 0) + timedelta(seconds=1), "ann@example.com", method="Standard")
    order(store, local(store, today_in(store), 0, 0) + timedelta(seconds=2), "bob@example.com", method="Express")
    order(other_store, local(other_store, today_in(other_store), 0, 0) + timedelta(seconds=1), "eu@example.com")
    return store, other_store, period


def test_customers_and_shipping_equal_sql_over_summary_days_and_today(history, roles):
    store, other_store, period = history
    owner = staff(None, "owner@example.com", superuser=True)

    mix = mix_of(owner, period)
    shipping = shipping_of(owner, period)

    assert mix == direct_mix(period, [store, other_store])
    # New: Ann, Cat, Bob, both@ twice (a customer per store), eu@; returning: before@, Ann (three
    # orders on two days and today, once), eu@ (yesterday or so, and today).
    assert mix == (6, 3, 6, 6)
    assert shipping == direct_shipping(period, [store, other_store])
    assert [(c, m) for c, m, *_ in shipping] == [
        ("EUR", "DHL"),
        ("EUR", ""),
        ("USD", "Express"),
        ("USD", "Standard"),
        ("USD", ""),
    ]
    assert DailyCustomerSales.objects.filter(day__lt=period.end).exists()  # the past came from the summary


def test_a_period_of_past_days_only_and_of_today_only(history, roles):
    store, other_store, period = history
    owner = staff(None, "owner@example.com", superuser=True)
    past = Period(period.start, min(today_in(store), today_in(other_store)) - timedelta(days=1))
    today = Period(max(today_in(store), today_in(other_store)), max(today_in(store), today_in(other_store)))

    for part in (past, today, Period(period.start + timedelta(days=2), period.start + timedelta(days=2))):
        assert mix_of(owner, part) == direct_mix(part, [store, other_store]), part
        assert shipping_of(owner, part) == direct_shipping(part, [store, other_store]), part


def test_the_summary_is_what_past_days_are_read_from(store, roles):
    owner = staff(None, "owner@example.com", superuser=True)
    week = Period(today_in(store) - timedelta(days=6), today_in(store))
    order(store, timezone.now() - timedelta(days=2), "ann@example.com", method="Standard")  # not summarised
    order(store, timezone.now() - timedelta(seconds=5), "ann@example.com", method="Standard")

    before = (mix_of(owner, week), shipping_of(owner, week))
    summarise()
    after = (mix_of(owner, week), shipping_of(owner, week))

    # Before: today's order alone, live (Ann unknown, so new); after: the summarised first order too.
    assert before == ((1, 0, 1, 0), [("USD", "Standard", 1, Decimal("5.00"))])
    assert after == ((1, 1, 1, 1), [("USD", "Standard", 2, Decimal("10.00"))])
    assert after == (direct_mix(week, [store]), direct_shipping(week, [store]))


def test_a_store_limited_manager_gets_only_their_stores_customers_and_shipping(history, roles):
    store, other_store, period = history
    manager = staff(MANAGER, "manager@example.com", stores=[store])

    assert mix_of(manager, period) == direct_mix(period, [store]) == (4, 2, 4, 4)
    assert mix_of(manager, period, store_ids=[other_store.pk]) == (0, 0, 0, 0)
    assert shipping_of(manager, period) == direct_shipping(period, [store])
    assert {c for c, *_ in shipping_of(manager, period)} == {"USD"}


def pending_order(store, *, email: str, method: str) -> Order:
    made = order(store, timezone.now(), email, method=method, shipping="9.00")
    Order.objects.filter(pk=made.pk).update(status="pending_payment", payment_status="unpaid", paid_at=None)
    made.refresh_from_db()
    return made


def returning_days(store, email: str) -> list[tuple[date, date]]:
    return sql(
        "SELECT lower(r), upper(r) FROM insights_customerfirstorder f, unnest(f.returning_days) r"
        " WHERE f.store_id = %s AND f.email = %s ORDER BY 1",
        [store.pk, email],
    )


def test_paying_and_refunding_refresh_customers_and_shipping_after_commit(store, django_capture_on_commit_callbacks):
    today = today_in(store)
    order(store, timezone.now() - timedelta(days=3), "ann@example.com", method="Standard")
    summarise()
    pending = pending_order(store, email="ann@example.com", method="Express")

    with django_capture_on_commit_callbacks(execute=True):
        order_complete_payment(order=pending)
    customers = list(
        DailyCustomerSales.objects.filter(store=store, day=today).values_list(
            "new_orders", "returning_orders", "new_customers"
        )
    )
    shipping = list(
        DailyShippingSales.objects.filter(store=store, day=today).values_list("method", "orders", "shipping")
    )
    refund(Order.objects.get(pk=pending.pk), amount="10.00", at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        order_refunded.send(sender=Order, order_id=pending.pk, fully=False)

    assert customers == [(0, 1, 0)]
    assert shipping == [("Express", 1, Decimal("9.00"))]
    assert returning_days(store, "ann@example.com") == [(today, today + timedelta(days=1))]
    assert (
        list(
            DailyCustomerSales.objects.filter(store=store, day=today).values_list(
                "new_orders", "returning_orders", "new_customers"
            )
        )
        == customers
    )


def test_the_rebuild_recomputes_customers_and_shipping_and_is_repeatable(store, other_store):
    for days, email in (
        (40, "ann@example.com"),
        (39, "ann@example.com"),
        (3, "ann@example.com"),
        (3, "bob@example.com"),
    ):
        order(store, timezone.now() - timedelta(days=days), email, method="Standard")
    order(other_store, timezone.now() - timedelta(days=2), "ann@example.com", method="DHL")
    DailyCustomerSales.objects.create(store=store, day=date(2020, 1, 1), currency="USD", new_orders=99)  # stale
    DailyShippingSales.objects.create(store=store, day=date(2020, 1, 1), currency="USD", method="Gone", orders=9)

    out = io.StringIO()
    call_command("rebuild_daily_sales", stdout=out)
    call_command("rebuild_daily_sales", "--since", "2020-01-01", "--until", "2020-01-01", stdout=io.StringIO())
    first = (
        list(
            DailyCustomerSales.objects.order_by("store", "day").values_list(
                "store", "day", "new_orders", "returning_orders", "new_customers"
            )
        ),
        list(DailyShippingSales.objects.order_by("store", "day").values_list("store", "day", "method", "orders")),
        returning_days(store, "ann@example.com"),
    )
    call_command("rebuild_daily_sales", stdout=io.StringIO())

    zone = zoneinfo.ZoneInfo(store.time_zone)
    day = {days: (timezone.now() - timedelta(days=days)).astimezone(zone).date() for days in (40, 39, 3)}
    assert out.getvalue().splitlines()[-1].startswith("Rebuilt the daily sales of 2 store(s): ")
    assert date(2020, 1, 1) not in {d for _, d, *_ in first[0]}
    assert sum(new for _, _, new, _, _ in first[0]) == 3  # Ann and Bob here, Ann in the other store
    assert first[2] == [(day[39], day[39] + timedelta(days=1)), (day[3], day[3] + timedelta(days=1))]
    assert "Gone" not in {m for _, _, m, _ in first[1]}
    assert CustomerFirstOrder.objects.filter(store=other_store).count() == 1
    assert (
        list(
            DailyCustomerSales.objects.order_by("store", "day").values_list(
                "store", "day", "new_orders", "returning_orders", "new_customers"
            )
        ),
        list(DailyShippingSales.objects.order_by("store", "day").values_list("store", "day", "method", "orders")),
        returning_days(store, "ann@example.com"),
    ) == first


@pytest.mark.benchmark
def test_the_two_metrics_query_counts_do_not_grow_from_10_to_1000_orders(store, other_store, roles):
    owner = staff(None, "owner@example.com", superuser=True)
    month = Period(today_in(store) - timedelta(days=29), today_in(store))
    counts = []
    for total in (10, 1000):
        paid_orders_up_to(
            (store, other_store),
            up_to=total,
            spread_hours=700,
            shipping_total=5,
            total=15,
            amount_paid=15,
            shipping_method_name=lambda i: "Standard" if i % 3 else "Express",
        )
        summarise()
        with CaptureQueriesContext(connection) as queries:
            figures = [(mix_of(owner, period), shipping_of(owner, period)) for period in (month, month.previous())]
        counts.append(len(queries))
        shops = [store, other_store]
        assert figures == [(direct_mix(p, shops), direct_shipping(p, shops)) for p in (month, month.previous())]
    # The asker's stores, the RLS context and read-only settings in a savepoint per call, then one
    # query for customers and two for shipping (summary days, today): the same for 10 or 1,000.
    assert counts == [25, 25], counts
