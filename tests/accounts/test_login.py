import re

import pytest
from django.core import mail
from django.urls import reverse

from commerce.cart.models import Cart
from commerce.cart.services import cart_add_line, cart_create
from commerce.core.rls.middleware import CART_TOKENS_KEY
from tests.accounts.conftest import PASSWORD, logged_in_user_id
from tests.factories import ProductPageFactory

LOGIN = reverse("accounts:login")
LOGOUT = reverse("accounts:logout")
DETAIL = reverse("accounts:detail")


def test_log_in_page_labels_the_username_email(client, store):
    response = client.get(LOGIN)

    html = response.content.decode()
    assert response.status_code == 200
    assert '<label for="id_username">Email</label>' in html
    assert 'type="email"' in html
    assert 'autocomplete="current-password"' in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_log_in_with_the_email_in_another_case(client, customer):
    response = client.post(LOGIN, {"username": "ADA.lovelace@EXAMPLE.com", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == DETAIL
    assert logged_in_user_id(client) == customer.pk


def test_log_in_with_a_wrong_password_is_a_form_error(client, customer):
    response = client.post(LOGIN, {"username": customer.email, "password": "not-the-password"})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert logged_in_user_id(client) is None


def test_log_in_follows_a_safe_next(client, customer):
    response = client.post(f"{LOGIN}?next=/checkout/", {"username": customer.email, "password": PASSWORD})

    assert response["Location"] == "/checkout/"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "https:evil.example"])
def test_log_in_refuses_an_open_redirect(client, customer, target):
    response = client.post(LOGIN, {"username": customer.email, "password": PASSWORD, "next": target})

    assert response["Location"] == DETAIL
    assert logged_in_user_id(client) == customer.pk


def test_account_pages_send_visitors_to_log_in(client, store):
    for name in ("accounts:detail", "accounts:addresses", "accounts:address_add", "accounts:password_change"):
        url = reverse(name)
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"{LOGIN}?next={url}"


def test_account_page_greets_the_customer_and_links_their_orders_and_addresses(client, customer):
    client.force_login(customer)

    html = client.get(DETAIL).content.decode()

    assert "Hello, Ada" in html
    assert customer.email in html
    assert 'href="/account/orders/"' in html
    assert f'href="{reverse("accounts:addresses")}"' in html
    assert f'<form method="post" action="{LOGOUT}">' in html


def test_log_out_answers_get_with_405_and_keeps_the_session(client, customer):
    client.force_login(customer)

    response = client.get(LOGOUT)

    assert response.status_code == 405
    assert logged_in_user_id(client) == customer.pk


def test_log_out_by_post(client, customer):
    client.force_login(customer)

    response = client.post(LOGOUT)

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert logged_in_user_id(client) is None


def test_log_out_refuses_an_open_redirect(client, customer):
    client.force_login(customer)

    response = client.post(LOGOUT, {"next": "https://evil.example/"})

    assert response["Location"] == "/"


@pytest.mark.parametrize("via", ["login", "signup"])
def test_the_visitors_cart_joins_the_customers_cart(client, store, customer, via):
    # Given a visitor with 2 of a product in their cart, and a customer cart holding 1 of it
    variant = ProductPageFactory(store=store, stock=10).variants.get()
    visitor_cart = cart_create(store=store)
    cart_add_line(cart=visitor_cart, variant_id=variant.pk, quantity=2)
    session = client.session
    session[f"magpie.cart.{store.pk}"] = str(visitor_cart.token)
    session[CART_TOKENS_KEY] = [str(visitor_cart.token)]  # what cart.session grants with the cart
    session.save()
    if via == "login":
        user = customer
        cart_add_line(cart=cart_create(store=store, customer=customer), variant_id=variant.pk, quantity=1)
        expected = 3
        client.post(LOGIN, {"username": "ada.lovelace@example.com", "password": PASSWORD})
    else:
        expected = 2
        client.post(
            reverse("accounts:signup"),
            {
                "email": "nia@example.com",
                "first_name": "Nia",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
        )
        # signing up mails a link; confirming it (same browser) signs the customer in
        link = re.search(r"http://testserver(/account/signup/confirm/\S+)", mail.outbox[-1].body).group(1)
        client.post(link)
        user = customer.__class__.objects.get(email="nia@example.com")

    # Then the lines are in the customer's cart and the visitor's cart is gone
    cart = Cart.objects.get(store=store, customer=user)
    assert [(line.variant_id, line.quantity) for line in cart.lines.all()] == [(variant.pk, expected)]
    assert not Cart.objects.filter(pk=visitor_cart.pk).exists()
    assert f"magpie.cart.{store.pk}" not in client.session
    assert logged_in_user_id(client) == user.pk
