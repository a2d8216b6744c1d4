"""The full-text and as-you-type match of products (and content pages), as one SQL query on the index.

modelsearch's queryset joins every page to its index entry (``page.id::text = object_id``) and
filters on ``title || body`` without an index for it, so a search read every product of the
catalogue (274–453 ms at 100,000 products). This query starts from the index: PostgreSQL finds
the matching entries with the GIN index on ``title || body`` (``search/migrations/0002``) or on
``autocomplete``, joins only those to their pages by primary key, keeps the store's live, public
products, and ranks them with modelsearch's own expression (``ts_rank`` with its weights, the title
scaled by ``title_norm``; the newest page first among equals), so results and their order are the
ones ``ProductPage.objects.search()`` / ``.autocomplete()`` return.
"""

from __future__ import annotations

import re

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from modelsearch.backends import get_search_backend
from modelsearch.backends.database.postgres.weights import get_sql_weights
from modelsearch.utils import get_descendants_content_types_pks
from wagtail.models import Page, PageViewRestriction
from wagtail.search.models import IndexEntry

from commerce.catalog.models import ProductPage


def tsquery_text(query: str, *, last_is_prefix: bool) -> str:
    """The words of ``query`` as a raw tsquery ANDing each one, quoted (modelsearch's ``PlainText``
    with its default operator); the last one a prefix for as-you-type. Empty for no words."""
    terms = [term for term in re.split(r"[\s\-]+", query) if term]
    lexemes = ["'" + term.replace("'", "''").replace("\\", "\\\\") + "'" for term in terms]
    if lexemes and last_is_prefix:
        lexemes[-1] += ":*"
    return " & ".join(lexemes)


def matching_product_ids(*, root: Page, query: str, autocomplete: bool, limit: int) -> list[int]:
    """Ids of the live, public products under ``root`` whose index entry matches ``query``, best first.

    ``autocomplete=False``: the words against ``title || body`` with the backend's configuration;
    ``True``: against ``autocomplete`` with ``simple``, the last word a prefix ("stonew"). One query."""
    product_type = ContentType.objects.get_for_model(ProductPage).pk
    rows = _matching_pages(
        root=root, query=query, autocomplete=autocomplete, limit=limit, content_types=[product_type], inclusive=False
    )
    return [page.pk for page in rows]


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
    if autocomplete:
        match, rank = "e.autocomplete @@ q.q", "ts_rank(%(weights)s::float4[], e.autocomplete, q.q)"
    else:
        match = "(e.title || e.body) @@ q.q"  # the expression the GIN index is built on
        rank = (
            "ts_rank(%(weights)s::float4[], e.title, q.q) * e.title_norm + ts_rank(%(weights)s::float4[], e.body, q.q)"
        )
    quote = connection.ops.quote_name
    page, restriction = quote(Page._meta.db_table), quote(PageViewRestriction._meta.db_table)
    # Identifiers come from model metadata and the fixed strings above; every value is a parameter.
    # The tsquery is computed once (MATERIALIZED): inlined, PostgreSQL parsed it again for every row.
    # Page entries' object ids are page ids, so the cast runs on page entries only.
    sql = f"""
        WITH q AS MATERIALIZED (SELECT {tsquery} AS q)
        SELECT p.id, p.title, p.url_path, p.path, p.depth, p.search_description, p.locale_id
        FROM q
        JOIN {quote(IndexEntry._meta.db_table)} e ON {match}
        JOIN {page} p ON p.id = e.object_id::integer
        WHERE e.content_type_id = ANY(%(content_types)s)
          AND p.live AND p.path LIKE %(root_path)s AND p.depth {">=" if inclusive else ">"} %(root_depth)s
          AND NOT EXISTS (
              SELECT 1 FROM {restriction} r JOIN {page} rp ON rp.id = r.page_id
              WHERE p.path LIKE rp.path || '%%'
          )
        ORDER BY {rank} DESC, p.id DESC
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
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    fields = ("id", "title", "url_path", "path", "depth", "search_description", "locale_id")
    return [Page(**dict(zip(fields, row, strict=True))) for row in rows]
