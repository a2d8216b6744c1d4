"""The full-text and as-you-type match of products (and content pages), as SQL on the search index.

modelsearch's queryset joins every page to its index entry (``page.id::text = object_id``) and
filters on ``title || body`` without an index for it, so a search read every product of the
catalogue. These queries start from the index: PostgreSQL finds the matching entries with the GIN
index on ``title``, on ``title || body`` (``search/migrations/0002``) or on ``autocomplete``.

Products (``matching_product_ids``) are read from the compact search table
(``search.models.ProductSearchRow``: one narrow row per live product with its store, the listing
summary's sort and filter columns and its entry's vectors, kept by triggers): a
bounded candidate set — the store's matching rows, title matches first, then body-only matches,
at most ``limit`` — ranked with modelsearch's own expression (``ts_rank`` with its weights, the
title scaled by ``title_norm``; the newest page first among equals). Ranking every match read
each entry's vectors: 6,000–10,000 of them for a common word at 100,000 products. A filtered,
sorted listing of every match filters and sorts ``matching_rows`` (``search.selectors``).

Content pages (``matching_content_pages``): their few entries intersected with the match, ranked.
"""

from __future__ import annotations

import re

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db import connection
from django.db.models import F, QuerySet
from django.db.models.expressions import CombinedExpression
from modelsearch.backends import get_search_backend
from modelsearch.backends.database.postgres.weights import get_sql_weights
from modelsearch.utils import get_descendants_content_types_pks
from wagtail.models import Page, PageViewRestriction
from wagtail.search.models import IndexEntry

from commerce.catalog.models import ProductPage
from commerce.catalog.selectors.listings import TOP_DEPTH, summary_root_path

from .models import ProductSearchRow


def tsquery_text(query: str, *, last_is_prefix: bool) -> str:
    """The words of ``query`` as a raw tsquery ANDing each one, quoted (modelsearch's ``PlainText``
    with its default operator); the last one a prefix for as-you-type. Empty for no words."""
    terms = [term for term in re.split(r"[\s\-]+", query) if term]
    lexemes = ["'" + term.replace("'", "''").replace("\\", "\\\\") + "'" for term in terms]
    if lexemes and last_is_prefix:
        lexemes[-1] += ":*"
    return " & ".join(lexemes)


def matching_product_ids(*, root: Page, query: str, autocomplete: bool, limit: int) -> list[int]:
    """Ids of at most ``limit`` live, public products under ``root`` whose search row matches ``query``, best first.

    ``autocomplete=False``: the words against ``title || body`` with the backend's configuration;
    ``True``: against ``autocomplete`` with ``simple``, the last word a prefix ("stonew"). One query.

    Bounded whatever the number of matches: the candidates are taken through the GIN indexes of the
    compact search table (``ProductSearchRow``: one row per live product, with its store), rows
    matching in their title first, then rows matching only in their body, until ``limit``; only
    those are ranked. So a word in 10,000 titles ranks ``limit`` of them, never a body-only match
    before a title match."""
    text = tsquery_text(query, last_is_prefix=autocomplete)
    if not text:
        return []
    backend = get_search_backend()
    config = backend.autocomplete_config if autocomplete else backend.config
    tsquery = "to_tsquery(%(config)s::regconfig, %(query)s)" if config else "to_tsquery(%(query)s)"
    quote = connection.ops.quote_name
    rows = quote(ProductSearchRow._meta.db_table)
    store = "AND s.root_path = %(store)s" if root.depth >= TOP_DEPTH else ""  # the store's rows

    def tier(match: str) -> str:
        # Identifiers come from model metadata and fixed strings; every value is a parameter.
        return f"(SELECT s.product_id FROM q JOIN {rows} s ON {match} WHERE true {store} LIMIT %(limit)s)"  # noqa: S608

    if autocomplete:
        candidates = tier("s.autocomplete @@ q.q")
    else:  # a title match first: the second tier is read only when the first has fewer than ``limit``
        candidates = f"{tier('s.title @@ q.q')} UNION ALL {tier('(s.title || s.body) @@ q.q AND NOT s.title @@ q.q')}"
    sql = f"""
        WITH q AS MATERIALIZED (SELECT {tsquery} AS q),
        hits AS MATERIALIZED (SELECT c.product_id FROM ({candidates}) c LIMIT %(limit)s)
        SELECT p.id, p.title, p.url_path, p.path, p.depth, p.search_description, p.locale_id
        FROM q, hits h
        JOIN {rows} s ON s.product_id = h.product_id
        JOIN {quote(Page._meta.db_table)} p ON p.id = h.product_id
        WHERE {_visible_under_root(inclusive=False)}
        ORDER BY {_rank(autocomplete, alias="s")} DESC, p.id DESC
    """  # noqa: S608
    params = {
        "config": config,
        "query": text,
        "weights": get_sql_weights(),
        "store": summary_root_path(root),
        "root_path": root.path + "%",
        "root_depth": root.depth,
        "limit": limit,
    }
    return [page.pk for page in _pages(sql, params)]


