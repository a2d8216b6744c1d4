"""The admin home's "Returns waiting" panel: who sees it, what it lists (oldest first, linked to the
order screen), only the staff member's stores, and a query count that does not grow."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from commerce.accounts.roles import CUSTOMER_SERVICE, MANAGER, MARKETER, OWNER
from commerce.insights.order_panels import order_url
from commerce.insights.return_panels import returns_waiting
from commerce.orders.fulfilment_models import ReturnLine, ReturnRequest
from tests.insights.conftest import a_return, client_for, paid_order, staff

pytestmark = [pytest.mark.django_db, pytest.mark.reports]


@pytest.fixture
def waiting(store, other_store):
    """Store 1: a return requested 3 days ago, one approved yesterday, one received and one rejected;
    store 2: a return requested 5 days ago."""
    now = timezone.now()
    made = {}
    for key, shop, days, steps in (
        ("requested", store, 3, ("requested",)),
        ("approved", store, 1, ("requested", "approved")),
        ("received", store, 4, ("requested", "approved", "received")),
        ("rejected", store, 6, ("requested", "rejected")),
        ("berlin", other_store, 5, ("requested",)),
    ):
        order = paid_order(shop, paid_at=now - timedelta(days=7), number=f"R-{key}", quantity=3)
        at = now - timedelta(days=days)
        made[key] = a_return(order, sequence=1, at=at, steps=dict.fromkeys(steps, at), units=2, reason="size")
    return made


@pytest.mark.parametrize("role, sees", [(OWNER, True), (MANAGER, True), (CUSTOMER_SERVICE, True), (MARKETER, False)])
def test_roles_that_may_view_orders_see_the_panel(roles, waiting, role, sees):
    home = client_for(staff(role, f"{role.replace(' ', '')}@example.com")).get(reverse("wagtailadmin_home"))

    body = home.content.decode()
    assert home.status_code == 200
    assert ("returns-panel-heading" in body) is sees
    assert ("R-requested" in body) is sees


def test_waiting_returns_equal_sql_oldest_first_in_the_managers_stores(roles, waiting, store):
    manager = staff(MANAGER, "manager@example.com", stores=[store])
    owner = staff(OWNER, "owner@example.com")

    mine, everyone = returns_waiting(user=manager), returns_waiting(user=owner)
    page = client_for(manager).get(reverse("wagtailadmin_home")).content.decode()
    body = page[page.index('id="returns-panel-heading"') :].split("</section>")[0]

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT o.store_id, count(*) FROM orders_returnrequest r JOIN orders_order o ON o.id = r.order_id"
            " WHERE r.status IN ('requested', 'approved') GROUP BY 1"
        )
        direct = dict(cursor.fetchall())
    assert mine.total == direct[store.pk] == 2
    assert everyone.total == sum(direct.values()) == 3
    assert [r.order_number for r in mine.oldest] == ["R-requested", "R-approved"]
    assert [r.order_number for r in everyone.oldest] == ["R-berlin", "R-requested", "R-approved"]
    assert mine.oldest[0].units == 2 and mine.oldest[1].status == "Approved"
    link = order_url(waiting["requested"].order_id)
    assert link and f'href="{link}"' in body
    assert "R-berlin" not in body and "R-received" not in body and "R-rejected" not in body


@pytest.mark.benchmark
def test_the_panel_reads_two_queries_however_many_returns_wait(roles, store):
    owner = staff(OWNER, "owner@example.com")
    order = paid_order(store, paid_at=timezone.now(), number="MANY", quantity=500)
    line = order.lines.get()
    counts = []
    for total in (3, 120):
        made = ReturnRequest.objects.count()
        requests = ReturnRequest.objects.bulk_create(
            ReturnRequest(order=order, sequence=i + 1) for i in range(made, total)
        )
        ReturnLine.objects.bulk_create(
            ReturnLine(return_request=r, order_line=line, quantity=1, reason="size") for r in requests
        )
        with CaptureQueriesContext(connection) as queries:
            result = returns_waiting(user=owner)
        counts.append(len([q for q in queries if "orders_returnrequest" in q["sql"]]))
        assert result.total == total and len(result.oldest) == min(total, 8)
    assert counts == [2, 2]
