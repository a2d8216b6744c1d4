"""The address book over the API: the account pages' form and services, one default, and another
customer's addresses out of reach — checked through RLS as the runtime role, not as a superuser."""

import pytest
from django.db import connection
from django.test import Client

from commerce.accounts.models import Address
from commerce.accounts.services import address_create
from commerce.core.addresses import PostalAddress
from commerce.core.rls import RlsContext, use_context

pytestmark = [pytest.mark.api, pytest.mark.django_db]

HOME = {
    "full_name": "Ann Shopper",
    "line1": "1 Main St",
    "city": "Portland",
    "region": "OR",
    "postal_code": "97201",
    "country": "US",
}
THEIRS = PostalAddress(full_name="Bob", line1="9 Elm St", city="Salem", region="OR", postal_code="97301", country="US")


def send(client, method, url, body=None):
    return getattr(client, method)(url, body, content_type="application/json")


@pytest.fixture
def ann(django_user_model, store):
    return django_user_model.objects.create_user(email="ann@example.com", password="x" * 12)


@pytest.fixture
def bob(django_user_model, store):
    return django_user_model.objects.create_user(email="bob@example.com", password="x" * 12)


@pytest.fixture
def signed_in(client, ann):
    client.force_login(ann)
    return client


def test_add_change_make_default_and_delete(signed_in, ann):
    created = send(signed_in, "post", "/api/v1/me/addresses/", {**HOME, "is_default": True})
    assert created.status_code == 201
    home = created.json()
    assert (home["line1"], home["country"], home["is_default"]) == ("1 Main St", "US", True)

    work = send(signed_in, "post", "/api/v1/me/addresses/", {**HOME, "line1": "2 Work Ave"}).json()
    assert work["is_default"] is False

    changed = send(signed_in, "patch", f"/api/v1/me/addresses/{work['id']}/", {"city": "Beaverton"})
    assert changed.status_code == 200
    assert (changed.json()["city"], changed.json()["line1"]) == ("Beaverton", "2 Work Ave")

    made_default = signed_in.post(f"/api/v1/me/addresses/{work['id']}/default/")
    assert made_default.status_code == 200 and made_default.json()["is_default"] is True
    listed = signed_in.get("/api/v1/me/addresses/").json()
    assert [(a["id"], a["is_default"]) for a in listed] == [(work["id"], True), (home["id"], False)]

    assert signed_in.delete(f"/api/v1/me/addresses/{home['id']}/").status_code == 204
    assert list(Address.objects.values_list("pk", flat=True)) == [work["id"]]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"country": "XX"}, "country"),
        ({"line1": ""}, "line1"),
        ({"postal_code": "ABCDE"}, "postal_code"),  # the account form's country rules: a US ZIP
        ({"region": ""}, "region"),  # US addresses need their state
        ({"full_name": "x" * 121}, "full_name"),
        ({"is_default": "perhaps"}, "is_default"),
    ],
)
def test_bad_addresses_name_the_field_and_save_nothing(signed_in, changes, field):
    response = send(signed_in, "post", "/api/v1/me/addresses/", {**HOME, **changes})
    assert response.status_code == 400
    assert response.json()["field"] == field
    assert not Address.objects.exists()


def test_a_bad_change_leaves_the_address_as_it_was(signed_in, ann):
    home = address_create(customer=ann, address=PostalAddress(**HOME))
    response = send(signed_in, "patch", f"/api/v1/me/addresses/{home.pk}/", {"postal_code": "nope", "city": "Bend"})
    assert response.status_code == 400 and response.json()["field"] == "postal_code"
    home.refresh_from_db()
    assert (home.postal_code, home.city) == ("97201", "Portland")


def test_the_runtime_role_cannot_reach_another_customers_address(signed_in, ann, bob):
    theirs = address_create(customer=bob, address=THEIRS)
    with connection.cursor() as cursor:  # the tests and the web process connect as the same role
        cursor.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
        assert cursor.fetchone() == (False, False)

    url = f"/api/v1/me/addresses/{theirs.pk}/"
    answers = [
        signed_in.get(url),
        send(signed_in, "patch", url, {"city": "Mine now"}),
        signed_in.delete(url),
        signed_in.post(f"{url}default/"),
    ]

    assert [r.status_code for r in answers] == [404, 404, 404, 404]
    assert all(r.json()["error"] == "not_found" for r in answers)
    assert signed_in.get("/api/v1/me/addresses/").json() == []
    theirs.refresh_from_db()
    assert (theirs.city, theirs.is_default) == ("Salem", False)
    # Underneath the services, the database itself refuses: Ann's context sees and changes none of Bob's rows.
    with use_context(RlsContext(role="customer", user_id=ann.pk)):
        assert Address.objects.filter(pk=theirs.pk).update(city="Forged") == 0
        assert not Address.objects.filter(customer=bob).exists()


def test_sign_in_and_the_csrf_token_are_required(client, ann):
    refused = send(client, "post", "/api/v1/me/addresses/", HOME)
    assert refused.status_code == 403 and refused.json()["error"] == "not_authenticated"

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(ann)
    forged = send(browser, "post", "/api/v1/me/addresses/", HOME)
    assert forged.status_code == 403 and "CSRF" in forged.json()["message"]
    assert not Address.objects.exists()
