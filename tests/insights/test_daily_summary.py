"""Issue 13: the daily summary the reports read — equal to the orders it sums, refreshed after each
payment and refund commits (also when payments commit at the same moment), past days read from it
and today from the orders, and rebuildable by a command."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from commerce.insights.metrics import sales_summary
from commerce.insights.metrics_scope import Period
from commerce.insights.models import CustomerFirstOrder, DailySales
from commerce.orders.models import Order
from commerce.orders.services import order_complete_payment
from commerce.orders.signals import order_refunded
from tests.insights.conftest import paid_order, refund, staff, summarise
from tests.threads import run_together

pytestmark = [pytest.mark.reports]

DIRECT = """
    SELECT d.day, d.currency, d.n, d.gross, coalesce(r.refunds, 0) FROM (
        SELECT (o.paid_at AT TIME ZONE s.time_zone)::date AS day, o.currency, count(*) AS n, sum(o.subtotal) AS gross
          FROM orders_order o JOIN stores_store s ON s.id = o.store_id
         WHERE o.store_id = %(store)s AND o.paid_at IS NOT NULL GROUP BY 1, 2) d
    LEFT JOIN (
        SELECT (r.created_at AT TIME ZONE s.time_zone)::date AS day, r.currency, sum(r.amount) AS refunds
          FROM payments_refund r JOIN orders_order o ON o.id = r.order_id JOIN stores_store s ON s.id = o.store_id
         WHERE o.store_id = %(store)s AND r.status = 'succeeded' GROUP BY 1, 2) r USING (day, currency)
    ORDER BY 1
"""


def direct(store) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(DIRECT, {"store": store.pk})
        return cursor.fetchall()


def summary(store) -> list[tuple]:
    return list(
        DailySales.objects.filter(store=store, orders__gt=0)
        .order_by("day")
        .values_list("day", "currency", "orders", "gross", "refunds")
    )


def pending_order(store, *, number: str) -> Order:
    order = paid_order(store, paid_at=timezone.now(), number=number)
    Order.objects.filter(pk=order.pk).update(status="pending_payment", payment_status="unpaid", paid_at=None)
    order.refresh_from_db()
    return order


@pytest.mark.django_db
def test_the_summary_equals_the_orders_on_local_days(store):
    store.time_zone = "America/New_York"
    store.save()
    early = paid_order(store, paid_at=datetime(2026, 3, 10, 3, 30, tzinfo=UTC))  # the 9th in New York
    paid_order(store, paid_at=datetime(2026, 3, 10, 15, 0, tzinfo=UTC), subtotal="40.00")
    refund(early, amount="10.00", at=datetime(2026, 3, 10, 3, 45, tzinfo=UTC))
    refund(early, amount="99.00", at=datetime(2026, 3, 10, 3, 50, tzinfo=UTC), status="failed")

    summarise()

    assert (
        summary(store)
        == direct(store)
        == [
            (date(2026, 3, 9), "USD", 1, Decimal("100.00"), Decimal("10.00")),
            (date(2026, 3, 10), "USD", 1, Decimal("40.00"), Decimal("0.00")),
        ]
    )


@pytest.mark.django_db
def test_past_days_are_read_from_the_summary_and_today_from_the_orders(store, roles):
    owner = staff(None, "owner@example.com", superuser=True)
    today = timezone.localdate()
    paid_order(store, paid_at=timezone.now() - timedelta(days=1, hours=1), subtotal="70.00")  # written directly
    paid_order(store, paid_at=timezone.now() - timedelta(seconds=5), subtotal="30.00")
    week = Period(today - timedelta(days=6), today)

    before = sales_summary(user=owner, period=week)[0]
    summarise()
    after = sales_summary(user=owner, period=week)[0]

    assert (before.orders, before.gross_sales) == (1, Decimal("30.00"))  # today, live; yesterday not summarised
    assert (after.orders, after.gross_sales) == (2, Decimal("100.00"))


@pytest.mark.django_db
def test_paying_and_refunding_refresh_the_summary_after_commit(store, django_capture_on_commit_callbacks):
    order = pending_order(store, number="PAY-1")

    with django_capture_on_commit_callbacks(execute=True):
        order_complete_payment(order=order)
    paid = summary(store)
    made = refund(Order.objects.get(pk=order.pk), amount="20.00", at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        order_refunded.send(sender=Order, order_id=order.pk, fully=False)

    assert paid == [(timezone.localdate(), "USD", 1, Decimal("100.00"), Decimal("0.00"))]
    first = CustomerFirstOrder.objects.get(store=store, email=order.email).first_paid_at
    assert first == Order.objects.get(pk=order.pk).paid_at  # "new or returning" knows this customer now
    assert summary(store) == direct(store) == [(timezone.localdate(), "USD", 1, Decimal("100.00"), made.amount)]


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_payments_committing_at_the_same_moment_all_reach_the_summary(store):
    orders = [pending_order(store, number=f"RACE-{i}") for i in range(6)]

    results = run_together([lambda o=o: order_complete_payment(order=o) for o in orders], atomic=True)

    assert not [r for r in results if isinstance(r, Exception)], results
    assert summary(store) == direct(store) == [(timezone.localdate(), "USD", 6, Decimal("600.00"), Decimal("0.00"))]


@pytest.mark.django_db
def test_the_rebuild_command_reports_progress_and_a_summary_and_is_repeatable(store, other_store):
    for days in (40, 3):
        paid_order(store, paid_at=timezone.now() - timedelta(days=days))
    paid_order(other_store, paid_at=timezone.now() - timedelta(days=2))
    DailySales.objects.create(store=store, day=date(2020, 1, 1), currency="USD", orders=99)  # stale

    out = io.StringIO()
    call_command("rebuild_daily_sales", stdout=out)
    call_command("rebuild_daily_sales", "--since", "2020-01-01", "--until", "2020-01-01", stdout=io.StringIO())
    first = summary(store)
    call_command("rebuild_daily_sales", stdout=io.StringIO())

    lines = out.getvalue().splitlines()
    assert lines[0].startswith(f"  {store.name}: ")
    assert lines[-1].startswith("Rebuilt the daily sales of 2 store(s): ")
    assert summary(store) == first == direct(store)
    assert len(first) == 2


@pytest.mark.django_db
def test_the_rebuild_command_refuses_bad_arguments(store):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--since"):
        call_command("rebuild_daily_sales", "--since", "2026-02-01", "--until", "2026-01-01")
    with pytest.raises(CommandError, match="No such store"):
        call_command("rebuild_daily_sales", "--store", "999999")
    assert not DailySales.objects.exists()


@pytest.mark.rls
@pytest.mark.django_db
def test_row_level_security_shows_a_stores_summary_to_its_staff_only(store, other_store):
    from commerce.core.rls import RlsContext, use_context

    for shop in (store, other_store):
        paid_order(shop, paid_at=timezone.now() - timedelta(days=1))
    summarise()

    def visible(context) -> set[int]:
        with use_context(context), connection.cursor() as cursor:
            cursor.execute(
                "SELECT store_id FROM insights_dailysales UNION SELECT store_id FROM insights_dailyproductsales"
            )
            return {row[0] for row in cursor.fetchall()}

    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user")
        assert cursor.fetchone() == (False,)  # the runtime role: policies apply
    assert visible(RlsContext(role="staff", user_id=1, store_ids=(store.pk,))) == {store.pk}
    assert visible(RlsContext(role="staff", user_id=1, store_ids=None)) == {store.pk, other_store.pk}
    assert visible(RlsContext(role="customer", user_id=1, store_ids=())) == set()
    assert visible(None) == set()
