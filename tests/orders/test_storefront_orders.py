"""A customer sees their own orders; a guest sees theirs through a signed link; nobody else's."""

import pytest

from commerce.orders.links import order_guest_path, order_guest_token
from commerce.orders.models import Order
from tests.factories import ProductPageFactory, place_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def place(store):
    variant = ProductPageFactory(store=store, title="Lamp", price="30.00", stock=10).variants.get()

    def make(customer=None, email="someone@example.com") -> Order:
        return place_order(store=store, variant=variant, customer=customer, email=email)

    return make


@pytest.fixture
def ada(django_user_model):
    return django_user_model.objects.create_user(email="ada@example.com", password="x" * 12)


@pytest.fixture
def bob(django_user_model):
    return django_user_model.objects.create_user(email="bob@example.com", password="x" * 12)


def test_history_lists_only_the_customers_own_orders(client, place, ada, bob):
    mine = place(customer=ada, email=ada.email)
    theirs = place(customer=bob, email=bob.email)
    client.force_login(ada)

    response = client.get("/account/orders/")

    assert [order.pk for order in response.context["orders"]] == [mine.pk]
    assert theirs.number not in response.content.decode()


def test_someone_elses_order_is_a_404(client, place, ada, bob):
    theirs = place(customer=bob, email=bob.email)
    client.force_login(ada)

    assert client.get(f"/account/orders/{theirs.number}/").status_code == 404


def test_own_order_detail_shows_lines_and_totals(client, place, ada):
    order = place(customer=ada, email=ada.email)
    client.force_login(ada)

    response = client.get(f"/account/orders/{order.number}/")

    assert response.status_code == 200
    assert "Lamp" in response.content.decode() and "30.00" in response.content.decode()


def test_order_pages_need_a_login(client, place):
    response = client.get("/account/orders/")

    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")


def test_a_guest_sees_their_order_through_the_signed_link_only(client, place):
    order = place()

    assert client.get(order_guest_path(order)).status_code == 200
    token = order_guest_token(order)
    assert client.get(f"/orders/view/{token[:-2]}xx/").status_code == 404
    Order.objects.filter(pk=order.pk).update(access_key="00000000-0000-0000-0000-000000000000")
    assert client.get(order_guest_path(order)).status_code == 404  # a revoked key kills old links
