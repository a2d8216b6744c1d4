"""Settings → API tokens: who may open it, issuing within one's own role and stores, the secret
shown once, revoking with confirmation, and Wagtail's audit log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone
from wagtail.models import ModelLogEntry

from commerce.accounts.models import User
from commerce.accounts.roles import CUSTOMER_SERVICE, MANAGER, MARKETER, OWNER
from commerce.api.models import ApiToken
from commerce.api.tokens import api_token_issue, token_digest
from commerce.core.exceptions import CommerceError
from tests.api.conftest import bearer

pytestmark = pytest.mark.api

INDEX = "/admin/api-tokens/"
NEW = "/admin/api-tokens/new/"
WHOAMI = "/api/v1/staff/token/"


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form_data(**overrides) -> dict[str, object]:
    data: dict[str, object] = {"name": "ERP sync", "scope_orders": "read", "expires_at": ""}
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def log_actions(token: ApiToken) -> list[str]:
    entries = ModelLogEntry.objects.filter(object_id=str(token.pk)).order_by("pk")
    return list(entries.values_list("action", flat=True))


@pytest.mark.parametrize("role", [CUSTOMER_SERVICE, MARKETER])
def test_only_owners_and_managers_open_the_screen(token_roles, member, store, role):
    refused = signed_in(member(role))

    # Wagtail's admin answers a refused page with a redirect to the dashboard and a message
    listing = refused.get(INDEX)
    assert (listing.status_code, listing["Location"]) == (302, "/admin/")
    assert refused.post(NEW, form_data()).status_code in (302, 403)
    assert "API tokens" not in refused.get("/admin/").content.decode()
    assert ApiToken.objects.count() == 0
    for allowed in (OWNER, MANAGER):
        client = signed_in(member(allowed, email=f"{allowed.lower()}@example.com"))
        response = client.get(INDEX)
        assert response.status_code == 200
        assert "API tokens" in client.get("/admin/").content.decode()


def test_creating_shows_the_secret_once_and_it_works(token_roles, member, store):
    manager = member(MANAGER)
    client = signed_in(manager)

    response = client.post(NEW, form_data(scope_orders="write", scope_inventory="read"))

    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    secret = response.context["secret"]
    token = ApiToken.objects.get()
    assert secret in response.content.decode() and token_digest(secret) == token.secret_hash
    assert (token.owner, token.created_by, token.all_stores) == (manager, manager, True)
    assert token.scopes == ["orders:read", "orders:write", "inventory:read"]
    # never again: not on the list, not in the revoke page
    assert secret not in client.get(INDEX).content.decode()
    assert secret not in client.get(f"/admin/api-tokens/{token.pk}/revoke/").content.decode()
    assert token.prefix in client.get(INDEX).content.decode()
    assert Client().get(WHOAMI, **bearer(secret)).json()["name"] == "ERP sync"
    assert log_actions(token) == ["magpie.api_token.create"]


def test_the_form_offers_only_the_scopes_the_role_allows(token_roles, store, django_user_model):
    # A custom group: may manage tokens and read orders, nothing else.
    clerk = django_user_model.objects.create_user(email="clerk@example.com", password="x" * 12, is_staff=True)
    clerk.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label__in=["wagtailadmin", "api", "orders"],
            codename__in=["access_admin", "manage_apitoken", "view_order"],
        )
    )
    client = signed_in(clerk)

    form = client.get(NEW).context["form"]
    refused = client.post(NEW, form_data(scope_orders="write"))
    other_area = client.post(NEW, form_data(scope_orders="", scope_discounts="read"))

    assert [value for value, _ in form.fields["scope_orders"].choices] == ["", "read"]
    assert [value for value, _ in form.fields["scope_discounts"].choices] == [""]
    assert refused.status_code == 400 and "scope_orders" in refused.context["form"].errors
    assert other_area.status_code == 400
    assert ApiToken.objects.count() == 0


def test_a_manager_of_one_store_issues_tokens_for_that_store_only(token_roles, member, store, other_store):
    clerk = member(MANAGER, stores=[store])
    client = signed_in(clerk)

    offered = list(client.get(NEW).context["form"].fields["stores"].queryset)
    every_store = client.post(NEW, form_data())
    theirs = client.post(NEW, form_data(stores=[other_store.pk]))
    ours = client.post(NEW, form_data(stores=[store.pk]))

    assert offered == [store]
    assert every_store.status_code == 400 and "stores" in every_store.context["form"].errors
    assert theirs.status_code == 400 and "stores" in theirs.context["form"].errors
    assert ours.status_code == 200
    token = ApiToken.objects.get()
    assert (token.all_stores, list(token.stores.all())) == (False, [store])


def test_revoking_asks_first_then_stops_the_token_and_is_logged(token_roles, member, issue_token, store):
    manager = member(MANAGER)
    token, secret = issue_token(manager)
    client = signed_in(manager)

    confirm = client.get(f"/admin/api-tokens/{token.pk}/revoke/")
    assert confirm.status_code == 200 and ApiToken.objects.get(pk=token.pk).revoked_at is None
    response = client.post(f"/admin/api-tokens/{token.pk}/revoke/")
    client.post(f"/admin/api-tokens/{token.pk}/revoke/")  # a second click changes nothing

    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == manager
    assert Client().get(WHOAMI, **bearer(secret)).status_code == 401
    assert log_actions(token) == ["magpie.api_token.create", "magpie.api_token.revoke"]
    assert "Revoked" in client.get(INDEX).content.decode()


def test_staff_of_another_store_neither_list_nor_revoke_a_token(token_roles, member, issue_token, store, other_store):
    owner = member(OWNER)
    token, _ = issue_token(owner, stores=[store])
    outsider = signed_in(member(MANAGER, stores=[other_store], email="outsider@example.com"))
    colleague = signed_in(member(MANAGER, stores=[store], email="colleague@example.com"))

    assert token.prefix not in outsider.get(INDEX).content.decode()
    assert outsider.post(f"/admin/api-tokens/{token.pk}/revoke/").status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
    assert token.prefix in colleague.get(INDEX).content.decode()
    assert colleague.post(f"/admin/api-tokens/{token.pk}/revoke/").status_code == 302
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


class TestIssuingRules:
    """The service refuses what the form would not offer, naming the field; nothing is written."""

    @pytest.fixture
    def manager(self, token_roles, member, store):
        return member(MANAGER, stores=[store])

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"name": "  "}, "name"),
            ({"name": "x" * 101}, "name"),
            ({"scopes": []}, "scopes"),
            ({"scopes": ["orders:delete"]}, "scopes"),
            ({"store_ids": None}, "stores"),
            ({"store_ids": []}, "stores"),
            ({"expires_at": "past"}, "expires_at"),
        ],
    )
    def test_bad_input_names_its_field(self, manager, store, changes, field):
        arguments = {
            "owner": manager,
            "actor": manager,
            "name": "ERP",
            "scopes": ["orders:read"],
            "store_ids": [store.pk],
            **changes,
        }
        if arguments.get("expires_at") == "past":
            arguments["expires_at"] = timezone.now() - timedelta(minutes=1)

        with pytest.raises(CommerceError) as refused:
            api_token_issue(**arguments)

        assert refused.value.field == field
        assert ApiToken.objects.count() == 0

    def test_another_stores_id_or_someone_elses_token_is_refused(self, manager, member, other_store, store):
        with pytest.raises(CommerceError) as other:
            api_token_issue(owner=manager, actor=manager, name="x", scopes=["orders:read"], store_ids=[other_store.pk])
        owner = member(OWNER, email="boss@example.com")
        with pytest.raises(CommerceError) as for_someone:
            api_token_issue(owner=owner, actor=manager, name="x", scopes=["orders:read"], store_ids=[store.pk])

        assert (other.value.field, for_someone.value.field) == ("stores", "owner")
        assert ApiToken.objects.count() == 0

    def test_a_role_without_the_permission_cannot_issue_its_scope(self, token_roles, member, store):
        service = member(CUSTOMER_SERVICE)  # reads orders, no discounts

        with pytest.raises(CommerceError) as refused:
            api_token_issue(owner=service, actor=service, name="x", scopes=["discounts:read"], store_ids=None)

        assert refused.value.field == "scopes" and "discounts:read" in refused.value.message
