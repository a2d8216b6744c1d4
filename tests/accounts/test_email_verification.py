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


def sign_up(client, django_capture_on_commit_callbacks, email="ada@example.com") -> str:
    """Sign up; returns the confirmation link from the email."""
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(SIGNUP, sign_up_data(email=email)).status_code == 302
    (message,) = [m for m in mail.outbox if "confirm your email" in m.subject]
    return re.search(r"https?://\S+/account/verify-email/\S+/", message.body).group(0)


def test_signing_up_alone_does_not_show_a_guest_order(client, store, guest_order, django_capture_on_commit_callbacks):
    link = sign_up(client, django_capture_on_commit_callbacks)

    assert link.startswith(store.site.root_url)  # built on the store's Site
    assert Order.objects.get(pk=guest_order.pk).customer_id is None
    assert guest_order.number not in client.get("/account/orders/").content.decode()


def test_the_link_shows_a_button_and_only_the_post_confirms(
    client, store, guest_order, django_capture_on_commit_callbacks
):
    path = re.sub(r"^https?://[^/]+", "", sign_up(client, django_capture_on_commit_callbacks))

    page = client.get(path)
    assert page.status_code == 200 and "Confirm my email" in page.content.decode()
    assert User.objects.get().email_verified_at is None  # a GET never writes

    response = client.post(path, follow=True)

    assert User.objects.get().email_verified_at is not None
    assert Order.objects.get(pk=guest_order.pk).customer == User.objects.get()
    assert "1 earlier order joined your account" in response.content.decode()
    assert guest_order.number in client.get("/account/orders/").content.decode()


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
