"""The Orders list in the Wagtail admin: columns, filters, search, CSV export, query counts."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from commerce.core.money import Money
from commerce.orders.models import Order
from commerce.orders.services import order_mark_paid
from tests.factories import ProductPageFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("orders_order_modeladmin_index")
# Session, user and Wagtail profile; the store filter's choices (modeladmin builds its filters
# twice); the all/filtered/paginator counts; the storefront's context processors (site, store,
# locale, pages); one page of orders joined to their stores. Nothing per order.
LIST_QUERIES = 14


def listed(response) -> list[str]:
    assert response.status_code == 200
    return [order.number for order in response.context["object_list"]]


def pay(order: Order, amount: Decimal | None = None) -> Order:
    return order_mark_paid(order=order, amount=Money(amount or order.total, order.currency), reference="pi_test")


def test_the_list_shows_the_main_columns_newest_first(superuser_client, place_order):
    older = place_order(email="first@example.com", quantity=2)
    newer = place_order(email="second@example.com")

    response = superuser_client.get(LIST_URL)

    assert listed(response) == [newer.number, older.number]
    html = response.content.decode()
    for text in (older.number, "first@example.com", "Magpie Test Shop", "Pending payment", "Unpaid", "$45.00"):
        assert text in html
    assert reverse("orders_order_modeladmin_inspect", args=[older.pk]) in html


def test_a_flagged_order_is_marked(superuser_client, place_order):
    flagged = pay(place_order(email="short@example.com"), amount=Decimal("1.00"))

    html = superuser_client.get(LIST_URL).content.decode()

    assert flagged.flagged_for_review
    assert "Flagged" in html and flagged.review_reason.split(" (")[0] in html


def test_filter_by_status_and_payment_status(superuser_client, place_order):
    pending = place_order(email="pending@example.com")
    paid = pay(place_order(email="paid@example.com"))

    assert listed(superuser_client.get(LIST_URL, {"status__exact": "paid"})) == [paid.number]
    assert listed(superuser_client.get(LIST_URL, {"status__exact": "pending_payment"})) == [pending.number]
    assert listed(superuser_client.get(LIST_URL, {"payment_status__exact": "paid"})) == [paid.number]
    assert listed(superuser_client.get(LIST_URL, {"payment_status__exact": "unpaid"})) == [pending.number]


def test_filter_by_store(superuser_client, place_order, other_store):
    here = place_order(email="here@example.com")
    euro_variant = ProductPageFactory(store=other_store, price="30.00", stock=5).variants.get()
    there = place_order(email="there@example.com", variants=[euro_variant])

    response = superuser_client.get(LIST_URL, {"store__id__exact": other_store.pk})

    assert listed(response) == [there.number]
    assert "€35.00" in response.content.decode()
    assert listed(superuser_client.get(LIST_URL, {"store__id__exact": here.store_id})) == [here.number]


@pytest.mark.backoffice
@pytest.mark.api
def test_the_store_filter_offers_only_the_stores_a_member_of_staff_works_in(
    client, make_staff, place_order, store, other_store
):
    # Given a manager limited to the main store, with an order in each store and a third store
    from commerce.accounts.models import StaffProfile
    from tests.factories import StoreFactory

    third = StoreFactory(name="Third Shop", hostname="third.example.com")
    here = place_order(email="here@example.com")
    place_order(email="there@example.com", variants=[ProductPageFactory(store=other_store, stock=5).variants.get()])
    manager = make_staff("scoped@example.com", "view_order")
    StaffProfile.objects.create(user=manager, all_stores=False).stores.add(store, third)
    client.force_login(manager)

    # When they open the list
    response = client.get(LIST_URL)

    # Then the list and its store filter hold their stores only: another store's name is not shown
    assert listed(response) == [here.number]
    store_filter = next(spec for spec in response.context["view"].filter_specs if spec.field_path == "store")
    assert [name for _pk, name in store_filter.lookup_choices] == ["Magpie Test Shop", "Third Shop"]
    assert other_store.name not in response.content.decode()


def test_filter_by_flagged_for_review(superuser_client, place_order):
    fine = pay(place_order(email="fine@example.com"))
    flagged = pay(place_order(email="flagged@example.com"), amount=Decimal("1.00"))

    assert listed(superuser_client.get(LIST_URL, {"flagged_for_review__exact": "1"})) == [flagged.number]
    assert listed(superuser_client.get(LIST_URL, {"flagged_for_review__exact": "0"})) == [fine.number]


def test_filter_by_created_date_range(superuser_client, place_order):
    march = place_order(email="march@example.com")
    april = place_order(email="april@example.com")
    may = place_order(email="may@example.com")
    for order, day in (
        (march, datetime(2025, 3, 31, 23, 30)),
        (april, datetime(2025, 4, 15)),
        (may, datetime(2025, 5, 1)),
    ):
        Order.objects.filter(pk=order.pk).update(created_at=day.replace(tzinfo=UTC))

    april_only = {"created_at__date__gte": "2025-04-01", "created_at__date__lte": "2025-04-30"}
    assert listed(superuser_client.get(LIST_URL, april_only)) == [april.number]
    assert listed(superuser_client.get(LIST_URL, {"created_at__date__gte": "2025-04-01"})) == [may.number, april.number]
    assert listed(superuser_client.get(LIST_URL, {"created_at__date__lte": "2025-03-31"})) == [march.number]


def test_a_malformed_date_is_ignored_and_a_bad_filter_is_not_a_server_error(superuser_client, place_order):
    order = place_order()

    assert listed(superuser_client.get(LIST_URL, {"created_at__date__gte": "2025-02-31"})) == [order.number]
    assert listed(superuser_client.get(LIST_URL, {"store__id__exact": "not-a-number"})) == [order.number]
    response = superuser_client.get(LIST_URL, {"no_such_field": "1"})
    assert response.status_code == 302 and response["Location"] == LIST_URL


def test_search_by_order_number_and_by_email(superuser_client, place_order):
    ada = place_order(email="ada@example.com")
    bob = place_order(email="bob@example.org")

    assert listed(superuser_client.get(LIST_URL, {"q": bob.number})) == [bob.number]
    assert listed(superuser_client.get(LIST_URL, {"q": "ADA@example"})) == [ada.number]
    assert listed(superuser_client.get(LIST_URL, {"q": "example.org"})) == [bob.number]


def test_csv_export_lists_the_filtered_orders(superuser_client, place_order):
    pending = place_order(email="pending@example.com", quantity=2)
    paid = pay(place_order(email="paid@example.com"))

    response = superuser_client.get(LIST_URL, {"export": "csv"})
    filtered = superuser_client.get(LIST_URL, {"export": "csv", "status__exact": "paid"})

    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert 'filename="orders.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row["Number"] for row in rows] == [paid.number, pending.number]
    assert rows[1]["Email"] == "pending@example.com"
    assert rows[1]["Store"] == "Magpie Test Shop"
    assert (rows[1]["Status"], rows[1]["Payment Status"]) == ("Pending payment", "Unpaid")
    assert (rows[1]["Currency"], rows[1]["Total"], rows[1]["Paid"]) == ("USD", "45.00", "0.00")
    assert (rows[0]["Paid"], rows[0]["Flagged For Review"]) == ("25.00", "no")
    filtered_rows = list(csv.DictReader(io.StringIO(b"".join(filtered.streaming_content).decode())))
    assert [row["Number"] for row in filtered_rows] == [paid.number]


def test_the_list_makes_the_same_queries_for_1_and_30_orders(
    superuser_client, place_order, django_assert_max_num_queries
):
    place_order()
    superuser_client.get(LIST_URL)  # warm Wagtail's per-process caches (content types, menus)
    with django_assert_max_num_queries(LIST_QUERIES) as one:
        assert len(listed(superuser_client.get(LIST_URL))) == 1

    for i in range(29):
        place_order(email=f"shopper{i}@example.com")
    with django_assert_max_num_queries(LIST_QUERIES) as thirty:
        assert len(listed(superuser_client.get(LIST_URL))) == 30

    assert len(one.captured_queries) == len(thirty.captured_queries)
