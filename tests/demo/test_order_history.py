"""Issue 13: seed_demo gives each store a year of orders once; --orders N adds exactly N in bulk,
each paid, with a line, refunds within what was paid, and the metrics agree with SQL."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from commerce.accounts.models import User
from commerce.insights.metrics import customer_mix, sales_summary
from commerce.insights.metrics_scope import Period
from commerce.orders.models import Order, OrderLine
from demo.order_history import HISTORY_PER_STORE, orders_bulk_add
from demo.seed import demo_main_store
from tests.demo.conftest import TEST_IMAGE_SIZE

pytestmark = [pytest.mark.django_db, pytest.mark.reports]


def test_each_store_gets_a_year_of_history_once(seeded):
    assert seeded.count("Order history for") == 2
    assert seeded.count("Daily sales summary for") == 2
    per_store = dict(Order.objects.values_list("store__name").annotate(n=Count("pk")).order_by())
    assert sorted(per_store.values()) == [HISTORY_PER_STORE, HISTORY_PER_STORE]

    output = StringIO()
    call_command("seed_demo", "--image-size", str(TEST_IMAGE_SIZE), stdout=output)

    assert "Order history" not in output.getvalue()
    assert "Daily sales summary" not in output.getvalue()  # already there: nothing rebuilt
    assert Order.objects.count() == 2 * HISTORY_PER_STORE


def test_orders_n_adds_exactly_n_consistent_orders_with_progress(seeded):
    before = Order.objects.count()
    output = StringIO()

    call_command("seed_demo", "--image-size", str(TEST_IMAGE_SIZE), "--orders", "2345", stdout=output)

    assert Order.objects.count() == before + 2345
    lines = output.getvalue().strip().splitlines()
    assert "2,345/2,345 orders" in output.getvalue()
    assert lines[-2].startswith("Added 2,345 orders to Magpie Outfitters in 1 batches")
    assert lines[-1].startswith("Daily sales summary for Magpie Outfitters: ")
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM orders_orderline l WHERE l.order_id = o.id)),
                      count(*) FILTER (WHERE o.amount_refunded > o.amount_paid + o.gift_card_total),
                      count(*) FILTER (WHERE o.paid_at IS NULL OR o.paid_at > now()),
                      count(*) FILTER (WHERE o.amount_refunded > 0),
                      count(DISTINCT o.email)
                 FROM orders_order o"""
        )
        no_line, over_refunded, unpaid, refunded, customers = cursor.fetchone()
    assert (no_line, over_refunded, unpaid) == (0, 0, 0)
    statuses = set(Order.objects.values_list("status", flat=True))
    assert {"fulfilled", "paid", "refunded", "partially_refunded"} <= statuses
    with connection.cursor() as cursor:  # what shipped is on record as fulfilments, unit for unit
        cursor.execute(
            """SELECT count(*) FILTER (WHERE l.quantity_fulfilled <> coalesce(
                          (SELECT sum(fl.quantity) FROM orders_fulfilmentline fl WHERE fl.order_line_id = l.id), 0)),
                      count(*) FILTER (WHERE l.quantity_fulfilled > 0)
                 FROM orders_orderline l"""
        )
        unrecorded, shipped_lines = cursor.fetchone()
    assert unrecorded == 0 and shipped_lines > 0
    assert refunded > 0 and customers < Order.objects.count()
    owner = User.objects.create_superuser(email="owner@example.com", password="x" * 12)
    today = timezone.localdate()
    year = Period(today - timedelta(days=364), today)
    total_orders = sum(row.orders for row in sales_summary(user=owner, period=year))
    assert total_orders == Order.objects.count()  # the past from the summary seed_demo rebuilt, today live
    assert customer_mix(user=owner, period=year).returning_customers > 0


def test_bulk_orders_leave_planner_statistics_that_count_them(seeded):
    """The rows are written in bulk inside the caller's transaction and their tables analysed at
    once (as the owner, through ``magpie_analyze``): the summary rebuild and the reports that come
    next plan for thousands of rows. Stale statistics (``reltuples`` 0 over hundreds of pages,
    read as one row) made them nest loops into the reports' statement timeout."""
    orders_bulk_add(store=demo_main_store(), count=700)

    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, reltuples FROM pg_class WHERE relname IN ('orders_order', 'orders_orderline')")
        estimated = dict(cursor.fetchall())
    assert estimated == {"orders_order": Order.objects.count(), "orders_orderline": OrderLine.objects.count()}
