"""Row-level security on a store's staff data (stock locations, levels, the movement ledger and
low-stock alerts), checked with raw SQL as the runtime role: staff limited to some stores see and
change only those stores' rows, shoppers' requests still read stock and reserve it at checkout, no
context sees nothing and the system sees everything."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.db.utils import ProgrammingError

from commerce.core.rls import RlsContext, system_context, use_context
from commerce.core.rls.policies import protected_tables, store_scoped_tables
from commerce.core.rls.registry import STORE_SCOPED
from tests.factories import ProductPageFactory
from tests.security.rls_world import changed

pytestmark = [pytest.mark.rls, pytest.mark.inventory]

TABLES = store_scoped_tables()
KEYS = {entry.label: apps.get_model(entry.label)._meta.pk.column for entry in STORE_SCOPED}
KEY_OF = dict(zip(TABLES, KEYS.values(), strict=True))


def keys(table: str) -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "{KEY_OF[table]}" FROM "{table}"')
        return {row[0] for row in cursor.fetchall()}


@dataclass
class Stock:
    variants: dict[str, object] = field(default_factory=dict)
    rows: dict[str, dict[str, set[int]]] = field(default_factory=dict)  # table → store → keys

    def ids(self, table: str, shop: str) -> set[int]:
        return self.rows[table][shop]


@pytest.fixture
def stock(store, other_store) -> Stock:
    """A stocked variant in each store, with its location, level, opening movement and alert row."""
    from commerce.inventory.models import LowStockAlert

    built = Stock()
    with system_context("test stock"):
        seen = {table: keys(table) for table in TABLES}
        for name, shop in (("a", store), ("b", other_store)):
            variant = ProductPageFactory(store=shop, stock=5).variants.get()
            LowStockAlert.objects.create(variant=variant, is_low=False)
            built.variants[name] = variant
            for table in TABLES:
                now = keys(table)
                built.rows.setdefault(table, {})[name] = now - seen[table]
                seen[table] = now
    for table in TABLES:
        assert built.ids(table, "a") and built.ids(table, "b"), f"no rows in {table}"
    return built


def staff(store_ids: tuple[int, ...] | None) -> RlsContext:
    return RlsContext(role="staff", user_id=1, store_ids=store_ids)


def test_the_inventory_tables_are_protected_and_the_deploy_check_covers_them():
    assert {"inventory_stocklocation", "inventory_stocklevel", "inventory_stockmovement"} <= set(TABLES)
    assert "inventory_lowstockalert" in TABLES
    assert set(TABLES) <= set(protected_tables())


@pytest.mark.parametrize("table", TABLES)
def test_staff_of_one_store_see_none_of_anothers(stock, store, table):
    with use_context(staff((store.pk,))):
        visible = keys(table)

    assert stock.ids(table, "a") <= visible
    assert not visible & stock.ids(table, "b")


@pytest.mark.parametrize("table", TABLES)
def test_staff_of_one_store_cannot_change_or_delete_anothers(stock, store, table):
    key = KEY_OF[table]
    others = stock.ids(table, "b")

    with use_context(staff((store.pk,))):
        updated = changed(f'UPDATE "{table}" SET "{key}" = "{key}" WHERE "{key}" = ANY(%s)', others)
        deleted = changed(f'DELETE FROM "{table}" WHERE "{key}" = ANY(%s)', others)
        own = changed(f'UPDATE "{table}" SET "{key}" = "{key}" WHERE "{key}" = ANY(%s)', stock.ids(table, "a"))

    assert (updated, deleted) == (0, 0)
    assert own == len(stock.ids(table, "a"))  # the policy is not simply shut
    assert others <= keys(table)  # still there, as the system sees


def test_staff_cannot_put_a_location_into_another_store(stock, store, other_store):
    from commerce.inventory.models import StockLocation

    with (
        use_context(staff((store.pk,))),
        pytest.raises(ProgrammingError, match="row-level security"),
        transaction.atomic(),
    ):
        StockLocation.objects.create(store=other_store, name="Back room")


@pytest.mark.parametrize("table", TABLES)
def test_staff_of_every_store_and_the_system_see_every_row(stock, table):
    every = stock.ids(table, "a") | stock.ids(table, "b")

    with use_context(staff(None)):
        assert every <= keys(table)
    assert every <= keys(table)  # the test's own context: the system


@pytest.mark.parametrize("table", TABLES)
def test_without_a_context_nothing_is_visible(stock, table):
    with use_context(None):
        assert keys(table) == set()


@pytest.mark.parametrize("role", ["anonymous", "customer"])
def test_shoppers_read_the_stock_of_every_store(stock, role):
    from commerce.catalog.availability import available_stock

    variants = [stock.variants["a"].pk, stock.variants["b"].pk]

    with use_context(RlsContext(role=role, user_id=7 if role == "customer" else None)):
        figures = available_stock(variants)

    assert figures == {variants[0]: 5, variants[1]: 5}


def test_an_anonymous_checkout_reserves_stock(stock, other_store):
    from commerce.inventory.models import StockLevel
    from commerce.inventory.services import stock_allocate

    variant = stock.variants["b"]

    with use_context(RlsContext(role="anonymous")), transaction.atomic():
        allocations = stock_allocate(store_id=other_store.pk, wanted={variant.pk: 2})

    assert [a.quantity for a in allocations] == [2]
    assert StockLevel.objects.get(variant=variant).reserved == 2


def test_staff_policy_reads_settings_once_and_keeps_the_index(stock, store):
    variant = stock.variants["a"]

    with use_context(staff((store.pk,))), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a few test rows: the index must stay usable
        cursor.execute("EXPLAIN SELECT id FROM inventory_stocklevel WHERE variant_id = %s", [variant.pk])
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "InitPlan" in plan
    assert "Index" in plan


@pytest.mark.django_db(transaction=True)
def test_the_deploy_check_notices_an_inventory_table_without_rls():
    from commerce.core.rls.checks import protected_tables_enforce_rls
    from commerce.core.rls.policies import sync
    from commerce.core.rls.roles import owner_connection, runtime_user

    with owner_connection():
        try:
            with connection.cursor() as cursor:
                cursor.execute('ALTER TABLE "inventory_stockmovement" NO FORCE ROW LEVEL SECURITY')
            errors = protected_tables_enforce_rls(databases=["default"])
        finally:
            sync(connection, runtime_role=runtime_user(connection))

    assert [error.id for error in errors] == ["magpie.E002"]
    assert "inventory_stockmovement" in errors[0].msg
    assert protected_tables_enforce_rls(databases=["default"]) == []
