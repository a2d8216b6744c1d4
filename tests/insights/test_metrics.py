"""Issue 13: every metric equals a direct SQL aggregate on the same rows — refunds, two currencies,
a store-limited manager, and orders either side of midnight in the store's own time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db import connection

from commerce.accounts.roles import MANAGER
from commerce.insights.metrics import customer_mix, sales_series, sales_summary, top_products
from commerce.insights.metrics_scope import Period
from tests.insights.conftest import paid_order, refund, staff, summarise

pytestmark = [pytest.mark.django_db, pytest.mark.reports]

MARCH_10 = Period(date(2026, 3, 10), date(2026, 3, 10))


@pytest.fixture
def shops(store, other_store):
    """Store 1 sells in USD in New York, store 2 in EUR in Berlin."""
    store.time_zone = "America/New_York"
    store.save()
    other_store.time_zone = "Europe/Berlin"
    other_store.save()
    # 03:30 UTC on the 10th is still the 9th in New York: not in MARCH_10 for store 1.
    paid_order(store, paid_at=datetime(2026, 3, 10, 3, 30, tzinfo=UTC), email="late@example.com", title="Lamp")
    first = paid_order(store, paid_at=datetime(2026, 3, 10, 15, 0, tzinfo=UTC), email="ann@example.com")
    paid_order(
        store,
        paid_at=datetime(2026, 3, 11, 3, 0, tzinfo=UTC),
        email="ann@example.com",
        subtotal="40.00",
        discount="4.00",
        quantity=1,
        title="Bowl",
    )  # 23:00 on the 10th in New York: in, and Ann is returning
    # 23:30 UTC on the 9th is 00:30 on the 10th in Berlin: in MARCH_10 for store 2.
    paid_order(other_store, paid_at=datetime(2026, 3, 9, 23, 30, tzinfo=UTC), email="eu@example.com", subtotal="70.00")
    refund(first, amount="25.00", at=datetime(2026, 3, 10, 20, 0, tzinfo=UTC))
    refund(first, amount="9.00", at=datetime(2026, 3, 10, 21, 0, tzinfo=UTC), status="failed")
    summarise()
    return store, other_store


def sql(query: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


DIRECT_SUMMARY = """
    SELECT o.currency, count(*), sum(o.subtotal), sum(o.discount_total), sum(o.shipping_total), sum(o.total),
           (SELECT sum(l.quantity) FROM orders_orderline l JOIN orders_order o2 ON o2.id = l.order_id
             JOIN stores_store s2 ON s2.id = o2.store_id
            WHERE o2.currency = o.currency AND (o2.paid_at AT TIME ZONE s2.time_zone)::date = %(day)s
              AND o2.store_id = ANY(%(stores)s))
      FROM orders_order o JOIN stores_store s ON s.id = o.store_id
     WHERE (o.paid_at AT TIME ZONE s.time_zone)::date = %(day)s AND o.store_id = ANY(%(stores)s)
     GROUP BY o.currency ORDER BY o.currency
"""
DIRECT_REFUNDS = """
    SELECT r.currency, sum(r.amount) FROM payments_refund r JOIN orders_order o ON o.id = r.order_id
      JOIN stores_store s ON s.id = o.store_id
     WHERE r.status = 'succeeded' AND (r.created_at AT TIME ZONE s.time_zone)::date = %(day)s
       AND o.store_id = ANY(%(stores)s) GROUP BY r.currency
