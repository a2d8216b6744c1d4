"""The returns metric against direct SQL on fixture data: local days per store, a store-limited
manager, per-currency money."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from commerce.accounts.roles import MANAGER
from commerce.insights.return_figures import returns_summary
from tests.insights.conftest import a_return, staff, summarise
from tests.insights.test_more_metrics import MARCH_10, sql
from tests.insights.test_more_metrics import catalogue as catalogue

pytestmark = [pytest.mark.django_db, pytest.mark.reports]

STEP_SQL = """
    SELECT o.currency, e.type, count(DISTINCT e.data->'return_request')
      FROM orders_orderevent e JOIN orders_order o ON o.id = e.order_id JOIN stores_store s ON s.id = o.store_id
     WHERE e.type LIKE 'return_%%' AND (e.created_at AT TIME ZONE s.time_zone)::date = '2026-03-10'
       AND o.store_id = ANY(%s)
     GROUP BY 1, 2 ORDER BY 1, 2
"""
UNITS_SQL = """
    SELECT o.currency, sum(l.quantity) FROM orders_returnline l
      JOIN orders_returnrequest r ON r.id = l.return_request_id JOIN orders_order o ON o.id = r.order_id
      JOIN stores_store s ON s.id = o.store_id
     WHERE r.status <> 'rejected' AND (r.created_at AT TIME ZONE s.time_zone)::date = '2026-03-10'
       AND o.store_id = ANY(%s)
     GROUP BY 1 ORDER BY 1
"""
VALUE_SQL = """
    SELECT o.currency, sum(round(ol.line_total * l.quantity / ol.quantity, 2)) FROM orders_returnline l
      JOIN orders_orderline ol ON ol.id = l.order_line_id JOIN orders_order o ON o.id = ol.order_id
      JOIN stores_store s ON s.id = o.store_id
     WHERE l.return_request_id IN (
           SELECT (e.data->>'return_request')::int FROM orders_orderevent e
            WHERE e.order_id = o.id AND e.type = 'return_refunded'
              AND (e.created_at AT TIME ZONE s.time_zone)::date = '2026-03-10')
       AND o.store_id = ANY(%s)
     GROUP BY 1 ORDER BY 1
