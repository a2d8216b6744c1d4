"""The SQL that keeps ``ListingFacetCount`` equal to counting the listing summary, installed by
migration ``0009``.

Statement triggers on ``catalog_productlisting`` (with transition tables) add up, per store, what
the statement's old rows took away and its new rows brought (a product's categories, tags, sale
flag, the row itself) and upsert only the counts that changed, in key order (so two transactions
publishing at once lock the counts they share in the same order). A stock change that leaves a
product's categories, tags and sale flag as they were changes no count and takes no lock.
"""

from __future__ import annotations


def _terms(rows: str, delta: str) -> str:
    """One (store, facet, value, delta) row per thing each of ``rows`` counts for."""
    return f"""
        SELECT root_path, 'all'::varchar AS facet, 0::bigint AS value, {delta} AS delta FROM {rows}
        UNION ALL SELECT root_path, 'on_sale', 0, {delta} FROM {rows} WHERE on_sale
        UNION ALL SELECT root_path, 'category', unnest(category_ids), {delta} FROM {rows}
        UNION ALL SELECT root_path, 'tag', unnest(tag_ids), {delta} FROM {rows}"""  # noqa: S608 - SQL from constants


def _apply(terms: str) -> str:
    return f"""
    INSERT INTO catalog_listingfacetcount AS f (root_path, facet, value, products)
    SELECT root_path, facet, value, sum(delta)::integer FROM ({terms}) AS changes
    GROUP BY root_path, facet, value HAVING sum(delta) <> 0
    ORDER BY root_path, facet, value
    ON CONFLICT (root_path, facet, value) DO UPDATE SET products = f.products + excluded.products;"""  # noqa: S608 - SQL from constants


FUNCTION = "catalog_listing_facets_after"
CHANGES = {
    "insert": ("NEW TABLE AS new_rows", _terms("new_rows", "1")),
    "update": ("OLD TABLE AS old_rows NEW TABLE AS new_rows",
               _terms("new_rows", "1") + "\n        UNION ALL" + _terms("old_rows", "-1")),
    "delete": ("OLD TABLE AS old_rows", _terms("old_rows", "-1")),
}  # fmt: skip


def install_sql() -> list[str]:
    """One trigger function and one statement trigger per event on the summary."""
    statements = []
    for event, (referencing, terms) in CHANGES.items():
        statements += [
            f"""
CREATE OR REPLACE FUNCTION {FUNCTION}_{event}() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
BEGIN{_apply(terms)}
    RETURN NULL;
END
$$;
""",
            f"DROP TRIGGER IF EXISTS catalog_listing_facets_{event} ON catalog_productlisting;",
            f"CREATE TRIGGER catalog_listing_facets_{event} AFTER {event.upper()} ON catalog_productlisting "
            f"REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}_{event}();",
        ]
    return statements


def uninstall_sql() -> list[str]:
    statements = []
    for event in CHANGES:
        statements.append(f"DROP TRIGGER IF EXISTS catalog_listing_facets_{event} ON catalog_productlisting;")
        statements.append(f"DROP FUNCTION IF EXISTS {FUNCTION}_{event}();")
    return statements


# Every store's counts recomputed from the summary (the migration's backfill and ``rebuild_listings``).
RECOUNT_ALL = [
    "LOCK TABLE catalog_listingfacetcount IN EXCLUSIVE MODE;",
    "DELETE FROM catalog_listingfacetcount;",
    f"""INSERT INTO catalog_listingfacetcount (root_path, facet, value, products)
    SELECT root_path, facet, value, sum(delta)::integer
    FROM ({_terms("catalog_productlisting", "1")}) AS rows
    GROUP BY root_path, facet, value ORDER BY root_path, facet, value;""",  # noqa: S608 - SQL from constants
]
