"""Typo-tolerant search: pg_trgm and unaccent (both trusted extensions, so the owner role that runs
migrations may create them), the immutable ``f_unaccent()`` wrapper and the GIN trigram indexes on
Wagtail's search index that ``wagtail.search.query.Fuzzy`` uses — what modelsearch's
``enable_unaccent`` and ``enable_trigram`` commands do, as a migration so every database has it."""

from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations

F_UNACCENT = """
CREATE OR REPLACE FUNCTION f_unaccent(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS
$func$ SELECT public.unaccent('public.unaccent', $1) $func$;
"""


def index_sql(apps, *, drop: bool) -> list[str]:
    table = apps.get_model("wagtailsearch", "IndexEntry")._meta.db_table
    indexes = {
        "magpie_search_title_trgm": "title_text gin_trgm_ops",
        "magpie_search_body_trgm": "body_text gin_trgm_ops",
        "magpie_search_title_unaccent_trgm": "f_unaccent(title_text) gin_trgm_ops",
        "magpie_search_body_unaccent_trgm": "f_unaccent(body_text) gin_trgm_ops",
    }
    if drop:
        return [f"DROP INDEX IF EXISTS {name}" for name in indexes]
    return [f'CREATE INDEX IF NOT EXISTS {name} ON "{table}" USING gin ({expr})' for name, expr in indexes.items()]


def create_indexes(apps, schema_editor):
    for statement in index_sql(apps, drop=False):
        schema_editor.execute(statement)


def drop_indexes(apps, schema_editor):
    for statement in index_sql(apps, drop=True):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("wagtailsearch", "0010_add_text_fields")]

    operations = [
        TrigramExtension(),
        UnaccentExtension(),
        migrations.RunSQL(F_UNACCENT, "DROP FUNCTION IF EXISTS f_unaccent(text)"),
        migrations.RunPython(create_indexes, drop_indexes),
    ]
