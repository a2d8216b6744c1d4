"""Backups: the seeded demo database is dumped with db_backup, restored with db_restore into a
fresh database, and both hold the same rows (counts for every table, checksums for a few)."""

from __future__ import annotations

import uuid
from io import StringIO

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from psycopg import sql

from tests.conftest import ensure_wagtail_roots

pytestmark = [pytest.mark.ops, pytest.mark.django_db(transaction=True)]

CHECKSUMMED = ["wagtailcore_page", "catalog_productvariant", "promotions_giftcard", "promotions_giftcardtransaction"]


def owner_connect(dbname: str) -> psycopg.Connection:
    """The owner role with the system context: every row, as the backup sees them."""
    db = connection.settings_dict
    return psycopg.connect(
        host=db["HOST"],
        port=db["PORT"],
        user=db.get("OWNER_USER") or db["USER"],
        password=db.get("OWNER_PASSWORD") or db.get("PASSWORD") or "",
        dbname=dbname,
        options="-c app.role=system",
        autocommit=True,
    )


def snapshot(dbname: str) -> tuple[dict[str, int], dict[str, str]]:
    with owner_connect(dbname) as conn:
        tables = [
            row[0]
            for row in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        ]
        counts = {
            table: conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))).fetchone()[0]
            for table in tables
        }
        checksums = {
            table: conn.execute(
                sql.SQL("SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t.id), '')) FROM {} t").format(
                    sql.Identifier(table)
                )
            ).fetchone()[0]
            for table in CHECKSUMMED
        }
    return counts, checksums


@pytest.fixture
def restored_name():
    name = f"restore_check_{uuid.uuid4().hex[:8]}"
    yield name
    with owner_connect("postgres") as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture
def seeded_demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    ensure_wagtail_roots()  # a transactional test before this one may have flushed them
    call_command("seed_demo", "--image-size", "32", stdout=StringIO())


def test_a_backup_restores_into_a_fresh_database_with_the_same_rows(seeded_demo, tmp_path, restored_name):
    dump = tmp_path / "demo.dump"
    out = StringIO()

    call_command("db_backup", "--output", str(dump), stdout=out)
    call_command("db_restore", str(dump), "--target", restored_name, stdout=out)

    source_counts, source_checksums = snapshot(connection.settings_dict["NAME"])
    restored_counts, restored_checksums = snapshot(restored_name)
    assert source_counts["wagtailcore_page"] > 50 and source_counts["catalog_productvariant"] > 0
    assert source_counts["promotions_giftcard"] > 0  # rows under forced RLS are in the dump too
    assert restored_counts == source_counts
    assert restored_checksums == source_checksums
    assert dump.read_bytes().startswith(b"PGDMP")  # pg_dump's custom format
    assert "Backup written:" in out.getvalue() and f"Restored into {restored_name}" in out.getvalue()
    with owner_connect(restored_name) as conn:  # policies came back too, and still fail closed
        assert conn.execute("SELECT count(*) FROM pg_policies").fetchone()[0] > 0


def test_restore_refuses_an_existing_database_and_a_broken_dump(tmp_path, restored_name):
    broken = tmp_path / "broken.dump"
    broken.write_bytes(b"PGDMP not really")

    with pytest.raises(CommandError, match="exists"):
        call_command("db_restore", str(broken), "--target", connection.settings_dict["NAME"], stdout=StringIO())
    with pytest.raises(CommandError, match="pg_restore failed"):
        call_command("db_restore", str(broken), "--target", restored_name, stdout=StringIO())
    with owner_connect("postgres") as conn:  # nothing half-made is left behind
        assert not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [restored_name]).fetchone()
    with pytest.raises(CommandError, match="letters, digits"):
        call_command("db_restore", str(broken), "--target", "x'; DROP", stdout=StringIO())
