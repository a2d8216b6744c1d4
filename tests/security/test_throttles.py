"""Issue 9 §1: one sliding-window throttle for every authentication and reset entry point (the
storefront's and Wagtail's admin's), keyed by account and by client; the admin is for staff only;
discount codes are throttled like gift card codes and do not tell unknown codes from dead ones."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from freezegun import freeze_time

from commerce.accounts.models import User
from commerce.promotions.models import Discount, DiscountCode
from tests.factories import ProductPageFactory

pytestmark = [pytest.mark.django_db, pytest.mark.security]

PASSWORD = "correct-horse-battery-42"
ADMIN_LOGIN = "/admin/login/"
ADMIN_RESET = "/admin/password_reset/"
JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def owner(store):
    return User.objects.create_user(email="owner@example.com", password=PASSWORD, is_staff=True, is_superuser=True)


@pytest.fixture
def shopper(store):
    return User.objects.create_user(email="shopper@example.com", password=PASSWORD)


def admin_login(client: Client, email: str, password: str, **extra):
    return client.post(ADMIN_LOGIN, {"username": email, "password": password}, **extra)


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_admin_login_stops_guessing_and_then_refuses_even_the_right_password(client, owner):
    answers = [admin_login(client, owner.email, f"wrong-{n}").status_code for n in range(30)]

    assert answers[:10] == [200] * 10
    assert set(answers[10:]) == {429}
    assert admin_login(client, owner.email, PASSWORD).status_code == 429
    assert not signed_in(client)


def test_the_account_key_holds_when_the_guesses_come_from_many_addresses(owner):
    statuses = [
        admin_login(Client(), owner.email, "wrong", REMOTE_ADDR=f"198.51.100.{n % 3}").status_code for n in range(30)
    ]

    assert statuses.count(200) == 10
    # the owner, from a fresh address, waits out the window too (documented trade-off)
    assert admin_login(Client(), owner.email, PASSWORD, REMOTE_ADDR="203.0.113.50").status_code == 429


def test_storefront_and_admin_log_in_share_one_budget_per_account(client, owner):
    for n in range(5):
        client.post("/account/login/", {"username": owner.email, "password": f"w{n}"}, REMOTE_ADDR="192.0.2.1")
    for n in range(5):
        admin_login(Client(), owner.email, f"x{n}", REMOTE_ADDR="192.0.2.2")

    assert admin_login(Client(), owner.email, "y", REMOTE_ADDR="192.0.2.3").status_code == 429


def test_the_window_slides_a_burst_at_the_edge_gets_no_second_budget(owner):
    # A fixed five-minute window aligned on the clock would reset at 10:05:00 and let ten more in.
    with freeze_time("2030-01-01 10:04:59"):
        for n in range(10):
            assert admin_login(Client(), owner.email, f"w{n}", REMOTE_ADDR=f"192.0.2.{n}").status_code == 200
    with freeze_time("2030-01-01 10:05:01"):
        refused = admin_login(Client(), owner.email, "w", REMOTE_ADDR="192.0.2.99")
        assert refused.status_code == 429
        assert 290 <= int(refused["Retry-After"]) <= 300
    with freeze_time("2030-01-01 10:10:00"):
        assert admin_login(Client(), owner.email, PASSWORD, REMOTE_ADDR="192.0.2.99").status_code == 302


def test_a_customer_cannot_sign_in_to_the_admin_and_hears_what_a_wrong_password_hears(client, shopper):
    wrong = admin_login(Client(), shopper.email, "not-the-password")
    right = admin_login(client, shopper.email, PASSWORD)

    assert right.status_code == 200
    assert not signed_in(client)
    errors = [str(e) for e in right.context["form"].non_field_errors()]
    assert errors == [str(e) for e in wrong.context["form"].non_field_errors()]
    assert errors and "didn't match" in errors[0]
    assert client.get("/account/").status_code == 302  # the storefront does not know them either


def test_staff_still_sign_in_to_the_admin(client, owner):
    assert admin_login(client, owner.email, PASSWORD).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_admin_password_reset_is_throttled(client, store):
    statuses = [client.post(ADMIN_RESET, {"email": f"nobody{n}@example.com"}).status_code for n in range(6)]

    assert statuses[:5] == [302] * 5
    assert statuses[5] == 429


def test_admin_password_reset_mails_staff_only_and_links_to_the_admin_base_url(client, owner, shopper, settings):
    settings.WAGTAILADMIN_BASE_URL = "https://admin.magpie.example"

    client.post(ADMIN_RESET, {"email": shopper.email}, HTTP_HOST="evil.localhost:8000")
    client.post(ADMIN_RESET, {"email": owner.email}, HTTP_HOST="evil.localhost:8000")

    assert [message.to for message in mail.outbox] == [[owner.email]]
    links = re.findall(r"https?://[^/\s]+", mail.outbox[0].body)
    assert links and set(links) == {"https://admin.magpie.example"}


def test_storefront_password_reset_links_use_the_stores_site_not_the_host_header(client, store, shopper):
    store.site.port = 8000
    store.site.save()

    client.post("/account/password-reset/", {"email": shopper.email}, HTTP_HOST="evil.localhost:8000")

    assert len(mail.outbox) == 1
    assert "evil" not in mail.outbox[0].body
    assert "http://testserver:8000/account/" in mail.outbox[0].body


# Discount codes ------------------------------------------------------------------------------


@pytest.fixture
def in_cart(client, store):
    variant = ProductPageFactory(store=store, title="Tote", price="20.00", stock=5).variants.get()
    client.post("/cart/add/", {"variant_id": variant.pk, "quantity": 1})
    return variant


def make_code(store, text: str, **fields) -> DiscountCode:
    discount = Discount.objects.create(
        store=store,
        name=f"{text} discount",
        kind=Discount.Kind.CODE,
        value_type=Discount.ValueType.PERCENTAGE,
        value=Decimal("10"),
        is_active=True,
        **fields,
    )
    return DiscountCode.objects.create(discount=discount, store=store, code=text)


def test_discount_code_attempts_are_throttled_with_the_one_429(client, store, in_cart):
    answers = [client.post("/cart/discount/", {"code": f"GUESS{n:04d}"}, **JSON) for n in range(11)]

    assert [a.status_code for a in answers[:10]] == [400] * 10
    refused = answers[10]
    assert refused.status_code == 429
    body = refused.json()
    assert (body["error"], body["scope"], body["field"]) == ("rate_limited", "discount_code", "code")
    assert body["retry_after"] == int(refused["Retry-After"]) > 0


def test_unknown_and_dead_codes_get_the_same_answer(client, store, in_cart):
    now = timezone.now()
    make_code(store, "EXPIRED1", starts_at=now - timedelta(days=9), ends_at=now - timedelta(days=1))
    make_code(store, "LATER1", starts_at=now + timedelta(days=1))
    Discount.objects.filter(pk=make_code(store, "USEDUP1").discount_id).update(usage_limit=1, times_used=1)
    single = make_code(store, "ONCE1")
    DiscountCode.objects.filter(pk=single.pk).update(usage_limit=1, times_used=1)
    Discount.objects.filter(pk=make_code(store, "DRAFT1").discount_id).update(is_active=False)

    def answer(code: str) -> tuple[int, dict]:
        response = client.post("/cart/discount/", {"code": code}, **JSON)
        return response.status_code, {k: str(v).replace(code, "<code>") for k, v in response.json().items()}

    answers = {code: answer(code) for code in ("NOSUCH1", "EXPIRED1", "LATER1", "USEDUP1", "ONCE1", "DRAFT1")}

    assert len({repr(a) for a in answers.values()}) == 1, answers
    assert answers["NOSUCH1"][0] == 400
    make_code(store, "LIVE1")
    assert client.post("/cart/discount/", {"code": "LIVE1"}, **JSON).status_code == 200
