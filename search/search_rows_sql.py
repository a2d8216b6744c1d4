"""The SQL that keeps ``ProductSearchRow`` equal to the listing summary joined to the search index,
installed by migration ``search/0003``.

``search_rows_refresh(ids)`` recomputes the rows of the given product ids in two set-based
statements: delete the rows of products that no longer have a listing summary row (unpublished,
deleted), upsert the others from their summary row (store, sort keys, filter columns) and their
search index entry (``title``, ``body``, ``autocomplete`` vectors, ``title_norm``), writing only
rows that changed. Statement-level triggers with transition tables call it once per statement:

* on ``catalog_productlisting`` (kept exact by its own triggers, ``commerce.catalog.listing_sql``):
  a publish, an unpublish, a price, stock, sale, category or tag change reaches the search row in
  the same transaction, so a search never shows a product the listing would not;
* on ``wagtailsearch_indexentry`` (products' entries only): an index write (a publish re-indexing
  its product, ``update_index``, the title-norm refresh) brings the new vectors.

Both sources are read in the function, never from the trigger's rows, so the row is the same
whichever of the two changed last: the table cannot drift from them. The functions are
``SECURITY DEFINER`` (the owner) and write nothing but this derived table; they run with
``enable_seqscan = off`` for the reason ``catalog_listing_refresh`` does (a bulk insert refreshes
before any ``ANALYZE``; every lookup is by primary key or the entries' unique key).
"""

from __future__ import annotations

from commerce.catalog.listing_models import LISTING_COLUMNS
from commerce.catalog.listing_sql import EVENTS as LISTING_TRIGGER_EVENTS

TABLE = "search_productsearchrow"
SUMMARY_COLUMNS = LISTING_COLUMNS
INDEX_COLUMNS = ("title", "body", "autocomplete", "title_norm")
# The products' content type, as modelsearch stores it on their entries.
PRODUCT_TYPE = "(SELECT id FROM django_content_type WHERE app_label = 'catalog' AND model = 'productpage')"


def _refresh_function() -> str:
    columns = (*SUMMARY_COLUMNS, *INDEX_COLUMNS)
    summary = ", ".join(f"l.{name}" for name in SUMMARY_COLUMNS)
    entry = "coalesce(e.title, ''), coalesce(e.body, ''), coalesce(e.autocomplete, ''), coalesce(e.title_norm, 1.0)"
    updates = ",\n        ".join(f"{name} = excluded.{name}" for name in columns)
    mine = ", ".join(f"s.{name}" for name in columns)
    theirs = ", ".join(f"excluded.{name}" for name in columns)
    return f"""
CREATE OR REPLACE FUNCTION search_rows_refresh(ids bigint[]) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = public, pg_temp
SET enable_seqscan = off
AS $$
BEGIN
    IF ids IS NULL OR cardinality(ids) = 0 THEN
        RETURN;
    END IF;
    DELETE FROM {TABLE} s
        WHERE s.product_id = ANY (ids)
          AND NOT EXISTS (SELECT 1 FROM catalog_productlisting l WHERE l.product_id = s.product_id);
    INSERT INTO {TABLE} AS s (product_id, {", ".join(columns)})
    SELECT l.product_id, {summary}, {entry}
    FROM (SELECT DISTINCT unnest(ids) AS id ORDER BY 1) AS wanted
    JOIN catalog_productlisting l ON l.product_id = wanted.id
    LEFT JOIN wagtailsearch_indexentry e
        ON e.content_type_id = {PRODUCT_TYPE} AND e.object_id = l.product_id::text
    ORDER BY l.product_id
    ON CONFLICT (product_id) DO UPDATE SET
        {updates}
    WHERE ({mine}) IS DISTINCT FROM ({theirs});
END
$$;
"""  # noqa: S608 - SQL from constants


# source table → the product ids a set of its rows (the transition table ``rows``) touches
TRIGGERED: dict[str, str] = {
    "catalog_productlisting": "SELECT product_id FROM rows",
    # object ids are text; only products' are integers, so the cast is guarded by the type
    "wagtailsearch_indexentry": (
        f"SELECT CASE WHEN content_type_id = {PRODUCT_TYPE} THEN object_id::bigint END FROM rows"  # noqa: S608
    ),
}
EVENTS = LISTING_TRIGGER_EVENTS  # the transition tables each event's statement trigger references


def _trigger_statements(table: str, ids: str) -> list[str]:
    statements = []
    for event, referencing in EVENTS.items():
        sources = [
            ids.replace("FROM rows", f"FROM {rows} AS rows") for rows in ("new_rows", "old_rows") if rows in referencing
        ]
        function = f"search_rows_after_{table}_{event}"
        statements += [
            f"""
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
BEGIN
    PERFORM search_rows_refresh(ARRAY(
        SELECT id FROM ({" UNION ".join(sources)}) AS touched(id) WHERE id IS NOT NULL
    ));
    RETURN NULL;
END
$$;
""",  # noqa: S608 - SQL from constants
            f"DROP TRIGGER IF EXISTS search_rows_{event} ON {table};",
            f"CREATE TRIGGER search_rows_{event} AFTER {event.upper()} ON {table} "
            f"REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION {function}();",
        ]
    return statements


def install_sql() -> list[str]:
    statements = [_refresh_function()]
    for table, ids in TRIGGERED.items():
        statements += _trigger_statements(table, ids)
    return statements


def uninstall_sql() -> list[str]:
    statements = []
    for table in TRIGGERED:
        for event in EVENTS:
            statements.append(f"DROP TRIGGER IF EXISTS search_rows_{event} ON {table};")
            statements.append(f"DROP FUNCTION IF EXISTS search_rows_after_{table}_{event}();")
    statements.append("DROP FUNCTION IF EXISTS search_rows_refresh(bigint[]);")
    return statements


# Every live product's row computed afresh (the migration's backfill).
REBUILD_ALL = [
    f"DELETE FROM {TABLE};",  # noqa: S608 - SQL from constants
    "SELECT search_rows_refresh(ARRAY(SELECT product_id FROM catalog_productlisting ORDER BY product_id));",
]
