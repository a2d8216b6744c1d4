"""Who may see orders in the back office, and that nothing there writes to them."""

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch, reverse

from commerce.orders.models import Order

pytestmark = pytest.mark.django_db

LIST_URL = reverse("orders_order_modeladmin_index")
ADMIN_HOME = reverse("wagtailadmin_home")


def test_staff_without_the_view_permission_is_turned_away(client, make_staff, place_order):
    order = place_order()
    client.force_login(make_staff("clerk@example.com", "change_order"))

    listing = client.get(LIST_URL)
    inspect = client.get(reverse("orders_order_modeladmin_inspect", args=[order.pk]))
    home = client.get(ADMIN_HOME)

    assert (listing.status_code, listing["Location"]) == (302, ADMIN_HOME)
    assert (inspect.status_code, inspect["Location"]) == (302, ADMIN_HOME)
    assert LIST_URL not in home.content.decode()  # no Sales > Orders menu item either


def test_staff_with_the_view_permission_lists_and_inspects(client, make_staff, place_order):
    order = place_order(email="ada@example.com")
    client.force_login(make_staff("manager@example.com", "view_order"))

    listing = client.get(LIST_URL)
    inspect = client.get(reverse("orders_order_modeladmin_inspect", args=[order.pk]))

    assert listing.status_code == 200 and order.number in listing.content.decode()
    assert inspect.status_code == 200 and "ada@example.com" in inspect.content.decode()


def test_a_visitor_is_sent_to_the_login_page(client):
    response = client.get(LIST_URL)

    assert response.status_code == 302 and reverse("wagtailadmin_login") in response["Location"]


def test_the_superuser_sees_the_sales_menu(superuser_client):
    html = superuser_client.get(ADMIN_HOME).content.decode()

    assert "Sales" in html and LIST_URL in html
    assert reverse("payments_paymentevent_modeladmin_index") in html


@pytest.mark.parametrize("action", ["create", "edit", "delete", "history"])
def test_there_is_no_view_that_writes_to_an_order(action):
    with pytest.raises(NoReverseMatch):
        reverse(f"orders_order_modeladmin_{action}")


@pytest.mark.parametrize(
    "path",
    ["/admin/orders/order/create/", "/admin/orders/order/edit/{pk}/", "/admin/orders/order/delete/{pk}/"],
)
def test_add_edit_and_delete_urls_are_not_found_even_for_a_superuser(superuser_client, place_order, path):
    order = place_order()

    get = superuser_client.get(path.format(pk=order.pk))
    post = superuser_client.post(path.format(pk=order.pk), {"email": "changed@example.com"})

    assert (get.status_code, post.status_code) == (404, 404)
    order.refresh_from_db()
    assert order.email == "ada@example.com"
    assert Order.objects.count() == 1


def test_the_list_offers_no_add_edit_or_delete_buttons(superuser_client, place_order):
    place_order()

    html = superuser_client.get(LIST_URL).content.decode()

    assert "/admin/orders/order/create/" not in html
    assert "/admin/orders/order/edit/" not in html
    assert "/admin/orders/order/delete/" not in html
