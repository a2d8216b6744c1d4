"""The Customers screens: list (search, filters, CSV), the customer page, notes, the JSON data
export and anonymisation; what each role may do; staff limited to a store see only its customers."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest
from django.contrib.auth import authenticate
from django.test import Client
from django.urls import reverse
from wagtail.models import ModelLogEntry

from commerce.accounts.models import Address, User
from commerce.accounts.roles import CUSTOMER_SERVICE, MANAGER, MARKETER, OWNER
from commerce.core.money import Money
from commerce.orders.models import Order, OrderLine
from commerce.people.models import CustomerNote
from commerce.people.selectors import customer_page
from tests.people.conftest import PASSWORD, client_for

pytestmark = [pytest.mark.django_db, pytest.mark.backoffice]

LIST = reverse("people_customers:index")


def detail(user: User) -> str:
    return reverse("people_customers:detail", args=[user.pk])


def export_url(user: User) -> str:
    return reverse("people_customers:export", args=[user.pk])


def anonymise_url(user: User) -> str:
    return reverse("people_customers:anonymise", args=[user.pk])


@pytest.fixture
def ada(customer_factory, buy, store, other_store):
    """A customer with two paid orders in the USD store, one refunded in part, one in the EUR store,
    an address and an unpaid order."""
    ada = customer_factory("ada@example.com", "Ada", "Lovelace")
    buy(ada, price="20.00")
    refunded = buy(ada, price="30.00")
    Order.objects.filter(pk=refunded.pk).update(amount_refunded=Decimal("5.00"))
    buy(ada, store=other_store, price="12.50")
    buy(ada, price="99.00", paid=False)
    Address.objects.create(
        customer=ada,
        full_name="Ada Lovelace",
        line1="12 St James's Square",
        city="London",
        postal_code="SW1Y 4JH",
        country="GB",
    )
    return ada


# --- The permission matrix ----------------------------------------------------------------------

# role → what it may do: list/page, add a note, export, anonymise
MATRIX = {
    OWNER: {"view": True, "note": True, "export": True, "anonymise": True},
    MANAGER: {"view": True, "note": True, "export": True, "anonymise": True},
    CUSTOMER_SERVICE: {"view": True, "note": True, "export": True, "anonymise": False},
    MARKETER: {"view": False, "note": False, "export": False, "anonymise": False},
}


@pytest.mark.parametrize("role", list(MATRIX))
def test_permission_matrix(member, ada, store, role):
    allowed = MATRIX[role]
    client = client_for(member(role))

    def ok(response) -> bool:
        assert response.status_code in (200, 302, 403), response.status_code
        return response.status_code == 200 or (
            response.status_code == 302 and "/login/" not in response["Location"] and response["Location"] != "/admin/"
        )

    assert ok(client.get(LIST)) is allowed["view"]
    assert ok(client.get(detail(ada))) is allowed["view"]

    note = client.post(detail(ada), {"store": store.pk, "text": "Prefers email"})
    assert CustomerNote.objects.exists() is allowed["note"]
    assert (note.status_code == 302 and note["Location"] == detail(ada)) is allowed["note"]

    exported = client.post(export_url(ada))
    assert (exported.status_code == 200 and exported["Content-Type"].startswith("application/json")) is allowed[
        "export"
    ]

    client.post(anonymise_url(ada), {"confirm": "yes"})
    ada.refresh_from_db()
    assert (ada.email != "ada@example.com") is allowed["anonymise"]


def test_the_customers_menu_item_shows_for_who_may_see_customers(member, store):
    assert "Customers" in client_for(member(CUSTOMER_SERVICE)).get("/admin/").content.decode()
    assert (
        'href="/admin/customers/"'
        not in client_for(member(MARKETER, email="m@example.com")).get("/admin/").content.decode()
    )


# --- The list -----------------------------------------------------------------------------------


def test_the_list_searches_email_and_name_and_filters(owner, ada, customer_factory, buy, other_store):
    grace = customer_factory("grace@example.com", "Grace", "Hopper")
    buy(grace, store=other_store)
    customer_factory("nobody@example.com", "No", "Orders")
    member_staff = User.objects.get(email="owner@example.com")
    client = client_for(owner)

    def emails(**params) -> list[str]:
        response = client.get(LIST, params)
        assert response.status_code == 200
        return [user.email for user in response.context["object_list"]]

    assert emails() == ["ada@example.com", "grace@example.com", "nobody@example.com"]  # no staff
    assert member_staff.email not in emails()
    assert emails(q="lovelace") == ["ada@example.com"]
    assert emails(q="GRACE@") == ["grace@example.com"]
    assert emails(q="grace hopper") == ["grace@example.com"]
    assert emails(has_orders="true") == ["ada@example.com", "grace@example.com"]
    assert emails(has_orders="false") == ["nobody@example.com"]
    assert emails(store=other_store.pk) == ["ada@example.com", "grace@example.com"]


def test_the_csv_export_is_the_filtered_list(owner, ada, customer_factory):
    customer_factory("nobody@example.com", "No", "Orders")

    response = client_for(owner).get(LIST, {"has_orders": "true", "export": "csv"})

    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [(r["Email"], r["First name"], r["Orders"]) for r in rows] == [("ada@example.com", "Ada", "4")]


def test_a_store_limited_member_of_staff_sees_only_their_stores_customers(
    member, store, other_store, customer_factory, buy
):
    ours = customer_factory("ours@example.com")
    theirs = customer_factory("theirs@example.com")
    both = customer_factory("both@example.com")
    buy(ours)
    buy(theirs, store=other_store)
    buy(both)
    buy(both, store=other_store)
    agent = client_for(member(CUSTOMER_SERVICE, stores=[store]))

    listing = agent.get(LIST)

    assert [u.email for u in listing.context["object_list"]] == ["both@example.com", "ours@example.com"]
    assert {u.email: u.order_count for u in listing.context["object_list"]} == {
        "both@example.com": 1,
        "ours@example.com": 1,
    }
    assert agent.get(detail(theirs)).status_code == 404
    assert agent.post(export_url(theirs)).status_code == 404
    page = agent.get(detail(both))
    assert [o.store_id for o in page.context["page"].orders] == [store.pk]


# --- The customer page --------------------------------------------------------------------------


def test_the_customer_page_shows_orders_lifetime_value_per_currency_addresses_and_notes(owner, ada, store):
    client = client_for(owner)
    client.post(detail(ada), {"store": store.pk, "text": "Called about a late parcel"})

    response = client.get(detail(ada))

    assert response.status_code == 200
    page = response.context["page"]
    # paid orders only, net of refunds, one figure per currency (never summed across them)
    assert page.lifetime_value == [Money(Decimal("12.50"), "EUR"), Money(Decimal("45.00"), "USD")]
    assert len(page.orders) == 4
    html = response.content.decode()
    assert "12 St James" in html and "Called about a late parcel" in html
    note = CustomerNote.objects.get()
    assert (note.author, note.store) == (owner, store)


def test_an_empty_note_is_a_form_error_and_nothing_is_saved(owner, ada, store):
    response = client_for(owner).post(detail(ada), {"store": store.pk, "text": "   "})

    assert response.status_code == 400
    assert not CustomerNote.objects.exists()


def test_a_note_for_another_store_is_refused(member, ada, store, other_store):
    agent = client_for(member(CUSTOMER_SERVICE, stores=[store]))

    response = agent.post(detail(ada), {"store": other_store.pk, "text": "Not my store"})

    assert response.status_code == 400
    assert not CustomerNote.objects.exists()


# --- Export and anonymisation -------------------------------------------------------------------


def test_the_json_export_holds_the_account_addresses_and_orders(owner, ada):
    client = client_for(owner)
    assert client.get(export_url(ada)).status_code == 200  # the confirmation page
    assert not ModelLogEntry.objects.filter(action="magpie.customer.export").exists()  # a GET writes nothing

    response = client.post(export_url(ada))

    assert response["Content-Disposition"] == f'attachment; filename="customer-{ada.pk}.json"'
    data = json.loads(response.content)
    assert set(data) == {"format", "version", "exported_at", "account", "addresses", "orders"}
    assert data["account"]["email"] == "ada@example.com"
    assert data["addresses"][0]["city"] == "London"
    assert len(data["orders"]) == 4
    order = data["orders"][0]
    assert set(order) >= {"store", "number", "currency", "total", "lines", "shipping_address", "status"}
    assert order["lines"][0]["quantity"] == 1 and order["lines"][0]["unit_price"] == "20.00"
    entry = ModelLogEntry.objects.get(action="magpie.customer.export")
    assert (entry.user_id, entry.object_id) == (owner.pk, str(ada.pk))


def test_anonymising_erases_the_person_and_keeps_order_totals_and_lines(member, ada):
    manager = member(MANAGER)
    totals_before = sorted(Order.objects.filter(customer=ada).values_list("number", "currency", "total", "amount_paid"))
    lines_before = sorted(OrderLine.objects.filter(order__customer=ada).values_list("sku", "quantity", "line_total"))
    ada_session = Client()
    ada_session.force_login(ada)
    client = client_for(manager)

    assert client.post(anonymise_url(ada), {}).status_code == 400  # the box must be ticked
    assert User.objects.get(pk=ada.pk).email == "ada@example.com"
    response = client.post(anonymise_url(ada), {"confirm": "yes"})

    assert response.status_code == 302
    ada.refresh_from_db()
    assert ada.email == f"anonymised-{ada.pk}@anonymised.invalid"
    assert (ada.first_name, ada.last_name, ada.is_active, ada.has_usable_password()) == ("", "", False, False)
    assert not Address.objects.filter(customer=ada).exists()
    orders = Order.objects.filter(customer=ada)
    assert {(o.email, bool(o.shipping_address)) for o in orders} == {(ada.email, False)}
    assert sorted(orders.values_list("number", "currency", "total", "amount_paid")) == totals_before
    assert (
        sorted(OrderLine.objects.filter(order__customer=ada).values_list("sku", "quantity", "line_total"))
        == lines_before
    )
    assert authenticate(username="ada@example.com", password=PASSWORD) is None
    assert ada_session.get(reverse("accounts:detail")).status_code == 302  # signed out everywhere
    entry = ModelLogEntry.objects.get(action="magpie.customer.anonymise")
    assert (entry.user_id, entry.data["orders"]) == (manager.pk, 4)


def test_anonymising_by_a_store_limited_manager_erases_every_stores_copy(member, ada, store, other_store):
    manager = member(MANAGER, stores=[store], email="manager-a@example.com")

    client_for(manager).post(anonymise_url(ada), {"confirm": "yes"})

    assert not Order.objects.filter(store=other_store, email="ada@example.com").exists()


def test_a_staff_account_is_not_anonymised(owner, member):
    agent = member(CUSTOMER_SERVICE)

    assert client_for(owner).post(anonymise_url(agent), {"confirm": "yes"}).status_code == 404
    agent.refresh_from_db()
    assert agent.email == "customer-service@example.com"


# --- Query counts -------------------------------------------------------------------------------


def _customers(count: int, customer_factory, buy, store, other_store) -> None:
    for n in range(count):
        customer = customer_factory(f"c{n:03}@example.com", f"First{n}", "Last")
        buy(customer)
        buy(customer, store=other_store if n % 2 else store)


@pytest.mark.benchmark
@pytest.mark.parametrize("count", [3, 40])
def test_the_customers_list_query_count_does_not_grow(
    owner, member, customer_factory, buy, store, other_store, count, django_assert_num_queries
):
    _customers(count, customer_factory, buy, store, other_store)
    client = client_for(owner)
    client.get(LIST)  # warm caches (content types, permissions)

    with django_assert_num_queries(16):
        response = client.get(LIST)

    assert response.status_code == 200
    assert len(response.context["object_list"]) == min(count, 20)  # a page of 20
    assert response.context["paginator"].count == count


@pytest.mark.benchmark
@pytest.mark.parametrize("orders", [1, 12])
def test_the_customer_page_query_count_does_not_grow(
    owner, customer_factory, buy, store, orders, django_assert_num_queries
):
    customer = customer_factory("many@example.com")
    for _ in range(orders):
        buy(customer)
    client = client_for(owner)
    client.get(detail(customer))

    with django_assert_num_queries(22):
        response = client.get(detail(customer))

    assert len(response.context["page"].orders) == orders


def test_customer_page_selector_totals_per_currency(owner, ada):
    page = customer_page(owner, ada)

    assert {m.currency for m in page.lifetime_value} == {"USD", "EUR"}
