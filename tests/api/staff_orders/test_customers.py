"""Staff customers over the API (issue 18): the Customers screen's list and customer page, with its
permission and store scope, as the runtime role (row-level security on, no superuser)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from commerce.accounts.models import Address
from commerce.accounts.roles import CUSTOMER_SERVICE, MANAGER, MARKETER, OWNER
from commerce.orders.models import Order
from commerce.people.models import CustomerNote
from commerce.promotions.gift_cards import gift_card_issue
from tests.factories import ProductPageFactory, place_order

pytestmark = [pytest.mark.api, pytest.mark.django_db]

CUSTOMERS = "/api/v1/staff/customers/"


@pytest.fixture
def people(store, other_store, django_user_model):
    """Ada (two paid orders here, an address, a gift card and a note), Bob (an order in the other
    store only) and Cy (no orders)."""
    here = ProductPageFactory(store=store, title="Scarf", price="20.00", stock=50).variants.get()
    there = ProductPageFactory(store=other_store, title="Mug", price="8.00", stock=50).variants.get()
    ada = django_user_model.objects.create_user(email="ada@example.com", password="x" * 12, first_name="Ada")
    bob = django_user_model.objects.create_user(email="bob@example.com", password="x" * 12, first_name="Bob")
    cy = django_user_model.objects.create_user(email="cy@example.com", password="x" * 12)
    orders = [place_order(store=store, variant=here, customer=ada, email=ada.email, quantity=q) for q in (1, 2)]
    place_order(store=other_store, variant=there, customer=bob, email=bob.email)
    Order.objects.filter(pk__in=[o.pk for o in orders]).update(
        amount_paid=20, paid_at=timezone.now(), status="paid", payment_status="paid"
    )
    Address.objects.create(
        customer=ada, full_name="Ada", line1="1 Main St", city="Oslo", postal_code="0150", country="NO"
    )
    card = gift_card_issue(store=store, value=store.money(15), customer=ada, recipient_email=ada.email, actor=None)
    CustomerNote.objects.create(customer=ada, store=store, text="Prefers email")
    CustomerNote.objects.create(customer=ada, store=other_store, text="Other store's note")
    return ada, bob, cy, orders, card


def test_anonymous_callers_and_customers_are_refused(client, people):
    ada, *_ = people
    for path in (CUSTOMERS, f"{CUSTOMERS}{ada.pk}/"):
        response = client.get(path)
        assert (response.status_code, response.json()["error"]) == (403, "not_authenticated")
    client.force_login(ada)
    for path in (CUSTOMERS, f"{CUSTOMERS}{ada.pk}/"):
        assert client.get(path).status_code == 403


@pytest.mark.parametrize(("role", "status"), [(OWNER, 200), (MANAGER, 200), (CUSTOMER_SERVICE, 200), (MARKETER, 403)])
def test_who_may_see_customers(staff, people, role, status):
    client, _ = staff(role)
    ada, *_ = people
    assert client.get(CUSTOMERS).status_code == status
    assert client.get(f"{CUSTOMERS}{ada.pk}/").status_code == status


def test_the_list_is_the_store_scoped_customers_screen(staff, people, store, other_store):
    client, _ = staff(CUSTOMER_SERVICE)  # limited to the test store
    ada, bob, cy, _orders, _card = people

    def emails(**query) -> list[str]:
        response = client.get(CUSTOMERS, query)
        assert response.status_code == 200, response.json()
        return [row["email"] for row in response.json()["results"]]

    # Bob ordered only from the other store, Cy never: a store-limited member of staff sees Ada only.
    assert emails() == ["ada@example.com"]
    assert emails(q="ada") == ["ada@example.com"] and emails(q="ADA example") == ["ada@example.com"]
    assert emails(q="bob") == [] and emails(has_orders="false") == []
    assert emails(store=store.pk, has_orders="true") == ["ada@example.com"]
    row = client.get(CUSTOMERS).json()["results"][0]
    assert (row["id"], row["first_name"], row["order_count"]) == (ada.pk, "Ada", 2)
    assert client.get(f"{CUSTOMERS}{bob.pk}/").status_code == 404
    assert client.get(f"{CUSTOMERS}{cy.pk}/").status_code == 404
    refused = client.get(CUSTOMERS, {"store": other_store.pk})
    assert (refused.status_code, refused.json()["field"]) == (400, "store")


def test_staff_of_every_store_see_every_customer(staff, people):
    client, user = staff(OWNER)
    user.staff_profile.stores.clear()
    user.staff_profile.all_stores = True
    user.staff_profile.save()
    assert [row["email"] for row in client.get(CUSTOMERS).json()["results"]] == [
        "ada@example.com",
        "bob@example.com",
        "cy@example.com",
    ]


def test_the_detail_is_the_customer_page(staff, people, store):
    client, _ = staff(MANAGER)
    ada, _bob, _cy, orders, card = people

    body = client.get(f"{CUSTOMERS}{ada.pk}/").json()

    assert (body["email"], body["order_count"]) == ("ada@example.com", 2)
    assert [a["city"] for a in body["addresses"]] == ["Oslo"]
    assert sorted(o["number"] for o in body["orders"]) == sorted(o.number for o in orders)
    assert body["lifetime_value"] == [{"amount": "40.00", "currency": "USD"}]
    [gift] = body["gift_cards"]
    assert gift["masked_code"] == card.masked_code and card.code not in str(body)
    assert gift["balance"] == "15.00"
    assert [n["text"] for n in body["notes"]] == ["Prefers email"]  # not the other store's


@pytest.mark.parametrize(("query", "field"), [({"has_orders": "maybe"}, "has_orders"), ({"store": "x"}, "store")])
def test_a_bad_filter_is_a_400_naming_it(staff, store, query, field):
    client, _ = staff(MANAGER)
    response = client.get(CUSTOMERS, query)
    assert (response.status_code, response.json()["field"]) == (400, field)
