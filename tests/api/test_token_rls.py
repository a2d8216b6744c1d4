"""A token request runs under its owner's RLS context narrowed to the token's stores, checked with
raw SQL as the runtime role (no application check in the way), and the tokens table itself is
under RLS."""

from __future__ import annotations

import pytest
from django.db import connection

from commerce.accounts.roles import MANAGER, OWNER
from commerce.api.tokens import token_context
from commerce.core.rls import RlsContext, current_context, use_context
from tests.api.conftest import bearer
from tests.security.rls_world import build_world, changed, table_ids

pytestmark = [pytest.mark.api, pytest.mark.rls]

SCOPED = "/__token_scope__/"


@pytest.fixture
def world(store, other_store):
    return build_world(store, other_store)


def test_the_suite_runs_as_the_runtime_role_not_a_superuser(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
        assert cursor.fetchone() == (False, False)


def test_a_token_for_store_a_sees_none_of_store_bs_rows_nor_bs_customers(world, issue_token, member, store):
    owner = member(OWNER)  # every store
    token, _ = issue_token(owner, scopes=["orders:read", "customers:read"], stores=[store])

    with use_context(token_context(token)):
        visible = {table: table_ids(table) for table in world.rows}
        updated = changed('UPDATE "orders_order" SET email = email WHERE id = ANY(%s)', world.ids("orders_order", "b"))

    for table in world.rows:
        assert not visible[table] & world.ids(table, "b"), f"a store-A token sees store B's rows in {table}"
    assert world.ids("orders_order", "a") <= visible["orders_order"]
    assert world.ids("accounts_address", "a") <= visible["accounts_address"]
    assert updated == 0


def test_a_token_for_every_store_sees_what_its_owner_sees(world, issue_token, member):
    owner = member(OWNER)
    token, _ = issue_token(owner, scopes=["orders:read"], stores=None)

    with use_context(token_context(token)):
        orders = table_ids("orders_order")

    assert world.ids("orders_order", "a") | world.ids("orders_order", "b") <= orders


def test_a_token_never_reaches_past_its_owners_current_stores(world, issue_token, member, store, other_store):
    from commerce.accounts.models import StaffProfile

    manager = member(MANAGER, stores=[store, other_store])
    token, _ = issue_token(manager, scopes=["orders:read"], stores=[store, other_store])
    StaffProfile.objects.get(user=manager).stores.remove(other_store)  # the owner now works on store A only

    context = token_context(token)
    with use_context(context):
        orders = table_ids("orders_order")

    assert context.store_ids == (store.pk,)
    assert not orders & world.ids("orders_order", "b")


@pytest.mark.urls("tests.api.urls_token_scope")
def test_a_token_request_runs_under_the_tokens_context_and_leaves_none_behind(
    client, world, issue_token, member, store
):
    owner = member(OWNER)
    _, secret = issue_token(owner, scopes=["orders:read"], stores=[store])
    before = current_context()

    body = client.get(SCOPED, **bearer(secret)).json()

    assert (body["role"], body["store_ids"]) == ("staff", f"{{{store.pk}}}")
    assert world.ids("orders_order", "a") <= set(body["orders"])
    assert not set(body["orders"]) & world.ids("orders_order", "b")
    # the addresses of a customer who ordered only in store B are not the token's to see
    assert not set(body["addresses"]) & world.ids("accounts_address", "b")
    assert current_context() == before


class TestTheTokensTable:
    """api_apitoken under RLS: the owner sees their own; staff of every store see all; staff
    limited to some stores see the tokens limited to stores among theirs; nobody else sees any."""

    @pytest.fixture
    def tokens(self, issue_token, member, store, other_store):
        owner = member(OWNER, email="owner@example.com")
        clerk = member(MANAGER, stores=[store], email="clerk@example.com")
        other = member(MANAGER, stores=[other_store], email="other@example.com")
        return {
            "owner": owner,
            "clerk": clerk,
            "other": other,
            "all": issue_token(owner, stores=None)[0].pk,
            "a": issue_token(owner, stores=[store])[0].pk,
            "ab": issue_token(owner, stores=[store, other_store])[0].pk,
            "clerks": issue_token(clerk, stores=[store])[0].pk,
            "b": issue_token(other, stores=[other_store])[0].pk,
        }

    def test_nobody_without_a_context_nor_any_shopper_sees_a_token(self, tokens, world):
        with use_context(None):
            nobody = table_ids("api_apitoken")
        with use_context(RlsContext(role="anonymous")):
            anonymous = table_ids("api_apitoken")
        with use_context(RlsContext(role="customer", user_id=world.users["a"].pk)):
            customer = table_ids("api_apitoken")

        assert (nobody, anonymous, customer) == (set(), set(), set())

    def test_staff_see_their_own_and_those_within_their_stores(self, tokens, store):
        clerk = RlsContext(role="staff", user_id=tokens["clerk"].pk, store_ids=(store.pk,))
        everywhere = RlsContext(role="staff", user_id=tokens["owner"].pk, store_ids=None)
        with use_context(clerk):
            clerk_sees = table_ids("api_apitoken")
            revoked = changed(
                'UPDATE "api_apitoken" SET revoked_at = now() WHERE id = ANY(%s)',
                {tokens["all"], tokens["ab"], tokens["b"]},
            )
        with use_context(everywhere):
            owner_sees = table_ids("api_apitoken")

        assert clerk_sees == {tokens["a"], tokens["clerks"]}
        assert revoked == 0
        assert {tokens[k] for k in ("all", "a", "ab", "clerks", "b")} <= owner_sees

    def test_a_token_cannot_be_inserted_for_someone_else(self, tokens, store):
        from django.db import DatabaseError, transaction

        clerk = RlsContext(role="staff", user_id=tokens["clerk"].pk, store_ids=(store.pk,))
        with (
            use_context(clerk),
            pytest.raises(DatabaseError, match="row-level security"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(
                "INSERT INTO api_apitoken (name, key_id, secret_hash, owner_id, all_stores, scopes, created_at)"
                " VALUES ('x', 'feedfeedfeed', 'h', %s, true, '{}', now())",
                [tokens["owner"].pk],
            )