def matching_rows(query: str, *, autocomplete: bool) -> QuerySet[ProductSearchRow]:
    """The search rows matching ``query`` (the same match as ``matching_product_ids``, unranked and
    unbounded), for a filtered, sorted listing of the matches: PostgreSQL takes them from a GIN
    index and filters and sorts the narrow rows in place."""
    backend = get_search_backend()
    text = tsquery_text(query, last_is_prefix=autocomplete)
    if autocomplete:
        return ProductSearchRow.objects.filter(
            autocomplete=SearchQuery(text, search_type="raw", config=backend.autocomplete_config)
        )
    document = CombinedExpression(F("title"), "||", F("body"), output_field=SearchVectorField())
    words = SearchQuery(text, search_type="raw", config=backend.config)
    return ProductSearchRow.objects.annotate(document=document).filter(document=words)


def matching_content_pages(*, root: Page, query: str, limit: int) -> list[Page]:
    """The live, public pages of the store other than products (``root`` included) whose entry
    matches ``query`` in full text, best first, as plain ``Page`` objects with what a search result
    shows (title, URL, search description). One query: the content types' few entries are
    intersected with the index's matches (a BitmapAnd), so matching products cost nothing."""
    product_type = ContentType.objects.get_for_model(ProductPage).pk
    content_types = [pk for pk in get_descendants_content_types_pks(Page) if pk != product_type]
    return _matching_pages(
        root=root, query=query, autocomplete=False, limit=limit, content_types=content_types, inclusive=True
    )


def _matching_pages(
    *, root: Page, query: str, autocomplete: bool, limit: int, content_types: list[int], inclusive: bool
) -> list[Page]:
    """Live, public pages of ``content_types`` under ``root`` whose entry matches, best first."""
    text = tsquery_text(query, last_is_prefix=autocomplete)
    if not text or not content_types:
        return []
    backend = get_search_backend()
    config = backend.autocomplete_config if autocomplete else backend.config
    tsquery = "to_tsquery(%(config)s::regconfig, %(query)s)" if config else "to_tsquery(%(query)s)"
    match = "e.autocomplete @@ q.q" if autocomplete else "(e.title || e.body) @@ q.q"  # the GIN index's expression
    quote = connection.ops.quote_name
    # Identifiers come from model metadata and the fixed strings above; every value is a parameter.
    # The tsquery is computed once (MATERIALIZED): inlined, PostgreSQL parsed it again for every row.
    # Page entries' object ids are page ids, so the cast runs on page entries only.
    sql = f"""
        WITH q AS MATERIALIZED (SELECT {tsquery} AS q)
        SELECT p.id, p.title, p.url_path, p.path, p.depth, p.search_description, p.locale_id
        FROM q
        JOIN {quote(IndexEntry._meta.db_table)} e ON {match}
        JOIN {quote(Page._meta.db_table)} p ON p.id = e.object_id::integer
        WHERE e.content_type_id = ANY(%(content_types)s) AND {_visible_under_root(inclusive=inclusive)}
        ORDER BY {_rank(autocomplete)} DESC, p.id DESC
        LIMIT %(limit)s
    """  # noqa: S608
    params = {
        "config": config,
        "query": text,
        "weights": get_sql_weights(),
        "content_types": content_types,
        "root_path": root.path + "%",
        "root_depth": root.depth,
        "limit": limit,
    }
    return _pages(sql, params)


def _rank(autocomplete: bool, *, alias: str = "e") -> str:
    """modelsearch's ranking of an entry (or search row) ``alias`` against ``q.q`` (its weights, the
    title scaled by its norm)."""
    e = alias
    if autocomplete:
        return f"ts_rank(%(weights)s::float4[], {e}.autocomplete, q.q)"
    title, body = f"ts_rank(%(weights)s::float4[], {e}.title, q.q)", f"ts_rank(%(weights)s::float4[], {e}.body, q.q)"
    return f"{title} * {e}.title_norm + {body}"


def _visible_under_root(*, inclusive: bool) -> str:
    """Page ``p`` is live, under the root (``%(root_path)s``, ``%(root_depth)s``) and has no view restriction."""
    quote = connection.ops.quote_name
    page, restriction = quote(Page._meta.db_table), quote(PageViewRestriction._meta.db_table)
    return f"""p.live AND p.path LIKE %(root_path)s AND p.depth {">=" if inclusive else ">"} %(root_depth)s
          AND NOT EXISTS (
              SELECT 1 FROM {restriction} r JOIN {page} rp ON rp.id = r.page_id
              WHERE p.path LIKE rp.path || '%%'
          )"""  # noqa: S608


def _pages(sql: str, params: dict[str, object]) -> list[Page]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    fields = ("id", "title", "url_path", "path", "depth", "search_description", "locale_id")
    return [Page(**dict(zip(fields, row, strict=True))) for row in rows]
