"""What the policies cost: the staff order list under a store-scoped context, as a ratio of the
same query as the system (no filtering), in the same run on the same data."""

from __future__ import annotations

import statistics
import time

import pytest
from django.db import connection

from commerce.core.rls import RlsContext, system_context, use_context
from commerce.orders.models import Order

pytestmark = [pytest.mark.benchmark, pytest.mark.rls]

ORDERS = 4000


def insert_orders(store, other_store) -> None:
    """``ORDERS`` paid orders, alternating between the two stores, in one statement."""
    with system_context("benchmark"), connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO orders_order (number, access_key, email, status, payment_status, currency,
                prices_include_tax, subtotal, shipping_total, discount_total, tax_total, total,
                gift_card_total, amount_paid, amount_refunded, shipping_address, billing_address,
                shipping_method_code, shipping_method_name, flagged_for_review, review_reason,
                created_at, updated_at, store_id)
            SELECT (1000 + g)::text, gen_random_uuid(), 'c' || g || '@example.com', 'paid', 'paid', 'USD',
                false, 10, 0, 0, 0, 10, 0, 10, 0, '{}', '{}', 'standard', 'Standard', false, '',
                now() - make_interval(mins => g), now(), CASE WHEN g %% 2 = 0 THEN %s ELSE %s END
            FROM generate_series(1, %s) AS g
            """,
            [store.pk, other_store.pk, ORDERS],
        )
        cursor.execute("ANALYZE orders_order")


def median_ms(sql: str, params: list, runs: int = 30) -> float:
    timings = []
    with connection.cursor() as cursor:
        for _ in range(runs):
            started = time.perf_counter()
            cursor.execute(sql, params)
            cursor.fetchall()
            timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def test_the_store_scoped_order_list_costs_about_what_the_unfiltered_one_does(store, other_store):
    insert_orders(store, other_store)
    page = Order.objects.select_related("store").filter(store=store).order_by("-created_at", "-pk")[:50]
    sql, params = page.query.sql_with_params()
    manager = RlsContext(role="staff", user_id=1, store_ids=(store.pk,))

    with use_context(manager):
        scoped = median_ms(sql, list(params))
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        visible = Order.objects.count()
    unfiltered = median_ms(sql, list(params))  # the test's own context: the system

    print(f"order list: {scoped:.2f} ms scoped, {unfiltered:.2f} ms as the system, ratio {scoped / unfiltered:.2f}")
    assert visible == ORDERS // 2
    assert "Index Scan" in plan and "InitPlan" in plan
    assert scoped / unfiltered < 2.0, (scoped, unfiltered)
