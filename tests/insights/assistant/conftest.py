"""Fixture data for the assistant: two stores (USD in New York, EUR in Berlin) with paid orders in
March 2026, a refund, and staff of every role; questions resolve against TODAY."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.db import connection

from commerce.accounts.roles import CUSTOMER_SERVICE, MANAGER, MARKETER, OWNER
from commerce.insights.roles import assistant_permissions_grant
from tests.insights.conftest import paid_order, refund, staff, summarise

TODAY = date(2026, 3, 12)  # a Thursday; "this week" is 2026-03-09..12


@pytest.fixture
def assistant_roles(roles):
    from django.apps import apps

    assistant_permissions_grant(apps)  # a transactional test elsewhere may have flushed the migration's grant


@pytest.fixture
def shops(store, other_store):
    store.time_zone = "America/New_York"
    store.save()
    other_store.time_zone = "Europe/Berlin"
    other_store.save()
    first = paid_order(store, paid_at=datetime(2026, 3, 10, 15, 0, tzinfo=UTC), email="ann@example.com")
    paid_order(
        store,
        paid_at=datetime(2026, 3, 11, 3, 0, tzinfo=UTC),  # 23:00 on the 10th in New York
        email="ann@example.com",
        subtotal="40.00",
        discount="4.00",
        quantity=1,
        title="Bowl",
    )
    paid_order(
        store,
        paid_at=datetime(2026, 3, 2, 12, 0, tzinfo=UTC),
        email="bob@example.com",
        subtotal="60.00",
        quantity=3,
        title="Lamp",
    )
    paid_order(other_store, paid_at=datetime(2026, 3, 9, 23, 30, tzinfo=UTC), email="eu@example.com", subtotal="70.00")
    refund(first, amount="25.00", at=datetime(2026, 3, 10, 20, 0, tzinfo=UTC))
    summarise()
    return store, other_store


@pytest.fixture
def people(assistant_roles, store):
    return {
        "owner": staff(OWNER, "owner@example.com"),
        "manager": staff(MANAGER, "manager@example.com"),
        "limited": staff(MANAGER, "limited@example.com", stores=[store]),
        "marketer": staff(MARKETER, "marketer@example.com"),
        "service": staff(CUSTOMER_SERVICE, "service@example.com"),
    }


def sql(query: str, params: dict | list | tuple = ()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


LOCAL_DAY = "(o.paid_at AT TIME ZONE s.time_zone)::date BETWEEN %(start)s AND %(end)s AND o.store_id = ANY(%(stores)s)"
ORDERS = f"""
    SELECT o.currency, count(*), sum(o.subtotal), sum(o.discount_total), sum(o.shipping_total), sum(o.total)
      FROM orders_order o JOIN stores_store s ON s.id = o.store_id WHERE {LOCAL_DAY} GROUP BY 1 ORDER BY 1
"""
UNITS = f"""
    SELECT o.currency, sum(l.quantity) FROM orders_orderline l JOIN orders_order o ON o.id = l.order_id
      JOIN stores_store s ON s.id = o.store_id WHERE {LOCAL_DAY} GROUP BY 1
"""
REFUNDS = """
    SELECT r.currency, sum(r.amount) FROM payments_refund r JOIN orders_order o ON o.id = r.order_id
      JOIN stores_store s ON s.id = o.store_id
     WHERE r.status = 'succeeded' AND (r.created_at AT TIME ZONE s.time_zone)::date BETWEEN %(start)s AND %(end)s
       AND o.store_id = ANY(%(stores)s) GROUP BY 1
"""


@pytest.fixture
def fake_openai(settings):
    """The assistant pointed at a loopback fake OpenAI server (short timeouts, two retries)."""
    from tests.insights.assistant.fake_openai import FakeOpenAI

    fake = FakeOpenAI().start()
    settings.OPENAI_API_KEY = "sk-test-fake"
    settings.OPENAI_BASE_URL = fake.base_url
    settings.OPENAI_MODEL = "fake-model"
    settings.INSIGHTS_OPENAI_TIMEOUT_SECONDS = 1.0
    settings.INSIGHTS_OPENAI_MAX_RETRIES = 2
    settings.INSIGHTS_MAX_TOOL_ROUNDS = 3
    settings.INSIGHTS_DAILY_AI_QUESTIONS = 50
    yield fake
    fake.stop()
