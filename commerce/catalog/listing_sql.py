"""The SQL that keeps ``ProductListing`` exact, installed by migration ``0008``.

``catalog_listing_refresh(ids)`` recomputes the rows of the given product ids in two set-based
statements (delete the rows of products no longer live; upsert the others), whatever their number.
Statement-level triggers with transition tables call it once per statement for the products the
statement touched: pages (publish, unpublish, move, delete, ``first_published_at``), products
(``featured``), variants (price, compare-at price, active), stock levels (on hand, reserved), stock
locations (active), categories and tags. So every path — Wagtail's publish, a stock service, an
``UPDATE`` or a bulk insert — leaves the summary right in its own transaction, and a rolled-back
change leaves it as it was.

*Concurrency:* before reading, the refresh locks the products' existing rows in id order. Two
transactions changing the stock of one product's variants then refresh one after the other, and
the second's statements (a new snapshot each, READ COMMITTED) see the first's committed change: no
lost update of ``in_stock``. Row locks, not advisory locks: a bulk refresh of 100,000 products would
overflow the lock table. The locks are held to the end of the transaction: transactions of one
statement each never deadlock on them, but a transaction whose several statements change the
stock of several products can deadlock with one changing them in another order (PostgreSQL then
aborts one of the two). Levels that hold no sellable stock before or after a statement refresh
nothing, so the ledger's empty levels (``stock_change`` inserts missing ones at zero, then
changes every level in one statement) take no lock before the levels' own, ordered ones.

*Plans:* the refresh runs with ``enable_seqscan = off``. It always works on a known set of product
ids, where index lookups are the right plan, and it often runs at the end of the statement that
just grew a table in the same transaction (a bulk insert of 100,000 variants), before any
``ANALYZE``: planned from the stale statistics, the per-product lookups became sequential scans of
the whole table, once per product (hours for a 100,000-product seed instead of a minute).

*Row-level security:* the functions are ``SECURITY DEFINER`` (the owner), and the refresh sets
``app.role`` to ``system`` for its own statements and then back to the caller's (a function's
``SET app.role`` clause needs a superuser for a custom setting): the summary counts every active
location's stock whoever changed it (a shopper's reservation sees only what its context may, and
must not shrink the store's figures). They write nothing but this derived table.
"""

from __future__ import annotations

REFRESH_FUNCTION = """
CREATE OR REPLACE FUNCTION catalog_listing_refresh(ids bigint[]) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = public, pg_temp
SET enable_seqscan = off
AS $$
DECLARE
    caller_role text := current_setting('app.role', true);
BEGIN
    IF ids IS NULL OR cardinality(ids) = 0 THEN
        RETURN;
    END IF;
    PERFORM set_config('app.role', 'system', true);
    PERFORM 1 FROM catalog_productlisting
        WHERE product_id = ANY (ids) ORDER BY product_id FOR UPDATE;
    DELETE FROM catalog_productlisting l
        WHERE l.product_id = ANY (ids)
          AND NOT EXISTS (
              SELECT 1 FROM wagtailcore_page p JOIN catalog_productpage pp ON pp.page_ptr_id = p.id
              WHERE p.id = l.product_id AND p.live
          );
    INSERT INTO catalog_productlisting AS l (
        product_id, root_path, featured, first_published_at, min_price, in_stock, on_sale, category_ids, tag_ids
    )
    SELECT p.id, substr(p.path, 1, 8), pp.featured, p.first_published_at,
           coalesce(v.min_in_stock, v.min_any), coalesce(v.in_stock, false), coalesce(v.on_sale, false),
           coalesce((SELECT array_agg(c.category_id ORDER BY c.category_id)
                     FROM catalog_productpage_categories c WHERE c.productpage_id = p.id), '{}'),
           coalesce((SELECT array_agg(DISTINCT t.tag_id ORDER BY t.tag_id)
                     FROM catalog_producttag t WHERE t.content_object_id = p.id), '{}')
    FROM (SELECT DISTINCT unnest(ids) AS id) AS wanted
    JOIN wagtailcore_page p ON p.id = wanted.id
    JOIN catalog_productpage pp ON pp.page_ptr_id = p.id
    LEFT JOIN LATERAL (
        SELECT min(variant.price) FILTER (WHERE stock.sellable) AS min_in_stock,
               min(variant.price) AS min_any,
               bool_or(stock.sellable) AS in_stock,
               bool_or(variant.compare_at_price > variant.price) AS on_sale
        FROM catalog_productvariant variant
        CROSS JOIN LATERAL (
            SELECT EXISTS (
                SELECT 1 FROM inventory_stocklevel level
                JOIN inventory_stocklocation location ON location.id = level.location_id
                WHERE level.variant_id = variant.id AND location.is_active AND level.on_hand > level.reserved
            ) AS sellable
        ) AS stock
        WHERE variant.product_id = p.id AND variant.is_active
    ) AS v ON true
    WHERE p.live
    ON CONFLICT (product_id) DO UPDATE SET
        root_path = excluded.root_path,
        featured = excluded.featured,
        first_published_at = excluded.first_published_at,
        min_price = excluded.min_price,
        in_stock = excluded.in_stock,
        on_sale = excluded.on_sale,
        category_ids = excluded.category_ids,
        tag_ids = excluded.tag_ids
    WHERE (l.root_path, l.featured, l.first_published_at, l.min_price, l.in_stock, l.on_sale,
           l.category_ids, l.tag_ids)
          IS DISTINCT FROM
          (excluded.root_path, excluded.featured, excluded.first_published_at, excluded.min_price,
           excluded.in_stock, excluded.on_sale, excluded.category_ids, excluded.tag_ids);
    PERFORM set_config('app.role', coalesce(caller_role, ''), true);
END
$$;
"""

