"""Bearer token authentication, token scopes and the per-token throttle, through the test client
(the whole middleware stack: sessions, RLS, DRF)."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from commerce.accounts.roles import CUSTOMER_SERVICE, MANAGER, OWNER
from commerce.api.models import ApiToken
from commerce.api.tokens import LAST_USED_RESOLUTION, api_token_revoke, api_token_touch
from tests.api.conftest import bearer

pytestmark = pytest.mark.api

WHOAMI = "/api/v1/staff/token/"
SCOPED = "/__token_scope__/"


@pytest.fixture
def manager(member, store):
    return member(MANAGER)


def assert_invalid_token(response) -> None:
    assert response.status_code == 401
    body = response.json()
    assert body["error"] == "invalid_token"
    assert set(body) == {"error", "message", "field", "fields"}
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_the_token_is_shown_once_and_only_its_hash_is_stored(issue_token, manager):
    token, secret = issue_token(manager)

    assert secret.startswith(f"mgp_{token.key_id}_") and len(secret) >= 50
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert stored["secret_hash"] == hashlib.sha256(secret.encode()).hexdigest()
    assert not any(secret in str(value) for value in stored.values())
    assert secret.split("_", 2)[2] not in str(stored)


def test_a_token_authenticates_as_its_owner_and_describes_itself(client, issue_token, manager, store, other_store):
    token, secret = issue_token(manager, scopes=["orders:read", "orders:write"], stores=[store])

    response = client.get(WHOAMI, **bearer(secret))

    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "ERP sync" and body["owner"] == manager.email
    assert body["scopes"] == ["orders:read", "orders:write"]
    assert body["prefix"] == token.prefix and secret not in str(body)
    assert body["all_stores"] is False
    assert body["stores"] == [{"id": store.pk, "name": store.name}]


@pytest.mark.parametrize(
    "header",
    ["Bearer", "Bearer mgp_", "Bearer not-a-token", "Bearer mgp_0123456789ab_nope", "Bearer a b", "Bearer \u00e9"],
)
def test_a_malformed_or_unknown_token_is_a_401_never_anonymous(client, store, header):
    response = client.get("/api/v1/products/", HTTP_AUTHORIZATION=header.encode("utf-8").decode("latin-1"))

    assert_invalid_token(response)


def test_the_right_key_id_with_a_wrong_secret_is_refused(client, issue_token, manager):
    _, secret = issue_token(manager)
    forged = secret[:-4] + ("AAAA" if not secret.endswith("AAAA") else "BBBB")

    assert_invalid_token(client.get(WHOAMI, **bearer(forged)))


def test_a_revoked_token_stops_at_once(client, issue_token, manager):
    token, secret = issue_token(manager)
    assert client.get(WHOAMI, **bearer(secret)).status_code == 200

    api_token_revoke(token=token, actor=manager)

    assert_invalid_token(client.get(WHOAMI, **bearer(secret)))


def test_an_expired_token_is_refused(client, issue_token, manager):
    token, secret = issue_token(manager, expires_at=timezone.now() + timedelta(hours=1))
    assert client.get(WHOAMI, **bearer(secret)).status_code == 200

    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    assert_invalid_token(client.get(WHOAMI, **bearer(secret)))


def test_a_token_dies_with_its_owners_staff_access(client, issue_token, manager):
    _, secret = issue_token(manager)

    manager.groups.clear()
    assert_invalid_token(client.get(WHOAMI, **bearer(secret)))

    manager.groups.add(Group.objects.get(name=MANAGER))
    manager.is_active = False
    manager.save(update_fields=["is_active"])
    assert_invalid_token(client.get(WHOAMI, **bearer(secret)))


def test_without_any_credentials_the_answer_is_still_403_not_authenticated(client, store):
    response = client.get("/api/v1/me/orders/")

    assert response.status_code == 403 and response.json()["error"] == "not_authenticated"


def test_whoami_is_for_tokens_only(client, manager):
    client.force_login(manager)

    response = client.get(WHOAMI)

    assert response.status_code == 403 and response.json()["error"] == "token_required"


def test_views_without_a_token_scope_refuse_tokens(client, issue_token, manager, store):
    _, secret = issue_token(manager, scopes=["orders:read", "orders:write"])

    mine = client.get("/api/v1/me/orders/", **bearer(secret))
    cart_write = client.post(
        "/api/v1/cart/lines/", {"variant_id": 1, "quantity": 1}, content_type="application/json", **bearer(secret)
    )

    assert (mine.status_code, mine.json()["error"]) == (403, "token_not_allowed")
    assert (cart_write.status_code, cart_write.json()["error"]) == (403, "token_not_allowed")


def test_public_catalogue_reads_accept_a_token(client, issue_token, manager, store):
    _, secret = issue_token(manager, scopes=["inventory:read"])

    assert client.get("/api/v1/products/", **bearer(secret)).status_code == 200
    assert client.get("/api/v1/collections/", **bearer(secret)).status_code == 200


@pytest.mark.urls("tests.api.urls_token_scope")
def test_reads_need_the_read_scope_and_writes_the_write_scope(client, issue_token, manager, store):
    _, reader = issue_token(manager, scopes=["orders:read"], name="reader")
    _, writer = issue_token(manager, scopes=["orders:read", "orders:write"], name="writer")
    _, other = issue_token(manager, scopes=["inventory:read", "inventory:write"], name="other area")

    assert client.get(SCOPED, **bearer(reader)).status_code == 200
    refused_write = client.post(SCOPED, {}, content_type="application/json", **bearer(reader))
    assert (refused_write.status_code, refused_write.json()["error"]) == (403, "insufficient_scope")
    assert "orders:write" in refused_write.json()["message"]
    assert client.post(SCOPED, {}, content_type="application/json", **bearer(writer)).status_code == 200
    refused_read = client.get(SCOPED, **bearer(other))
    assert (refused_read.status_code, refused_read.json()["error"]) == (403, "insufficient_scope")


@pytest.mark.urls("tests.api.urls_token_scope")
def test_a_token_loses_a_scope_its_owners_role_no_longer_allows(client, issue_token, member, store):
    owner = member(OWNER, email="owner@example.com")
    _, secret = issue_token(owner, scopes=["orders:read"])
    assert client.get(SCOPED, **bearer(secret)).status_code == 200

    # Demoted to Customer service: still staff, and still allowed to read orders ...
    owner.groups.set([Group.objects.get(name=CUSTOMER_SERVICE)])
    assert client.get(SCOPED, **bearer(secret)).status_code == 200
    # ... but not once the role loses the permission behind the scope.
    Group.objects.get(name=CUSTOMER_SERVICE).permissions.remove(
        *Group.objects.get(name=CUSTOMER_SERVICE).permissions.filter(codename="view_order")
    )
    refused = client.get(SCOPED, **bearer(secret))
    assert (refused.status_code, refused.json()["error"]) == (403, "insufficient_scope")


def test_each_token_has_its_own_rate_limit(client, issue_token, manager, settings):
    settings.MAGPIE_THROTTLES = {**settings.MAGPIE_THROTTLES, "api_token": (2, 60)}
    _, first = issue_token(manager, name="first")
    _, second = issue_token(manager, name="second")

    assert [client.get(WHOAMI, **bearer(first)).status_code for _ in range(2)] == [200, 200]
    refused = client.get(WHOAMI, **bearer(first))

    assert refused.status_code == 429 and refused.json()["error"] == "throttled"
    assert int(refused["Retry-After"]) >= 1
    assert client.get(WHOAMI, **bearer(second)).status_code == 200


def test_last_used_is_written_at_most_once_a_minute(client, issue_token, manager):
    token, secret = issue_token(manager)
    assert token.last_used_at is None

    client.get(WHOAMI, **bearer(secret))
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    client.get(WHOAMI, **bearer(secret))
    second = ApiToken.objects.get(pk=token.pk).last_used_at

    assert first is not None and second == first
    # a minute later the next request records itself again
    earlier = first - LAST_USED_RESOLUTION - timedelta(seconds=1)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=earlier)
    client.get(WHOAMI, **bearer(secret))
    assert ApiToken.objects.get(pk=token.pk).last_used_at > first


def test_touching_a_token_twice_in_a_minute_writes_once(issue_token, manager):
    token, _ = issue_token(manager)
    now = timezone.now()
    stale_copy = ApiToken.objects.get(pk=token.pk)  # read before the first write, as a parallel request would

    assert api_token_touch(token=token, now=now) is True
    assert api_token_touch(token=stale_copy, now=now + timedelta(seconds=5)) is False
    assert ApiToken.objects.get(pk=token.pk).last_used_at == now


def test_the_schema_documents_cookie_and_bearer_authentication(client, store):
    schema = client.get("/api/schema/?format=json").json()

    schemes = schema["components"]["securitySchemes"]
    assert schemes["bearerAuth"]["type"] == "http" and schemes["bearerAuth"]["scheme"] == "bearer"
    assert schemes["cookieAuth"]["in"] == "cookie"
    whoami = schema["paths"]["/api/v1/staff/token/"]["get"]
    assert {"bearerAuth": []} in whoami["security"] and {"cookieAuth": []} in whoami["security"]
    assert whoami["responses"]["401"]["content"]["application/json"]["schema"]["$ref"].endswith("/Error")
    assert "401" in schema["paths"]["/api/v1/products/"]["get"]["responses"]
