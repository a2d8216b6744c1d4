"""Guest orders join an account only once its email address is confirmed through the emailed link."""

import re

import pytest
from django.core import mail

from commerce.accounts.models import User
from commerce.accounts.verification import email_verification_token
from commerce.orders.models import Order
from tests.accounts.test_signup import SIGNUP, sign_up_data
from tests.factories import ProductPageFactory, place_order

pytestmark = [pytest.mark.django_db, pytest.mark.storefront]


@pytest.fixture
def guest_order(store):
    variant = ProductPageFactory(store=store, title="Guest mug").variants.get()
    return place_order(store=store, variant=variant, email="Ada@Example.com")


def sign_up(client, email="ada@example.com") -> str:
    """Sign up; returns the path of the one-time link the email carries."""
    assert client.post(SIGNUP, sign_up_data(email=email)).status_code == 302
    (message,) = mail.outbox
    return re.search(r"https?://[^/\s]+(/account/signup/confirm/\S+)", message.body).group(1)


def test_signing_up_alone_does_not_show_a_guest_order(client, store, guest_order):
    sign_up(client)

    assert Order.objects.get(pk=guest_order.pk).customer_id is None
    assert User.objects.get().email_verified_at is None


def test_the_sign_up_link_confirms_the_address_and_joins_the_guest_orders(client, store, guest_order):
    path = sign_up(client)

    response = client.post(path, follow=True)

    user = User.objects.get()
    assert user.is_active and user.email_verified_at is not None
    assert Order.objects.get(pk=guest_order.pk).customer == user
    assert "1 earlier order joined your account" in response.content.decode()
    assert guest_order.number in client.get("/account/orders/").content.decode()


def test_an_unconfirmed_account_asks_for_a_link_which_shows_a_button_and_only_the_post_confirms(
    client, store, guest_order
):
    user = User.objects.create_user(email="ada@example.com", password="x-long-password-1")
    client.force_login(user)
    client.post("/account/resend-confirmation/")
    (message,) = [m for m in mail.outbox if "confirm your email" in m.subject]
    link = re.search(r"https?://\S+/account/verify-email/\S+/", message.body).group(0)
    assert link.startswith(store.site.root_url)  # built on the store's Site
    path = re.sub(r"^https?://[^/]+", "", link)

    page = client.get(path)
    assert page.status_code == 200 and "Confirm my email" in page.content.decode()
    assert User.objects.get().email_verified_at is None  # a GET never writes
    assert Order.objects.get(pk=guest_order.pk).customer_id is None

    response = client.post(path, follow=True)

    assert User.objects.get().email_verified_at is not None
    assert Order.objects.get(pk=guest_order.pk).customer == user
    assert "1 earlier order joined your account" in response.content.decode()


@pytest.mark.parametrize("tamper", ["forged", "changed-email"])
def test_a_forged_or_stale_link_is_refused_and_changes_nothing(client, store, guest_order, tamper):
    user = User.objects.create_user(email="ada@example.com", password="x-long-password-1")
    token = email_verification_token(user) + "x" if tamper == "forged" else email_verification_token(user)
    if tamper == "changed-email":
        User.objects.filter(pk=user.pk).update(email="eve@example.com")

    response = client.post(f"/account/verify-email/{token}/")

    assert response.status_code == 400
    assert User.objects.get().email_verified_at is None
    assert Order.objects.get(pk=guest_order.pk).customer_id is None
