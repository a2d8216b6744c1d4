"""What the fast search index needs (see ``search/bulk_index.py`` and ``search/product_search.py``):

* ``magpie_tsvector_agg(tsvector ORDER BY ...)``: concatenates tsvectors with ``||`` (PostgreSQL's
  ``tsvector_concat``) in order, so a batch's entries are computed in one statement;
* a GIN index on ``title || body``, the expression modelsearch's full-text match filters on (its
  model's comment promises one, but its migrations create only the per-column indexes), so a search
  reads the matching entries instead of every entry.
"""

from django.db import migrations

AGGREGATE = """
CREATE AGGREGATE magpie_tsvector_agg(tsvector) (SFUNC = tsvector_concat, STYPE = tsvector, INITCOND = '')
"""


def index_sql(apps, *, drop: bool) -> str:
    table = apps.get_model("wagtailsearch", "IndexEntry")._meta.db_table
    if drop:
        return "DROP INDEX IF EXISTS magpie_search_title_body"
    return f'CREATE INDEX IF NOT EXISTS magpie_search_title_body ON "{table}" USING gin ((title || body))'


def create_index(apps, schema_editor):
    schema_editor.execute(index_sql(apps, drop=False))


def drop_index(apps, schema_editor):
    schema_editor.execute(index_sql(apps, drop=True))


class Migration(migrations.Migration):
    dependencies = [("search", "0001_fuzzy_search")]

    operations = [
        migrations.RunSQL(AGGREGATE, "DROP AGGREGATE IF EXISTS magpie_tsvector_agg(tsvector)"),
        migrations.RunPython(create_index, drop_index),
    ]
