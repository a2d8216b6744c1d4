"""Staff callers for the staff catalogue endpoints (inventory, discounts, gift cards): members of
the role groups as the migrations make them, limited to one store or acting for all, each with a
signed-in test client. Requests go through the whole middleware stack, so they run under the RLS
context the HTML views get, as the runtime database role (never a superuser). ``post``/``patch``
send a JSON body."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from commerce.accounts.models import User
from commerce.accounts.roles import role_groups_sync
from commerce.accounts.staff import staff_access_apply
from tests.conftest import ensure_wagtail_roots


@pytest.fixture
def role_groups(db) -> None:
    from django.apps import apps

    ensure_wagtail_roots()
    role_groups_sync(apps)


@pytest.fixture
def staff_client(role_groups) -> Callable[..., Client]:
    """``staff_client("Manager", stores=[store])``: a signed-in client of a new member of staff with
    that role, acting for those stores (none given: every store)."""
    made = 0

    def make(role: str, *, stores: list | None = None) -> Client:
        nonlocal made
        made += 1
        user = User.objects.create_user(email=f"{role.lower().replace(' ', '-')}-{made}@example.com", password="x" * 12)
        staff_access_apply(
            user=user,
            actor=None,
            groups=[Group.objects.get(name=role)],
            store_ids=[s.pk for s in stores] if stores else None,
        )
        client = Client()
        client.force_login(user)
        client.user = user
        return client

    return make


def field_of(response) -> str | None:
    """The field an error body names (asserting it is the API's one error shape)."""
    body = response.json()
    assert set(body) == {"error", "message", "field", "fields"}, body
    return body["field"]


def post(client: Client, path: str, body: dict | None = None):
    return client.post(path, body or {}, content_type="application/json")


def patch(client: Client, path: str, body: dict):
    return client.patch(path, body, content_type="application/json")
