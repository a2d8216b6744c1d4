"""Issue 11: the Orders list's fulfilment, returns and discount filters, the XLSX export of the
filtered list, and exact query counts for the list (50 orders) and the order screen (20 lines)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from commerce.core.money import Money
from commerce.orders.fulfilment import FulfilLine, order_fulfil
from commerce.orders.models import Order
from commerce.orders.returns import ReturnLineRequest, return_request_create
from commerce.orders.services import order_add_event, order_mark_paid
from tests.factories import ProductPageFactory

pytestmark = [pytest.mark.django_db, pytest.mark.backoffice]

LIST_URL = reverse("orders_order_modeladmin_index")


def paid(order: Order) -> Order:
    return order_mark_paid(order=order, amount=Money(order.total, order.currency), reference="pi_test")


def listed(response) -> list[str]:
    assert response.status_code == 200
    return sorted(order.number for order in response.context["object_list"])


@pytest.fixture
def orders(place_order, superuser):
    """To fulfil, partially fulfilled, fulfilled with a return to approve, discounted, unpaid."""
    to_fulfil = paid(place_order(email="a@example.com", quantity=1))
    partial = paid(place_order(email="b@example.com", quantity=2))
    order_fulfil(order=partial, lines=[FulfilLine(partial.lines.get().pk, 1)], actor=superuser)
    returning = paid(place_order(email="c@example.com", quantity=1))
    order_fulfil(order=returning, ship_now=True, carrier="UPS", tracking_number="1Z1", actor=superuser)
    return_request_create(
        order=returning,
        lines=[ReturnLineRequest(returning.lines.get().pk, 1, "size")],
        actor=None,
        by_staff=False,
    )
    discounted = paid(place_order(email="d@example.com", quantity=1))
    Order.objects.filter(pk=discounted.pk).update(discount_total=Decimal("2.00"))
    unpaid = place_order(email="e@example.com")
    return {
        "to_fulfil": to_fulfil,
        "partial": partial,
        "returning": returning,
        "discounted": discounted,
        "unpaid": unpaid,
    }


def test_filter_by_fulfilment_returns_and_discount(superuser_client, orders):
    def numbers(*names: str) -> list[str]:
        return sorted(orders[name].number for name in names)

    assert listed(superuser_client.get(LIST_URL, {"fulfilment": "unfulfilled"})) == numbers("to_fulfil", "discounted")
    assert listed(superuser_client.get(LIST_URL, {"fulfilment": "partial"})) == numbers("partial")
    assert listed(superuser_client.get(LIST_URL, {"fulfilment": "fulfilled"})) == numbers("returning")
    assert listed(superuser_client.get(LIST_URL, {"returns": "open"})) == numbers("returning")
    assert listed(superuser_client.get(LIST_URL, {"returns": "requested"})) == numbers("returning")
    assert listed(superuser_client.get(LIST_URL, {"returns": "received"})) == []
    assert listed(superuser_client.get(LIST_URL, {"discounted": "yes"})) == numbers("discounted")
    combined = superuser_client.get(LIST_URL, {"discounted": "no", "fulfilment": "unfulfilled", "q": "a@example"})
    assert listed(combined) == numbers("to_fulfil")
    html = superuser_client.get(LIST_URL).content.decode()
    for label in ("To fulfil", "Partially fulfilled", "Any open return", "With a discount", "?export=xlsx"):
        assert label in html
    # A hand-edited value is ignored, never a server error.
    assert len(listed(superuser_client.get(LIST_URL, {"fulfilment": "bogus", "returns": "x"}))) == 5


def test_xlsx_export_of_the_filtered_list_has_numbers(superuser_client, orders):
    response = superuser_client.get(LIST_URL, {"export": "xlsx", "fulfilment": "unfulfilled"})

    assert response.status_code == 200
    assert 'filename="orders.xlsx"' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    heading = list(rows[0])
    assert heading[:2] == ["Number", "Created At"] and "Discount" in heading
    by_number = {row[0]: dict(zip(heading, row, strict=True)) for row in rows[1:]}
    assert sorted(by_number) == sorted([orders["to_fulfil"].number, orders["discounted"].number])
    row = by_number[orders["discounted"].number]
    assert (row["Currency"], row["Total"], row["Discount"], row["Refunded"]) == ("USD", 25, 2, 0)
    csv = superuser_client.get(LIST_URL, {"export": "csv", "discounted": "yes"})
    assert b"".join(csv.streaming_content).decode().count("\n") == 2  # heading and one order


@pytest.mark.benchmark
def test_the_list_of_50_orders_makes_the_same_queries_as_5(
    superuser_client, place_order, superuser, django_assert_num_queries
):
    def make(count: int) -> None:
        for i in range(count):
            order = paid(place_order(email=f"shopper{Order.objects.count()}-{i}@example.com"))
            if i % 2:
                order_fulfil(order=order, ship_now=True, carrier="UPS", tracking_number=f"1Z{i}", actor=superuser)

    make(5)
    # Session, user, Wagtail profile; the store filter's choices; the counts; the storefront's context
    # processors; one page of orders with their stores. The new filters are EXISTS clauses in that query.
    params = {"fulfilment": "unfulfilled", "returns": "", "discounted": "no"}
    superuser_client.get(LIST_URL, params)  # warm Wagtail's per-process caches
    with django_assert_num_queries(12) as five:
        superuser_client.get(LIST_URL)
    with django_assert_num_queries(12) as five_filtered:
        superuser_client.get(LIST_URL, params)
    make(45)
    with django_assert_num_queries(len(five.captured_queries)):
        assert len(superuser_client.get(LIST_URL).context["object_list"]) == 50
    with django_assert_num_queries(len(five_filtered.captured_queries)):
        superuser_client.get(LIST_URL, params)


@pytest.mark.benchmark
def test_the_order_screen_makes_the_same_queries_for_1_and_20_lines(
    superuser_client, store, place_order, superuser, django_assert_num_queries
):
    twenty = list(ProductPageFactory(store=store, variants=20, stock=10).variants.order_by("sort_order"))

    def busy_order(variants: list | None) -> Order:
        order = paid(place_order(variants=variants, quantity=2))
        lines = list(order.lines.all())
        order_fulfil(order=order, lines=[FulfilLine(line.pk, 1) for line in lines], ship_now=True, actor=superuser)
        order_fulfil(order=order, lines=None, actor=superuser)
        return_request_create(
            order=order, lines=[ReturnLineRequest(line.pk, 1, "size") for line in lines], actor=None, by_staff=False
        )
        order_add_event(order=order, type="staff_note", message="Rang the customer.", actor=superuser)
        return order

    small, large = busy_order(None), busy_order(twenty)
    url = "orders_order_modeladmin_inspect"
    superuser_client.get(reverse(url, args=[small.pk]))  # warm caches

    # The order page's fixed set: one query per prefetched relation (lines, payments, refunds, events,
    # fulfilments with their lines and order lines, returns with theirs), never one per line; shipping's
    # labels panel adds one (the order's shipments).
    with django_assert_num_queries(20) as one_line:
        assert superuser_client.get(reverse(url, args=[small.pk])).status_code == 200
    with django_assert_num_queries(len(one_line.captured_queries)):
        response = superuser_client.get(reverse(url, args=[large.pk]))

    assert len(response.context["lines"]) == 20
    html = response.content.decode()
    assert "Mark shipped" in html and "Approve" in html and "$" in html
