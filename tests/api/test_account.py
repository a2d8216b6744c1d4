"""The customer's own orders and addresses: theirs only (RLS underneath), sign-in required."""

import pytest

from commerce.accounts.models import Address
from tests.factories import ProductPageFactory, place_order

pytestmark = [pytest.mark.api, pytest.mark.django_db]


@pytest.fixture
def shoppers(store, django_user_model):
    variant = ProductPageFactory(store=store, title="Scarf", price="20.00", stock=10).variants.get()
    ann = django_user_model.objects.create_user(email="ann@example.com", password="x" * 12)
    bob = django_user_model.objects.create_user(email="bob@example.com", password="x" * 12)
    mine = place_order(store=store, variant=variant, customer=ann, email=ann.email, quantity=2)
    theirs = place_order(store=store, variant=variant, customer=bob, email=bob.email)
    Address.objects.create(
        customer=ann, full_name="Ann", line1="1 Main St", city="Portland", postal_code="97201", country="US"
    )
    return ann, mine, theirs


def test_sign_in_is_required(client, store):
    response = client.get("/api/v1/me/orders/")
    assert response.status_code == 403
    assert response.json()["error"] == "not_authenticated"


def test_a_customer_sees_their_own_orders_only(client, shoppers):
    ann, mine, theirs = shoppers
    client.force_login(ann)
    listed = client.get("/api/v1/me/orders/").json()
    assert [o["number"] for o in listed["results"]] == [mine.number]
    detail = client.get(f"/api/v1/me/orders/{mine.number}/").json()
    assert detail["total"] == "40.00" and detail["lines"][0]["quantity"] == 2
    assert client.get(f"/api/v1/me/orders/{theirs.number}/").status_code == 404


def test_a_customer_sees_their_addresses(client, shoppers):
    ann, _, _ = shoppers
    client.force_login(ann)
    assert [a["line1"] for a in client.get("/api/v1/me/addresses/").json()] == ["1 Main St"]
