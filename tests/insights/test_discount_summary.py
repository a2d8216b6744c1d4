"""Issue 13: the Discounts report reads past days from its daily summary and today from the
redemptions — and still equals a direct SQL aggregate on the redemptions: two currencies and time
zones, local-midnight boundaries, a released use, a store-limited manager; refreshed after a payment
and a release commit, rebuilt by the command, with query counts that do not grow with the orders."""

from __future__ import annotations

import io
import zoneinfo
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from commerce.accounts.roles import MANAGER
from commerce.insights.metrics_scope import Period
from commerce.insights.models import DailyDiscountSales
from commerce.insights.promotion_metrics import discount_usage
from commerce.orders.models import Order
from commerce.orders.services import order_complete_payment
from commerce.orders.signals import order_refunded
from commerce.promotions.discounts import discounts_release
from commerce.promotions.models import Discount, DiscountRedemption
from tests.insights.conftest import paid_order, paid_orders_up_to, staff, summarise

pytestmark = [pytest.mark.django_db, pytest.mark.reports]

DISCOUNTS_SQL = """
SELECT o.currency, d.name, count(*), sum(r.amount), sum(r.shipping_amount), sum(o.subtotal)
  FROM promotions_discountredemption r JOIN orders_order o ON o.id = r.order_id
  JOIN promotions_discount d ON d.id = r.discount_id JOIN stores_store s ON s.id = o.store_id
 WHERE NOT r.released AND o.paid_at IS NOT NULL AND o.store_id = ANY(%(stores)s)
   AND (o.paid_at AT TIME ZONE s.time_zone)::date BETWEEN %(start)s AND %(end)s
 GROUP BY o.currency, d.id, d.name ORDER BY 1, 4 DESC, 2, d.id
"""


def direct_discounts(period: Period, stores) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(DISCOUNTS_SQL, {"stores": [s.pk for s in stores], "start": period.start, "end": period.end})
        return cursor.fetchall()


def discounts_of(user, period: Period, **kwargs) -> list[tuple]:
    return [
        (r.currency, r.name, r.uses, r.cost, r.shipping_cost, r.order_sales)
        for r in discount_usage(user=user, period=period, **kwargs)
    ]


def today_in(store) -> date:
    return timezone.now().astimezone(zoneinfo.ZoneInfo(store.time_zone)).date()


def local(store, day: date, hour: int = 0, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), zoneinfo.ZoneInfo(store.time_zone))


def used(discount: Discount, order: Order, amount: str, *, shipping: str = "0.00", released: bool = False):
    return DiscountRedemption.objects.create(
        discount=discount,
        order=order,
        email=order.email,
        label=discount.name,
        amount=Decimal(amount),
        shipping_amount=Decimal(shipping),
        released=released,
    )


def discounted(store, at: datetime, discount: Discount, amount: str, *, subtotal: str = "100.00", **kwargs) -> Order:
    made = paid_order(store, paid_at=at, subtotal=subtotal, discount=amount)
    used(discount, made, amount, **kwargs)
    return made


@pytest.fixture
def history(store, other_store):
    """New York (USD) and Berlin (EUR): a week of discounted orders either side of local midnights,
    one use released, summarised; then today's uses written after the summary (read live)."""
    store.time_zone, other_store.time_zone = "America/New_York", "Europe/Berlin"
    store.save()
    other_store.save()
    start = min(today_in(store), today_in(other_store)) - timedelta(days=6)
    period = Period(start, max(today_in(store), today_in(other_store)))
    day = {n: start + timedelta(days=n) for n in range(6)}
    spring = Discount.objects.create(store=store, name="Spring", value=Decimal("10"))
    ship = Discount.objects.create(store=store, name="Free shipping", value=Decimal("5"))
    berlin = Discount.objects.create(store=other_store, name="Frühling", value=Decimal("10"))
    # 30 minutes before the period in New York (already the first day in UTC): outside it.
    discounted(store, local(store, start) - timedelta(minutes=30), spring, "50.00")
    discounted(store, local(store, start, 0, 30), spring, "10.00", subtotal="80.00")
    both = discounted(store, local(store, day[2], 23, 45), spring, "3.00")
    used(ship, both, "5.00", shipping="5.00")  # two discounts on one order
    discounted(store, local(store, day[3], 12), ship, "7.00", shipping="7.00", subtotal="40.00")
    discounted(store, local(store, day[4], 9), spring, "30.00", released=True)  # fully refunded
    discounted(other_store, local(other_store, start, 0, 15), berlin, "4.00")
    discounted(other_store, local(other_store, day[5], 23, 50), berlin, "6.00", subtotal="60.00")
    summarise()
    # Today's, after the summary.
    discounted(store, local(store, today_in(store)) + timedelta(seconds=1), spring, "2.00")
    discounted(other_store, local(other_store, today_in(other_store)) + timedelta(seconds=1), berlin, "1.00")
    return store, other_store, period