# table → the product ids a set of its rows (the transition table ``rows``) touches
TRIGGERED: dict[str, str] = {
    "wagtailcore_page": "SELECT id FROM rows",
    "catalog_productpage": "SELECT page_ptr_id FROM rows",
    "catalog_productvariant": "SELECT product_id FROM rows",
    # Only levels holding sellable stock (before or after): an empty level changes no product's
    # figures, so inserting one (the ledger does, before changing it under its lock) takes no lock.
    "inventory_stocklevel": (
        "SELECT variant.product_id FROM rows JOIN catalog_productvariant variant ON variant.id = rows.variant_id"
        " WHERE rows.on_hand > rows.reserved"
    ),
    "inventory_stocklocation": (
        "SELECT variant.product_id FROM rows"
        " JOIN inventory_stocklevel level ON level.location_id = rows.id"
        " JOIN catalog_productvariant variant ON variant.id = level.variant_id"
    ),
    "catalog_productpage_categories": "SELECT productpage_id FROM rows",
    "catalog_producttag": "SELECT content_object_id FROM rows",
}
EVENTS = {"insert": "NEW TABLE AS new_rows", "update": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
          "delete": "OLD TABLE AS old_rows"}  # fmt: skip


def _function_name(table: str) -> str:
    return f"catalog_listing_after_{table}"


def trigger_function(table: str, ids: str) -> str:
    """The trigger function refreshing the products a statement on ``table`` touched (``ids``: as in ``TRIGGERED``)."""
    new_ids = ids.replace("FROM rows", "FROM new_rows AS rows")
    old_ids = ids.replace("FROM rows", "FROM old_rows AS rows")
    return f"""
CREATE OR REPLACE FUNCTION {_function_name(table)}() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM catalog_listing_refresh(ARRAY({new_ids})::bigint[]);
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM catalog_listing_refresh(ARRAY({new_ids} UNION {old_ids})::bigint[]);
    ELSE
        PERFORM catalog_listing_refresh(ARRAY({old_ids})::bigint[]);
    END IF;
    RETURN NULL;
END
$$;
"""


def install_sql() -> list[str]:
    """The refresh function, one trigger function per table and its three statement triggers."""
    statements = [REFRESH_FUNCTION]
    for table, ids in TRIGGERED.items():
        statements.append(trigger_function(table, ids))
        for event, referencing in EVENTS.items():
            name = f"catalog_listing_{event}"
            statements.append(f"DROP TRIGGER IF EXISTS {name} ON {table};")
            statements.append(
                f"CREATE TRIGGER {name} AFTER {event.upper()} ON {table} REFERENCING {referencing} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {_function_name(table)}();"
            )
    return statements


def uninstall_sql() -> list[str]:
    statements = []
    for table in TRIGGERED:
        statements += [f"DROP TRIGGER IF EXISTS catalog_listing_{event} ON {table};" for event in EVENTS]
        statements.append(f"DROP FUNCTION IF EXISTS {_function_name(table)}();")
    statements.append("DROP FUNCTION IF EXISTS catalog_listing_refresh(bigint[]);")
    return statements


REFRESH_ALL = "SELECT catalog_listing_refresh(ARRAY(SELECT page_ptr_id FROM catalog_productpage)::bigint[]);"
