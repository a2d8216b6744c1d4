"""Row-level security, checked with raw SQL as the runtime role: the database itself refuses to
show or change other people's rows, whatever the application asks."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.db.utils import ProgrammingError

from commerce.accounts.models import Address
from commerce.core.rls import RlsContext, use_context
from commerce.core.rls.policies import POLICY_NAME, customer_tables, protected_tables
from tests.security.rls_world import build_world, changed, table_ids

pytestmark = pytest.mark.rls

TABLES = customer_tables()
ALL_TABLES = protected_tables()


def as_customer(user) -> RlsContext:
    return RlsContext(role="customer", user_id=user.pk)


def as_staff(user, store_ids) -> RlsContext:
    return RlsContext(role="staff", user_id=user.pk, store_ids=store_ids)


@pytest.fixture
def world(store, other_store):
    return build_world(store, other_store)


@pytest.fixture
def staff_of_first_store(store, django_user_model):
    from commerce.accounts.models import StaffProfile

    user = django_user_model.objects.create_user(email="clerk@example.com", password="irrelevant-42", is_staff=True)
    profile = StaffProfile.objects.create(user=user, all_stores=False)
    profile.stores.add(store)
    return user


def test_the_suite_runs_as_the_runtime_role_that_cannot_bypass_rls(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_user, session_user, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user"
        )
        current, session, superuser, bypass = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM pg_class c WHERE pg_get_userbyid(c.relowner) = current_user")
        owned = cursor.fetchone()[0]

    assert current == session == connection.settings_dict["USER"]
    assert current != connection.settings_dict["OWNER_USER"]
    assert (superuser, bypass, owned) == (False, False, 0)


@pytest.mark.parametrize("table", ALL_TABLES)
def test_rls_is_enabled_and_forced_with_a_policy(db, table):
    with connection.cursor() as cursor:
        cursor.execute("SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE oid = %s::regclass", [table])
        enabled, forced = cursor.fetchone()
        cursor.execute(
            "SELECT count(*) FROM pg_policies WHERE tablename = %s AND policyname = %s", [table, POLICY_NAME]
        )
        policies = cursor.fetchone()[0]

    assert (enabled, forced, policies) == (True, True, 1)


@pytest.mark.parametrize("table", TABLES)
def test_without_a_context_every_table_is_empty(world, table):
    with use_context(None):
        assert table_ids(table) == set()


@pytest.mark.parametrize("table", TABLES)
def test_the_system_context_sees_every_row(world, table):
    assert world.ids(table, "a") | world.ids(table, "b") <= table_ids(table)


@pytest.mark.parametrize("table", TABLES)
def test_a_customer_sees_their_rows_and_cannot_see_change_or_delete_anothers(world, table):
    others = world.ids(table, "b")

    with use_context(as_customer(world.users["a"])):
        visible = table_ids(table)
        updated = changed(f'UPDATE "{table}" SET id = id WHERE id = ANY(%s)', others)
        deleted = changed(f'DELETE FROM "{table}" WHERE id = ANY(%s)', others)

    assert world.ids(table, "a") <= visible
    assert not visible & others
    assert (updated, deleted) == (0, 0)
    assert others <= table_ids(table)  # still there, as the system sees


@pytest.mark.parametrize("table", TABLES)
def test_staff_of_one_store_see_nothing_of_another(world, staff_of_first_store, store, table):
    with use_context(as_staff(staff_of_first_store, (store.pk,))):
        visible = table_ids(table)

    assert world.ids(table, "a") <= visible
    assert not visible & world.ids(table, "b")


def test_a_customer_cannot_write_a_row_for_someone_else(world):
    with (
        use_context(as_customer(world.users["a"])),
        pytest.raises(ProgrammingError, match="row-level security"),
        transaction.atomic(),
    ):
        Address.objects.create(
            customer=world.users["b"], full_name="Mallory", line1="x", city="x", postal_code="1", country="US"
        )


def test_a_visitor_sees_only_the_cart_whose_token_they_hold(world, store):
    from commerce.cart.models import Cart
    from commerce.cart.services import cart_create

    guest_cart = cart_create(store=store)
    other_guest = cart_create(store=store)

    with use_context(RlsContext(role="anonymous", cart_tokens=(str(guest_cart.token),))):
        carts = set(Cart.objects.values_list("pk", flat=True))

    assert carts == {guest_cart.pk}
    assert other_guest.pk not in carts


def test_a_guest_order_link_grants_exactly_that_order(world, store):
    from commerce.orders.links import order_from_guest_token, order_guest_token
    from commerce.orders.models import Order

    order = world.orders["a"]
    token = order_guest_token(order)
    own_store = order.store

    with use_context(RlsContext(role="anonymous")):
        assert order_from_guest_token(token + "x", store=own_store) is None
        assert not Order.objects.exists()
        assert order_from_guest_token(token, store=own_store).pk == order.pk
        assert set(Order.objects.values_list("pk", flat=True)) == {order.pk}
        assert order.lines.count() == 1


def test_policies_read_each_setting_once_and_let_the_query_use_its_index(world, staff_of_first_store, store):
    """The staff order list under RLS: the settings become InitPlans (evaluated once), and a
    customer's own-orders query still walks the customer index."""
    with use_context(as_staff(staff_of_first_store, (store.pk,))), connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN SELECT id FROM orders_order WHERE store_id = %s ORDER BY created_at DESC LIMIT 50", [store.pk]
        )
        staff_plan = "\n".join(row[0] for row in cursor.fetchall())
    with use_context(as_customer(world.users["a"])), transaction.atomic(), connection.cursor() as cursor:
        # A handful of test rows make a sequential scan the cheapest plan whatever the policy;
        # what matters is that the policy leaves the index usable.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN SELECT id FROM orders_order WHERE customer_id = %s", [world.users["a"].pk])
        customer_plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "InitPlan" in staff_plan
    assert "InitPlan" in customer_plan
    assert "Index" in customer_plan
