"""Issue 9 §6 and §7: every emailed link is built from the store's Wagtail Site (hostname, port,
scheme), never from the request's Host; a guest's order link opens only on its own store."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse

from commerce.core.money import Money
from commerce.orders.links import order_guest_path, order_guest_token, order_guest_url
from commerce.orders.models import Order, PaymentStatus
from commerce.orders.services import order_mark_paid
from commerce.promotions.gift_cards import gift_card_issue, gift_card_send_code
from tests.factories import ProductPageFactory, place_order

pytestmark = [pytest.mark.django_db, pytest.mark.security]


@pytest.fixture
def order(store):
    variant = ProductPageFactory(store=store, title="Tote", price="20.00", stock=5).variants.get()
    return place_order(store=store, variant=variant, email="guest@example.com")


def test_order_links_carry_the_sites_port(store, order):
    store.site.port = 8000
    store.site.save()
    order = Order.objects.select_related("store__site").get(pk=order.pk)

    assert order_guest_url(order) == "http://testserver:8000" + order_guest_path(order)


def test_the_confirmation_email_links_to_the_stores_site(store, order, django_capture_on_commit_callbacks):
    store.site.port = 8000
    store.site.save()

    with django_capture_on_commit_callbacks(execute=True):
        order_mark_paid(order=order, amount=Money(Decimal("20.00"), "USD"), reference="pi_1")

    links = re.findall(r"https?://[^\s\"<]+", mail.outbox[0].body)
    assert links and all(link.startswith("http://testserver:8000/") for link in links)


def test_gift_card_emails_link_to_the_stores_site(store):
    store.site.port = 8443
    store.site.save()
    card = gift_card_issue(store=store, value=Money(Decimal("10.00"), "USD"), recipient_email="friend@example.com")

    gift_card_send_code(gift_card=card)

    assert "http://testserver:8443/gift-cards/" in mail.outbox[-1].body


def test_no_module_builds_an_absolute_link_from_a_site_or_request_itself():
    """One helper (commerce.core.links) builds emailed links: nothing else reads ``root_url``."""
    root = Path(__file__).resolve().parents[2] / "commerce"
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if path.name != "links.py" and ".root_url" in path.read_text()
    ]
    assert offenders == []


def test_a_guest_order_link_opens_only_on_its_own_store(client, store, other_store, order):
    path = order_guest_path(order)

    assert client.get(path).status_code == 200
    assert client.get(path, HTTP_HOST="second.example.com").status_code == 404


def test_the_thank_you_page_opens_only_on_its_own_store(client, store, other_store, order):
    Order.objects.filter(pk=order.pk).update(payment_status=PaymentStatus.PAID)
    path = reverse("checkout:thank_you", kwargs={"token": order_guest_token(order)})

    assert client.get(path).status_code == 200
    assert client.get(path, HTTP_HOST="second.example.com").status_code == 404


def test_sign_up_links_use_the_stores_site_not_the_host_header(client, store):
    client.post(
        "/account/signup/",
        {
            "email": "nia@example.com",
            "first_name": "Nia",
            "password1": "correct-horse-9",
            "password2": "correct-horse-9",
        },
        HTTP_HOST="evil.localhost:8000",
    )

    assert len(mail.outbox) == 1
    assert "evil" not in mail.outbox[0].body
    assert "http://testserver/account/signup/confirm/" in mail.outbox[0].body