def test_discounts_equal_sql_over_summary_days_and_today(history, roles):
    store, other_store, period = history
    owner = staff(None, "owner@example.com", superuser=True)

    rows = discounts_of(owner, period)

    assert rows == direct_discounts(period, [store, other_store])
    assert rows == [
        ("EUR", "Frühling", 3, Decimal("11.00"), Decimal("0.00"), Decimal("260.00")),
        ("USD", "Spring", 3, Decimal("15.00"), Decimal("0.00"), Decimal("280.00")),
        ("USD", "Free shipping", 2, Decimal("12.00"), Decimal("12.00"), Decimal("140.00")),
    ]
    assert DailyDiscountSales.objects.filter(day__lt=period.end).exists()  # the past came from the summary


def test_a_period_of_past_days_only_of_today_only_and_of_one_day(history, roles):
    store, other_store, period = history
    owner = staff(None, "owner@example.com", superuser=True)
    past = Period(period.start, min(today_in(store), today_in(other_store)) - timedelta(days=1))
    today = Period(max(today_in(store), today_in(other_store)), max(today_in(store), today_in(other_store)))
    released_day = Period(period.start + timedelta(days=4), period.start + timedelta(days=4))

    for part in (past, today, released_day, Period(period.start + timedelta(days=2), period.start + timedelta(days=2))):
        assert discounts_of(owner, part) == direct_discounts(part, [store, other_store]), part
    assert discounts_of(owner, released_day) == []


def test_a_store_limited_manager_gets_only_their_stores_discounts(history, roles):
    store, other_store, period = history
    manager = staff(MANAGER, "manager@example.com", stores=[store])

    assert discounts_of(manager, period) == direct_discounts(period, [store])
    assert {c for c, *_ in discounts_of(manager, period)} == {"USD"}
    assert discounts_of(manager, period, store_ids=[other_store.pk]) == []


def summary_rows(store) -> list[tuple]:
    return list(
        DailyDiscountSales.objects.filter(store=store)
        .order_by("day", "discount_id")
        .values_list("day", "discount__name", "uses", "cost", "shipping", "sales")
    )


def test_paying_refreshes_the_day_and_a_release_takes_the_use_out_after_commit(
    store, roles, django_capture_on_commit_callbacks
):
    spring = Discount.objects.create(store=store, name="Spring", value=Decimal("10"))
    earlier = discounted(store, timezone.now() - timedelta(days=3), spring, "4.00")
    summarise()
    pending = paid_order(store, paid_at=timezone.now(), subtotal="50.00", discount="5.00")
    used(spring, pending, "5.00")
    Order.objects.filter(pk=pending.pk).update(status="pending_payment", payment_status="unpaid", paid_at=None)
    pending.refresh_from_db()
    zone = zoneinfo.ZoneInfo(store.time_zone)
    three_days_ago = earlier.paid_at.astimezone(zone).date()

    with django_capture_on_commit_callbacks(execute=True):
        order_complete_payment(order=pending)
    after_payment = summary_rows(store)
    # The use is released in its own job (the refresh after the refund may already have run).
    Order.objects.filter(pk=earlier.pk).update(status="refunded")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        released = discounts_release(order=Order.objects.get(pk=earlier.pk))

    assert after_payment == [
        (three_days_ago, "Spring", 1, Decimal("4.00"), Decimal("0.00"), Decimal("100.00")),
        (today_in(store), "Spring", 1, Decimal("5.00"), Decimal("0.00"), Decimal("50.00")),
    ]
    assert released == 1
    assert summary_rows(store) == after_payment[1:]
    owner = staff(None, "owner@example.com", superuser=True)
    week = Period(today_in(store) - timedelta(days=6), today_in(store))
    assert discounts_of(owner, week) == direct_discounts(week, [store])