"""


def test_the_summary_equals_sql_per_currency_on_local_days(shops, roles):
    store, other_store = shops
    owner = staff(None, "owner@example.com", superuser=True)
    stores = [store.pk, other_store.pk]

    rows = sales_summary(user=owner, period=MARCH_10)

    direct = sql(DIRECT_SUMMARY, {"day": date(2026, 3, 10), "stores": stores})
    refunds = dict(sql(DIRECT_REFUNDS, {"day": date(2026, 3, 10), "stores": stores}))
    assert [
        (r.currency, r.orders, r.gross_sales, r.discounts, r.shipping, r.total_collected, r.units) for r in rows
    ] == direct
    assert {r.currency: r.refunds for r in rows} == {"EUR": Decimal("0.00"), **refunds}
    usd = next(r for r in rows if r.currency == "USD")
    assert (usd.orders, usd.refunds, usd.net_sales) == (2, Decimal("25.00"), Decimal("111.00"))
    assert usd.average_order_value == Decimal("73.00")  # (105 + 41) / 2
    eur = next(r for r in rows if r.currency == "EUR")
    assert (eur.orders, eur.gross_sales) == (1, Decimal("70.00"))


def test_a_store_limited_manager_sees_only_their_store(shops, roles):
    store, other_store = shops
    manager = staff(MANAGER, "manager@example.com", stores=[store])

    rows = sales_summary(user=manager, period=MARCH_10, store_ids=[store.pk, other_store.pk])

    assert [r.currency for r in rows] == ["USD"]
    assert top_products(user=manager, period=MARCH_10, store_ids=[other_store.pk]) == []
    assert sales_summary(user=manager, period=MARCH_10, store_ids=[other_store.pk]) == []


def test_the_daily_series_equals_sql_and_has_every_day(shops, roles):
    store, _ = shops
    owner = staff(None, "owner@example.com", superuser=True)
    period = Period(date(2026, 3, 8), date(2026, 3, 12))

    points = sales_series(user=owner, period=period, store_ids=[store.pk])

    direct = dict(
        sql(
            """SELECT (o.paid_at AT TIME ZONE s.time_zone)::date, sum(o.subtotal - o.discount_total)
                 FROM orders_order o JOIN stores_store s ON s.id = o.store_id
                WHERE o.store_id = %s GROUP BY 1""",
            [store.pk],
        )
    )
    assert [p.starts_on for p in points] == period.dates()
    assert {p.starts_on: p.net_sales for p in points if p.orders} == direct
    assert direct[date(2026, 3, 9)] == Decimal("100.00")  # the late order, on New York's 9th


def test_weeks_start_on_monday_and_months_on_the_first(shops, roles):
    store, _ = shops
    owner = staff(None, "owner@example.com", superuser=True)
    period = Period(date(2026, 3, 1), date(2026, 3, 31))

    weeks = sales_series(user=owner, period=period, interval="week", store_ids=[store.pk])
    months = sales_series(user=owner, period=period, interval="month", store_ids=[store.pk])

    assert all(p.starts_on.weekday() == 0 for p in weeks[1:])
    assert weeks[0].starts_on == date(2026, 2, 23)  # the Monday of the week holding March 1st
    week_of_9th = next(p for p in weeks if p.starts_on == date(2026, 3, 9))
    assert (week_of_9th.orders, week_of_9th.net_sales) == (3, Decimal("236.00"))
    assert [(p.starts_on, p.orders) for p in months] == [(date(2026, 3, 1), 3)]


def test_top_products_and_customer_mix_equal_sql(shops, roles):
    store, _ = shops
    owner = staff(None, "owner@example.com", superuser=True)
    period = Period(date(2026, 3, 9), date(2026, 3, 10))

    top = top_products(user=owner, period=period, store_ids=[store.pk], by="units")
    mix = customer_mix(user=owner, period=period, store_ids=[store.pk])

    direct = sql(
        """SELECT l.product_title, sum(l.quantity), sum(l.line_total) FROM orders_orderline l
             JOIN orders_order o ON o.id = l.order_id WHERE o.store_id = %s
            GROUP BY l.product_title ORDER BY 2 DESC, 1""",
        [store.pk],
    )
    assert [(t.title, t.units, t.revenue) for t in top] == direct
    emails = sql(
        """SELECT o.email, count(*) FROM orders_order o WHERE o.store_id = %s GROUP BY o.email ORDER BY 1""",
        [store.pk],
    )
    assert emails == [("ann@example.com", 2), ("late@example.com", 1)]
    # Ann's first order and the late order are new; Ann's second is returning.
    assert (mix.new_customers, mix.returning_customers, mix.orders_from_new, mix.orders_from_returning) == (
        2,
        1,
        2,
        1,
    )


def test_metrics_read_in_a_read_only_transaction_and_leave_no_setting_behind(shops, roles):
    owner = staff(None, "owner@example.com", superuser=True)
    from commerce.insights.metrics_scope import metric_query

    with metric_query(user=owner):
        assert sql("SHOW transaction_read_only") == [("on",)]
        assert sql("SHOW statement_timeout") == [("5s",)]
    assert sql("SHOW transaction_read_only") == [("off",)]
    sales_summary(user=owner, period=MARCH_10)
    assert sql("SHOW statement_timeout") == [("0",)]
