"""Rate limits on the doors that guessers and bots knock on: log-in, sign-up, password reset and
the payment POST. Each scope counts on its own, per client IP and per session; the webhook is free."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory

from commerce.core.throttle import client_ip, throttled

pytestmark = [pytest.mark.django_db, pytest.mark.security]

JSON = {"HTTP_ACCEPT": "application/json"}
LOGIN = "/account/login/"
SIGNUP = "/account/signup/"
PASSWORD_RESET = "/account/password-reset/"
PAYMENT = "/checkout/payment/"
WEBHOOK = "/payments/stripe/webhook/"

BAD_LOGIN = {"username": "nobody@example.com", "password": "wrong-password"}
BAD_SIGNUP = {"email": "not-an-email", "password1": "x", "password2": "y"}
RESET = {"email": "someone@example.com"}

LIMITED = [
    pytest.param(LOGIN, BAD_LOGIN, {}, 10, id="login"),
    pytest.param(SIGNUP, BAD_SIGNUP, {}, 5, id="signup"),
    pytest.param(PASSWORD_RESET, RESET, {}, 5, id="password-reset"),
    pytest.param(PAYMENT, {}, JSON, 20, id="checkout-payment"),
]


@pytest.mark.parametrize(("url", "data", "headers", "limit"), LIMITED)
def test_each_limit_holds_and_the_next_request_gets_a_429(client, store, url, data, headers, limit):
    answers = [client.post(url, data, **headers) for _ in range(limit)]

    refused = client.post(url, data, **headers)

    assert [response.status_code for response in answers if response.status_code == 429] == []
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 3600


def test_the_html_answer_is_a_page_that_says_what_happened(client, store):
    for _ in range(10):
        client.post(LOGIN, BAD_LOGIN)

    response = client.post(LOGIN, BAD_LOGIN)

    html = response.content.decode()
    assert response.status_code == 429
    assert response["Content-Type"].startswith("text/html")
    assert "Too many attempts" in html
    assert "please try again in" in html
    assert "Magpie Test Shop" in html  # the storefront's own layout (base.html)


def test_the_json_answer_names_the_scope_and_the_wait(client, store):
    for _ in range(20):
        client.post(PAYMENT, **JSON)

    response = client.post(PAYMENT, **JSON)

    body = response.json()
    assert response.status_code == 429
    assert body["status"] == "failed"
    assert body["error"] == "rate_limited"
    assert body["scope"] == "checkout_payment"
    assert body["retry_after"] == int(response["Retry-After"])
    assert "try again" in body["message"]


def test_limits_are_per_scope(client, store):
    for _ in range(11):
        client.post(LOGIN, BAD_LOGIN)
    assert client.post(LOGIN, BAD_LOGIN).status_code == 429

    assert client.post(SIGNUP, BAD_SIGNUP).status_code == 200
    assert client.post(PASSWORD_RESET, RESET).status_code == 302
    assert client.post(PAYMENT, **JSON).status_code != 429


def test_limits_are_per_client_ip(store):
    first = Client(REMOTE_ADDR="198.51.100.1")
    second = Client(REMOTE_ADDR="198.51.100.2")
    for _ in range(5):
        first.post(SIGNUP, BAD_SIGNUP)

    assert first.post(SIGNUP, BAD_SIGNUP).status_code == 429
    # another address trying another account is not held back
    assert second.post(SIGNUP, {**BAD_SIGNUP, "email": "someone-else"}).status_code == 200


def test_a_session_is_limited_even_when_its_ip_changes(client, store):
    session = client.session
    session["seen"] = True
    session.save()  # the visitor has a session, so it is counted too
    for number in range(5):
        client.post(SIGNUP, {**BAD_SIGNUP, "email": f"x{number}"}, REMOTE_ADDR=f"198.51.100.{number + 10}")

    assert client.post(SIGNUP, {**BAD_SIGNUP, "email": "x99"}, REMOTE_ADDR="198.51.100.99").status_code == 429


def test_reading_the_forms_is_never_limited(client, store):
    for _ in range(15):
        client.post(LOGIN, BAD_LOGIN)

    assert client.get(LOGIN).status_code == 200
    assert client.get(SIGNUP).status_code == 200


def test_limits_come_from_settings(client, store, settings):
    settings.MAGPIE_THROTTLES = {**settings.MAGPIE_THROTTLES, "login": (2, 60)}

    statuses = [client.post(LOGIN, BAD_LOGIN).status_code for _ in range(3)]

    assert statuses[:2] == [200, 200]
    assert statuses[2] == 429
    assert 1 <= int(client.post(LOGIN, BAD_LOGIN)["Retry-After"]) <= 60


def test_the_stripe_webhook_is_not_limited(client, store):
    statuses = {
        client.post(WEBHOOK, b"{}", content_type="application/json", HTTP_STRIPE_SIGNATURE="t=1,v1=forged").status_code
        for _ in range(60)
    }

    assert 429 not in statuses
    assert statuses <= {400}


def test_the_decorator_only_counts_the_methods_it_is_given(rf: RequestFactory, settings):
    settings.MAGPIE_THROTTLES = {"test-scope": (1, 60)}
    calls: list[str] = []

    @throttled("test-scope", methods=("put",))
    def view(request):
        from django.http import HttpResponse

        calls.append(request.method)
        return HttpResponse("ok")

    assert [view(rf.post("/")).status_code for _ in range(3)] == [200, 200, 200]
    assert [view(rf.put("/")).status_code for _ in range(2)] == [200, 429]
    assert calls == ["POST", "POST", "POST", "PUT"]


def test_client_ip_trusts_forwarded_for_only_when_told(rf: RequestFactory, settings):
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")

    settings.MAGPIE_TRUST_PROXY_HEADERS = False
    assert client_ip(request) == "10.0.0.1"
    settings.MAGPIE_TRUST_PROXY_HEADERS = True
    assert client_ip(request) == "203.0.113.9"