"""


@pytest.fixture
def returns(catalogue):
    orders = catalogue["orders"]
    day = datetime(2026, 3, 10, 15, tzinfo=UTC)  # the 10th everywhere
    a_return(
        orders["lamp"],
        sequence=1,
        at=day,
        units=1,
        reason="damaged",
        steps={"requested": day, "approved": day, "received": day, "refunded": day},
    )
    a_return(orders["mug"], sequence=1, at=day, units=2, reason="size", steps={"requested": day})
    a_return(orders["mug"], sequence=2, at=day, units=1, reason="size", steps={"requested": day, "rejected": day})
    # 23:30 on the 10th in New York (the 11th in UTC): inside for New York.
    late = datetime(2026, 3, 11, 3, 30, tzinfo=UTC)
    a_return(orders["late"], sequence=1, at=late, units=1, reason="damaged", steps={"approved": late})
    # 00:30 on the 11th in Berlin (the 10th in UTC): outside for Berlin.
    a_return(
        orders["stein"],
        sequence=1,
        at=datetime(2026, 3, 10, 23, 30, tzinfo=UTC),
        units=1,
        reason="other",
        steps={"requested": datetime(2026, 3, 10, 23, 30, tzinfo=UTC)},
    )
    # In Berlin's day: received and refunded on the 10th, opened the day before.
    a_return(
        orders["stein"],
        sequence=2,
        at=datetime(2026, 3, 9, 10, tzinfo=UTC),
        units=1,
        reason="wrong_item",
        steps={"received": datetime(2026, 3, 10, 9, tzinfo=UTC), "refunded": datetime(2026, 3, 10, 9, tzinfo=UTC)},
    )
    summarise()  # March is in the past: read from the summary
    return orders


def test_returns_summary_equals_sql_per_step_and_currency_on_local_days(returns, store, other_store, roles):
    owner = staff(None, "owner@example.com", superuser=True)

    rows = returns_summary(user=owner, period=MARCH_10)

    both = [store.pk, other_store.pk]
    direct_steps = sql(STEP_SQL, [both])
    got_steps = sorted(
        (r.currency, f"return_{step}", getattr(r, step))
        for r in rows
        for step in ("requested", "approved", "received", "rejected", "refunded")
        if getattr(r, step)
    )
    assert got_steps == direct_steps
    assert [(r.currency, r.units_returned) for r in rows if r.units_returned] == sql(UNITS_SQL, [both])
    assert [(r.currency, r.refunded_value) for r in rows if r.refunded_value] == sql(VALUE_SQL, [both])
    usd = next(r for r in rows if r.currency == "USD")
    eur = next(r for r in rows if r.currency == "EUR")
    assert (usd.requested, usd.approved, usd.received, usd.rejected, usd.refunded) == (3, 2, 1, 1, 1)
    assert usd.units_returned == 4  # 1 lamp + 2 mugs + the late mug; the rejected one is out
    assert usd.refunded_value == Decimal("50.00")  # one of two lamps at 100.00
    assert [(r.reason, r.units, r.returns) for r in usd.top_reasons] == [
        ("damaged", 2, 2),
        ("size", 2, 1),
    ]  # ties: more returns first
    assert usd.top_reasons[1].label == "Does not fit"
    assert (eur.requested, eur.received, eur.refunded, eur.units_returned) == (0, 1, 1, 0)
    assert eur.refunded_value == Decimal("35.00")


def test_a_store_limited_manager_sees_only_their_stores_returns(returns, store, other_store, roles):
    manager = staff(MANAGER, "manager@example.com", stores=[store])

    rows = returns_summary(user=manager, period=MARCH_10)

    assert [r.currency for r in rows] == ["USD"]
    assert returns_summary(user=manager, period=MARCH_10, store_ids=[other_store.pk]) == []
    direct = sql(STEP_SQL, [[store.pk]])
    assert sum(n for _, _, n in direct) == sum(
        getattr(rows[0], s) for s in ("requested", "approved", "received", "rejected", "refunded")
    )


def test_the_comparison_period_reads_the_days_before(returns, roles):
    owner = staff(None, "owner@example.com", superuser=True)

    before = returns_summary(user=owner, period=MARCH_10.previous())

    # Only Berlin's return opened on the 9th counts there (its steps came on the 10th).
    assert [(r.currency, r.units_returned, r.requested, r.received) for r in before] == [("EUR", 1, 0, 0)]


# The report's page over past days only (March, with February beside it): the summary's two queries
# for each period, whatever the number of returns.
QUERIES_PAST_RETURNS = 31


@pytest.mark.benchmark
def test_the_returns_report_reads_a_fixed_number_of_queries_from_10_to_300_returns(catalogue, roles):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from commerce.accounts.roles import OWNER
    from commerce.orders.fulfilment_models import ReturnLine, ReturnRequest
    from commerce.orders.models import OrderEvent
    from tests.insights.conftest import client_for

    client = client_for(staff(OWNER, "owner@example.com"))
    orders = list(catalogue["orders"].values())
    url = reverse("insights_reports:returns") + "?start=2026-03-01&end=2026-03-31&compare=1"
    counts = []
    for total in (10, 300):
        made = ReturnRequest.objects.count()
        returns_made = ReturnRequest.objects.bulk_create(
            ReturnRequest(order=orders[i % 4], sequence=i + 1, status="refunded") for i in range(made, total)
        )
        ReturnLine.objects.bulk_create(
            ReturnLine(return_request=r, order_line=r.order.lines.get(), quantity=1, reason="size")
            for r in returns_made
        )
        events = OrderEvent.objects.bulk_create(
            OrderEvent(order=r.order, type=f"return_{step}", message=step, data={"return_request": r.pk})
            for r in returns_made
            for step in ("requested", "refunded")
        )
        OrderEvent.objects.filter(pk__in=[e.pk for e in events]).update(
            created_at=datetime(2026, 3, 10, 15, tzinfo=UTC)
        )
        ReturnRequest.objects.update(created_at=datetime(2026, 3, 10, 15, tzinfo=UTC))
        summarise()  # past days from the summary, as after each step's refresh
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(queries))
    assert sum(r.requested for r in response.context["object_list"]) == 300
    assert counts == [QUERIES_PAST_RETURNS] * 2, counts