def test_a_full_refund_takes_the_use_out_of_its_payment_day(store, roles, django_capture_on_commit_callbacks):
    spring = Discount.objects.create(store=store, name="Spring", value=Decimal("10"))
    kept = discounted(store, timezone.now() - timedelta(days=2), spring, "4.00")
    refunded = discounted(store, timezone.now() - timedelta(days=2), spring, "6.00")
    summarise()
    Order.objects.filter(pk=refunded.pk).update(status="refunded")

    with django_capture_on_commit_callbacks(execute=True):
        order_refunded.send(sender=Order, order_id=refunded.pk, fully=True)

    day = kept.paid_at.astimezone(zoneinfo.ZoneInfo(store.time_zone)).date()
    assert summary_rows(store) == [(day, "Spring", 1, Decimal("4.00"), Decimal("0.00"), Decimal("100.00"))]


def test_the_rebuild_recomputes_discounts_and_is_repeatable(store, other_store):
    spring = Discount.objects.create(store=store, name="Spring", value=Decimal("10"))
    berlin = Discount.objects.create(store=other_store, name="Frühling", value=Decimal("10"))
    for days, amount in ((40, "1.00"), (39, "2.00"), (3, "3.00"), (3, "4.00")):
        discounted(store, timezone.now() - timedelta(days=days), spring, amount)
    discounted(other_store, timezone.now() - timedelta(days=2), berlin, "5.00", released=True)
    DailyDiscountSales.objects.create(store=store, day=date(2020, 1, 1), currency="USD", discount=spring, uses=9)

    out = io.StringIO()
    call_command("rebuild_daily_sales", stdout=out)
    call_command("rebuild_daily_sales", "--since", "2020-01-01", "--until", "2020-01-01", stdout=io.StringIO())
    first = list(DailyDiscountSales.objects.order_by("store", "day").values_list("store", "day", "uses", "cost"))
    call_command("rebuild_daily_sales", stdout=io.StringIO())

    zone = zoneinfo.ZoneInfo(store.time_zone)
    day = {days: (timezone.now() - timedelta(days=days)).astimezone(zone).date() for days in (40, 39, 3)}
    assert out.getvalue().splitlines()[-1].startswith("Rebuilt the daily sales of 2 store(s): ")
    assert first == [
        (store.pk, day[40], 1, Decimal("1.00")),
        (store.pk, day[39], 1, Decimal("2.00")),
        (store.pk, day[3], 2, Decimal("7.00")),
    ]
    assert (
        list(DailyDiscountSales.objects.order_by("store", "day").values_list("store", "day", "uses", "cost")) == first
    )


@pytest.mark.benchmark
def test_the_discount_query_count_does_not_grow_from_10_to_1000_orders(store, other_store, roles):
    owner = staff(None, "owner@example.com", superuser=True)
    month = Period(today_in(store) - timedelta(days=29), today_in(store))
    discounts = [
        Discount.objects.create(store=shop, name=f"{shop.pk}-{n}", value=Decimal("10"))
        for shop in (store, other_store)
        for n in range(3)
    ]
    counts = []
    for total in (10, 1000):
        orders = paid_orders_up_to(
            (store, other_store), up_to=total, spread_hours=700, discount_total=2, total=8, amount_paid=8
        )
        DiscountRedemption.objects.bulk_create(
            DiscountRedemption(
                discount=discounts[(0 if order.store_id == store.pk else 3) + i % 3],
                order=order,
                email=order.email,
                label="x",
                amount=2,
                released=i % 11 == 0,
            )
            for i, order in enumerate(orders)
        )
        summarise()
        with CaptureQueriesContext(connection) as queries:
            figures = [discounts_of(owner, period) for period in (month, month.previous())]
        counts.append(len(queries))
        shops = [store, other_store]
        assert figures == [direct_discounts(p, shops) for p in (month, month.previous())]
        assert figures[0]
    # The asker's stores, the RLS context and read-only settings in a savepoint per call, then
    # the summary days and today's redemptions (the previous month: the summary only): the same for 10 or 1,000.
    assert counts == [13, 13], counts
