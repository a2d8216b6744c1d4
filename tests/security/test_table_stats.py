"""``magpie_analyze``: the runtime role (which owns no table) refreshes planner statistics after a
bulk load through one SECURITY DEFINER function that ANALYZEs Magpie's own tables and nothing else."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.db.utils import ProgrammingError

from commerce.core.table_stats import tables_analyze
from commerce.stores.models import Store
from tests.factories import StoreFactory

pytestmark = pytest.mark.security

SIGNATURE = "magpie_analyze(regclass[])"


def reltuples(table: str) -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [table])
        return cursor.fetchone()[0]


def test_the_runtime_role_may_call_it_and_nobody_else_is_granted_it(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT has_function_privilege(current_user, %s, 'EXECUTE'),"
            "       has_function_privilege('public', %s, 'EXECUTE'),"
            "       pg_get_userbyid(p.proowner), p.prosecdef, p.proconfig"
            "  FROM pg_proc p WHERE p.oid = %s::regprocedure",
            [SIGNATURE, SIGNATURE, SIGNATURE],
        )
        runtime_may, public_may, owner, security_definer, config = cursor.fetchone()

    assert (runtime_may, public_may) == (True, False)
    assert owner == connection.settings_dict["OWNER_USER"] and security_definer
    assert config == ["search_path=pg_catalog, pg_temp"]  # no table or function of the caller's choosing


def test_rows_written_in_the_callers_transaction_are_counted(store):
    """Given rows inserted and not yet committed, ANALYZE through the function counts them, which
    the runtime role's own ANALYZE cannot (it skips tables it does not own, with a warning)."""
    with transaction.atomic():
        tables_analyze([Store])
        before = Store.objects.count()
        assert reltuples("stores_store") == before

        StoreFactory.create_batch(3)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE stores_store")
        assert reltuples("stores_store") == before

        tables_analyze([Store])

        assert reltuples("stores_store") == before + 3 == Store.objects.count()


@pytest.mark.parametrize("table", ["pg_catalog.pg_authid", "pg_catalog.pg_class", "information_schema.sql_features"])
def test_it_refuses_tables_that_are_not_magpies(db, table):
    refused = pytest.raises(ProgrammingError, match="not one of this database's tables")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT magpie_analyze(ARRAY[%s::regclass])", [table])
