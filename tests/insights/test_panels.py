"""Issue 13: the admin home's orders panel — who sees it, what it counts, and only in the staff
member's stores."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from commerce.accounts.roles import CUSTOMER_SERVICE, MANAGER, MARKETER, OWNER
from commerce.insights.order_panels import orders_overview
from commerce.orders.models import Order
from tests.insights.conftest import client_for, paid_order, staff

pytestmark = [pytest.mark.django_db, pytest.mark.reports]


@pytest.fixture
def orders(store, other_store):
    """Store 1: two paid orders waiting, one fulfilled; store 2: one paid order waiting."""
    now = timezone.now()
    waiting = [paid_order(store, paid_at=now - timedelta(hours=h), number=f"US-{h}") for h in (30, 2)]
    done = paid_order(store, paid_at=now - timedelta(hours=1), number="US-DONE")
    Order.objects.filter(pk=done.pk).update(status="fulfilled")
    paid_order(other_store, paid_at=now - timedelta(hours=50), number="EU-1")
    return waiting


@pytest.mark.parametrize(
    "role, sees_orders, sees_sales",
    [(OWNER, True, True), (MANAGER, True, True), (CUSTOMER_SERVICE, True, False), (MARKETER, False, False)],
)
def test_each_role_sees_the_panels_it_is_allowed(roles, orders, role, sees_orders, sees_sales):
    home = client_for(staff(role, f"{role.replace(' ', '')}@example.com")).get(reverse("wagtailadmin_home"))

    body = home.content.decode()
    assert home.status_code == 200
    assert ("orders-panel-heading" in body) is sees_orders
    assert ("US-DONE" in body) is sees_orders
    assert ("sales-panel-heading" in body) is sees_sales


def test_orders_to_fulfil_equal_sql_and_stay_in_the_managers_store(roles, orders, store):
    manager = staff(MANAGER, "manager@example.com", stores=[store])
    owner = staff(OWNER, "owner@example.com")

    mine, everyone = orders_overview(user=manager), orders_overview(user=owner)
    body = client_for(manager).get(reverse("wagtailadmin_home")).content.decode()

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT store_id, count(*), min(paid_at) FROM orders_order"
            " WHERE status IN ('paid', 'partially_fulfilled') GROUP BY store_id"
        )
        direct = {row[0]: row[1:] for row in cursor.fetchall()}
    assert (mine.to_fulfil, mine.waiting_since) == direct[store.pk] == (2, orders[0].paid_at)
    assert everyone.to_fulfil == sum(n for n, _ in direct.values()) == 3
    assert {o.number for o in mine.recent} == {"US-30", "US-2", "US-DONE"}
    assert "EU-1" in {o.number for o in everyone.recent}
    assert "EU-1" not in body and "US-DONE" in body
