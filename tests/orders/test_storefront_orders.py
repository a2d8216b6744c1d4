"""A customer sees their own orders; a guest sees theirs through a signed link; nobody else's."""

import re

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from commerce.core.page_cache import CACHE_HEADER
from commerce.orders.links import order_guest_path, order_guest_token, order_guest_url
from commerce.orders.models import Order, PaymentStatus
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


# --- The thank-you page links to the order's page, and to no one else's ---------------------------


def thank_you_path(order: Order) -> str:
    return reverse("checkout:thank_you", kwargs={"token": order_guest_token(order)})


def paid(order: Order) -> Order:
    Order.objects.filter(pk=order.pk).update(payment_status=PaymentStatus.PAID)
    return order


def view_order_link(html: str) -> str:
    links = re.findall(r'<a class="button" href="([^"]+)">View your order</a>', html)
    assert len(links) == 1, links
    return links[0]


@pytest.mark.storefront
def test_a_guests_thank_you_page_links_to_the_emailed_order_link_which_shows_the_order(client, place):
    order = paid(place(email="gus@example.com"))

    link = view_order_link(client.get(thank_you_path(order)).content.decode())

    assert link == order_guest_path(order)
    assert order_guest_url(Order.objects.select_related("store__site").get(pk=order.pk)).endswith(link)
    order_page = Client().get(link)  # another device, with nothing but the link
    assert order_page.status_code == 200
    assert order_page.context["order"].pk == order.pk
    assert f"Order {order.number}" in order_page.content.decode() and "Lamp" in order_page.content.decode()


@pytest.mark.storefront
def test_a_signed_in_customers_thank_you_page_links_to_their_account_order_page(client, place, ada):
    order = paid(place(customer=ada, email=ada.email))
    client.force_login(ada)

    page = client.get(thank_you_path(order)).content.decode()

    link = view_order_link(page)
    assert link == f"/account/orders/{order.number}/"
    assert order_guest_path(order) not in page
    assert client.get(link).context["order"].pk == order.pk


@pytest.mark.storefront
def test_someone_signed_in_on_anothers_thank_you_page_gets_its_guest_link_not_an_account_link(client, place, ada, bob):
    order = paid(place(customer=ada, email=ada.email))
    client.force_login(bob)

    link = view_order_link(client.get(thank_you_path(order)).content.decode())

    assert link == order_guest_path(order)  # the token in the address they already hold, nothing more


@pytest.mark.storefront
def test_the_order_link_is_on_no_other_shoppers_thank_you_page(place, ada, bob):
    gus = paid(place(email="gus@example.com"))
    adas = paid(place(customer=ada, email=ada.email))
    bobs = paid(place(customer=bob, email=bob.email))
    as_gus, as_ada, as_bob = Client(), Client(), Client()
    as_ada.force_login(ada)
    as_bob.force_login(bob)

    pages = {
        gus.pk: as_gus.get(thank_you_path(gus)).content.decode(),
        adas.pk: as_ada.get(thank_you_path(adas)).content.decode(),
        bobs.pk: as_bob.get(thank_you_path(bobs)).content.decode(),
    }

    for order in (gus, adas, bobs):
        own_links = {order_guest_path(order), f"/account/orders/{order.number}/"}
        assert view_order_link(pages[order.pk]) in own_links
        for other_pk, page in pages.items():
            if other_pk != order.pk:
                assert not any(link in page for link in own_links), (order.number, other_pk)


@pytest.mark.caching
@pytest.mark.security
def test_the_thank_you_page_is_kept_by_no_cache(settings, place, ada):
    settings.MAGPIE_PAGE_CACHE_SECONDS = 300
    caches["pages"].clear()
    order = paid(place(customer=ada, email=ada.email))
    as_ada = Client()
    as_ada.force_login(ada)

    for visitor in (as_ada, Client(), Client()):  # the last two arrive with no cookies at all
        response = visitor.get(thank_you_path(order))
        assert response.status_code == 200
        assert CACHE_HEADER not in response  # the page cache neither served nor stored it
        assert {"private", "no-store"} <= {part.strip() for part in response["Cache-Control"].split(",")}
    assert f"/account/orders/{order.number}/" not in response.content.decode()  # ada's page was not reused
    caches["pages"].clear()
