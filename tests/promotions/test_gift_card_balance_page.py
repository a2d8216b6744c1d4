"""The shopper's balance check: one generic answer for every failure, and a rate limit per IP and
per session that refuses before looking anything up."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from freezegun import freeze_time

from commerce.core.money import Money
from commerce.core.throttle import client_ip, throttle_hit
from commerce.promotions.gift_cards import gift_card_format, gift_card_issue
from commerce.promotions.models import GiftCard
from commerce.promotions.views import NOT_FOUND
from tests.promotions.gift_card_fixtures import card, clear_cache, usd

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clear_cache")]
__all__ = ["card", "clear_cache"]  # fixtures, imported explicitly

URL = reverse("gift_cards:balance")


def check(client: Client, code: str, ip: str = "203.0.113.7", **extra):
    return client.post(URL, {"code": code}, REMOTE_ADDR=ip, **extra)


def test_the_form_page_is_accessible(client, store):
    html = client.get(URL).content.decode()

    assert '<label for="id_code">Gift card code' in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_the_form_needs_a_csrf_token(store, card):
    strict = Client(enforce_csrf_checks=True)

    assert strict.post(URL, {"code": card.code}).status_code == 403


def test_a_valid_code_shows_the_balance_and_expiry(client, store):
    expires = timezone.now() + timedelta(days=30)
    card = gift_card_issue(store=store, value=usd("42.50"), expires_at=expires)

    response = check(client, gift_card_format(card.code).lower())

    html = response.content.decode()
    assert response.status_code == 200
    assert "$42.50" in html and f"ending <strong>{card.last4}</strong>" in html
    assert 'role="status"' in html and "can be used until" in html
    assert card.code not in html and escape(NOT_FOUND) not in html


@pytest.mark.parametrize("case", ["unknown", "expired", "other_store", "empty", "inactive", "blank_after_dashes"])
def test_every_failure_gets_the_same_generic_message(client, store, other_store, card, case):
    code = card.code
    if case == "unknown":
        code = "ABCDEFGHJKMNPQRS"
    elif case == "expired":
        GiftCard.objects.filter(pk=card.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    elif case == "other_store":
        code = gift_card_issue(store=other_store, value=Money(Decimal("50"), "EUR")).code
    elif case == "empty":
        GiftCard.objects.filter(pk=card.pk).update(balance=0)
    elif case == "inactive":
        GiftCard.objects.filter(pk=card.pk).update(is_active=False)
    else:
        code = "----"

    response = check(client, code)

    html = response.content.decode()
    assert response.status_code == 200
    assert escape(NOT_FOUND) in html and 'role="alert"' in html
    assert "$50.00" not in html


def test_an_empty_code_is_a_form_error(client, store):
    html = check(client, "").content.decode()

    assert "Enter your gift card code." in html


def test_the_eleventh_check_is_refused_without_a_lookup(client, store, card):
    for _ in range(10):
        assert check(client, "WRONGCODEWRONGCO").status_code == 200

    with CaptureQueriesContext(connection) as queries:
        response = check(client, card.code)

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Too many gift card attempts" in response.content.decode()
    assert not [q for q in queries.captured_queries if "promotions_giftcard" in q["sql"]]
    assert "$50.00" not in response.content.decode()


def test_valid_checks_count_too(client, store, card):
    for _ in range(10):
        assert check(client, card.code).status_code == 200

    assert check(client, card.code).status_code == 429


def test_the_session_limit_holds_across_ip_addresses(client, store):
    for i in range(10):
        assert check(client, "NOPE", ip=f"198.51.100.{i}").status_code == 200

    assert check(client, "NOPE", ip="198.51.100.200").status_code == 429
    assert check(Client(), "NOPE", ip="198.51.100.201").status_code == 200  # another session, another IP


def test_the_ip_limit_holds_across_sessions(store):
    for _ in range(10):
        assert check(Client(), "NOPE", ip="192.0.2.1").status_code == 200

    assert check(Client(), "NOPE", ip="192.0.2.1").status_code == 429
    assert check(Client(), "NOPE", ip="192.0.2.2").status_code == 200


def test_the_limit_resets_after_the_window(client, store):
    with freeze_time("2030-01-01 10:00:00"):
        for _ in range(11):
            check(client, "NOPE")
        assert check(client, "NOPE").status_code == 429
    with freeze_time("2030-01-01 10:10:01"):
        assert check(client, "NOPE").status_code == 200


def test_forwarded_for_is_ignored_unless_the_proxy_is_trusted(rf, settings):
    request = rf.post(URL, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")

    assert client_ip(request) == "10.0.0.1"
    settings.MAGPIE_TRUST_PROXY_HEADERS = True
    assert client_ip(request) == "203.0.113.9"


def test_the_throttle_counts_and_reports_retry_after(clear_cache):
    with freeze_time("2030-01-01 10:00:00"):
        results = [throttle_hit(scope="gift_card", keys=["ip:k"]) for _ in range(11)]

    assert [r.allowed for r in results] == [True] * 10 + [False]
    assert results[-1].retry_after == 600 and results[0].retry_after == 0
