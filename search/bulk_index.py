"""Write many products' search index entries at once.

modelsearch's PostgreSQL index builds each entry in Python (one ``SearchVector`` expression per text,
compiled per object) after loading every product with its relations: 100,000 products took about
half an hour. This path reads the texts of a batch with a few ``values_list`` queries (no model
instances), and PostgreSQL computes the ``title``, ``body`` and ``autocomplete`` tsvectors of the
whole batch in one ``INSERT ... SELECT``.

The entries are the ones modelsearch writes (``tests/search/test_bulk_index.py`` compares them):
the same texts, taken in the order of the model's ``search_fields``, each made a tsvector with the
weight its boost maps to (modelsearch's own ``get_weight``) and the backend's text search
configuration (``simple`` for autocomplete), concatenated in that order with ``||`` (the
``magpie_tsvector_agg`` aggregate, ``search/migrations/0002``), plus the plain ``title_text`` and
``body_text`` the fuzzy search reads. A search field this module cannot read raises
``ImproperlyConfigured`` rather than leaving it out of the index.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import connections, models
from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils.encoding import force_str
from modelsearch.backends.database.postgres.weights import get_weight
from modelsearch.conf import get_app_config
from modelsearch.index import AutocompleteField, FilterField, RelatedFields, SearchField
from modelsearch.utils import get_content_type_pk

from commerce.catalog.models import ProductPage, ProductVariant, sku_search_text_for
from commerce.core.table_stats import tables_analyze

from .models import ProductSearchRow

TITLE, BODY, AUTOCOMPLETE = "title", "body", "autocomplete"
AUTOCOMPLETE_WEIGHT = "D"  # modelsearch gives AutocompleteField no boost: weight D


def _variant_sku_texts(ids: Sequence[int]) -> dict[int, object]:
    skus: dict[int, list[str]] = defaultdict(list)
    rows = ProductVariant.objects.filter(product_id__in=ids).order_by("product_id", "sort_order", "pk")
    for product_id, sku in rows.values_list("product_id", "sku"):
        skus[product_id].append(sku)
    return {product_id: sku_search_text_for(product_skus) for product_id, product_skus in skus.items()}


# Search fields that are methods, not columns: how to compute them for a batch of ids.
METHOD_TEXTS: dict[type[models.Model], dict[str, Callable[[Sequence[int]], dict[int, object]]]] = {
    ProductPage: {"sku_search_text": _variant_sku_texts},
}
BULK_MODELS = tuple(METHOD_TEXTS)


# Inside a full rebuild the rebuilder refreshes every title norm once at the end; refreshing after each
# batch would scan and rewrite the growing index once per batch.
_title_norms_deferred: ContextVar[bool] = ContextVar("title_norms_deferred", default=False)


@contextmanager
def title_norms_deferred() -> Iterator[None]:
    """Skip the per-batch title-norm refresh while a rebuild that refreshes them at its end runs."""
    token = _title_norms_deferred.set(True)
    try:
        yield
    finally:
        _title_norms_deferred.reset(token)


def title_norms_refresh_due() -> bool:
    return not _title_norms_deferred.get()


def handles(model: type[models.Model]) -> bool:
    """Whether entries of ``model`` (exactly, not a subclass) are written by this module."""
    return model in BULK_MODELS


def _prepared(value: Any) -> str:
    """A field's value as modelsearch indexes it (``ObjectIndexer.prepare_value``)."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return ", ".join(_prepared(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(_prepared(item) for item in value.values())
    return force_str(value)


def _kind(search_field: SearchField | AutocompleteField) -> str:
    if isinstance(search_field, AutocompleteField):
        return AUTOCOMPLETE
    return TITLE if search_field.field_name == "title" else BODY


def _weight(search_field: SearchField | AutocompleteField) -> str:
    return AUTOCOMPLETE_WEIGHT if isinstance(search_field, AutocompleteField) else get_weight(search_field.boost)


def _own_values(model: type[models.Model], name: str, ids: Sequence[int]) -> dict[int, object]:
    """``name``'s value per id: a column, a field with searchable content (a StreamField), or a method."""
    try:
        model_field = model._meta.get_field(name)
    except FieldDoesNotExist:
        method = METHOD_TEXTS.get(model, {}).get(name)
        if method is None:
            raise ImproperlyConfigured(f"search.bulk_index cannot compute {model.__name__}.{name}().") from None
        return method(ids)
    if model_field.is_relation:
        raise ImproperlyConfigured(f"search.bulk_index cannot index the relation {model.__name__}.{name} directly.")
    queryset = model._default_manager.filter(pk__in=ids)
    if not hasattr(model_field, "get_searchable_content"):
        return dict(queryset.values_list("pk", name))
    # e.g. a StreamField: its searchable content, computed once per distinct stored value
    by_raw: dict[str, object] = {}
    values: dict[int, object] = {}
    for pk, raw in queryset.annotate(_raw=Cast(name, TextField())).values_list("pk", "_raw"):
        if raw not in by_raw:
            stored = json.loads(raw) if raw else []
            by_raw[raw] = model_field.get_searchable_content(model_field.to_python(stored))
        values[pk] = by_raw[raw]
    return values


def _related_rows(
    model: type[models.Model], related: RelatedFields, ids: Sequence[int]
) -> dict[int, list[dict[str, object]]]:
    """The related objects' values per id, in the related model's default ordering (then pk)."""
    relation = model._meta.get_field(related.field_name)
    related_model = relation.related_model
    names = []
    for sub_field in related.fields:
        if isinstance(sub_field, RelatedFields):
            raise ImproperlyConfigured(f"search.bulk_index cannot index nested RelatedFields ({related.field_name}).")
        if not isinstance(sub_field, FilterField):
            names.append(sub_field.field_name)
    prefix = f"{related.field_name}__"
    ordering = [
        ("-" if term.startswith("-") else "") + prefix + term.lstrip("-")
        for term in (related_model._meta.ordering or [])
        if isinstance(term, str)
    ]
    queryset = model._default_manager.filter(pk__in=ids).order_by("pk", *ordering, prefix + "pk")
    rows: dict[int, list[dict[str, object]]] = defaultdict(list)
    for pk, related_pk, *values in queryset.values_list("pk", prefix + "pk", *(prefix + name for name in names)):
        if related_pk is not None:
            rows[pk].append(dict(zip(names, values, strict=True)))
    return rows


def _texts(model: type[models.Model], ids: Sequence[int]) -> dict[int, list[tuple[str, str, str]]]:
    """Every object's (kind, weight, stripped text) in the order modelsearch's ObjectIndexer takes them."""
    search_fields = model.get_search_fields()
    own = {
        search_field.field_name: _own_values(model, search_field.field_name, ids)
        for search_field in search_fields
        if isinstance(search_field, SearchField | AutocompleteField)
    }
    related = {
        search_field.field_name: _related_rows(model, search_field, ids)
        for search_field in search_fields
        if isinstance(search_field, RelatedFields)
    }
    parts: dict[int, list[tuple[str, str, str]]] = {pk: [] for pk in ids}
    for pk in ids:
        for search_field in search_fields:
            if isinstance(search_field, SearchField | AutocompleteField):
                if pk in own[search_field.field_name]:
                    text = _prepared(own[search_field.field_name][pk]).strip()
                    parts[pk].append((_kind(search_field), _weight(search_field), text))
            elif isinstance(search_field, RelatedFields):
                for row in related[search_field.field_name].get(pk, []):
                    for sub_field in search_field.fields:
                        if isinstance(sub_field, SearchField | AutocompleteField):
                            text = _prepared(row[sub_field.field_name]).strip()
                            parts[pk].append((_kind(sub_field), _weight(sub_field), text))
    return parts


def _vector_sql(config: str | None) -> str:
    """Django's ``SearchVector(text, config=..., weight=...)`` as SQL, for the aggregate below."""
    if config:
        return 'setweight(to_tsvector(%s::regconfig, part), weight::"char")'
    return 'setweight(to_tsvector(part), weight::"char")'


def entries_write(model: type[models.Model], ids: Sequence[int], *, backend: Any) -> int:
    """Insert or update the index entries of ``ids`` (objects of ``model``) in one statement.

    An entry whose vectors and texts are unchanged is not rewritten (its title norm is kept: it is
    what a refresh would compute again), so re-indexing an indexed catalogue writes almost nothing.

    ``backend`` is modelsearch's PostgreSQL backend (its text search configurations). The title
    norms are not refreshed here: the caller does that once (``PostgresIndex._refresh_title_norms``)."""
    ids = list(dict.fromkeys(ids))
    if not ids:
        return 0
    parts = _texts(model, ids)
    object_ids, kinds, ordinals, texts, weights = [], [], [], [], []
    title_texts, body_texts = [], []
    for pk in ids:
        title_words, body_words = [], []
        for ordinal, (kind, weight, text) in enumerate(parts[pk]):
            if kind == TITLE and text:
                title_words.append(text)
            elif kind == BODY and text:
                body_words.append(text)
            if text:
                object_ids.append(str(pk))
                kinds.append(kind)
                ordinals.append(ordinal)
                texts.append(text)
                weights.append(weight)
        title_texts.append(" ".join(title_words))
        body_texts.append(" ".join(body_words))
    index_entry = get_app_config().get_model("IndexEntry")
    connection = connections[index_entry._default_manager.db]
    table = connection.ops.quote_name(index_entry._meta.db_table)
    config, autocomplete_config = backend.config, backend.autocomplete_config
    vector, autocomplete_vector = _vector_sql(config), _vector_sql(autocomplete_config)
    # Identifiers come from model metadata; every value is a parameter.
    sql = f"""
        WITH parts AS (
            SELECT * FROM unnest(%s::text[], %s::text[], %s::int[], %s::text[], %s::text[])
                AS p(object_id, kind, ordinal, part, weight)
        ), vectors AS (
            SELECT object_id,
                   magpie_tsvector_agg({vector} ORDER BY ordinal) FILTER (WHERE kind = 'title') AS title,
                   magpie_tsvector_agg({vector} ORDER BY ordinal) FILTER (WHERE kind = 'body') AS body,
                   magpie_tsvector_agg({autocomplete_vector} ORDER BY ordinal)
                       FILTER (WHERE kind = 'autocomplete') AS autocomplete
            FROM parts GROUP BY object_id
        )
        INSERT INTO {table} AS t
            (content_type_id, object_id, title, autocomplete, body, title_norm, title_text, body_text)
        SELECT %s, o.object_id, COALESCE(v.title, ''), COALESCE(v.autocomplete, ''), COALESCE(v.body, ''), 1.0,
               o.title_text, o.body_text
        FROM unnest(%s::text[], %s::text[], %s::text[]) AS o(object_id, title_text, body_text)
        LEFT JOIN vectors v USING (object_id)
        ON CONFLICT (content_type_id, object_id)
        DO UPDATE SET title = EXCLUDED.title, title_norm = 1.0, autocomplete = EXCLUDED.autocomplete,
                      body = EXCLUDED.body, title_text = EXCLUDED.title_text, body_text = EXCLUDED.body_text
        WHERE (t.title, t.body, t.autocomplete, t.title_text, t.body_text)
              IS DISTINCT FROM (EXCLUDED.title, EXCLUDED.body, EXCLUDED.autocomplete, EXCLUDED.title_text,
                                EXCLUDED.body_text)
    """  # noqa: S608
    params = [
        object_ids,
        kinds,
        ordinals,
        texts,
        weights,
        *([config] * 2 if config else []),
        *([autocomplete_config] if autocomplete_config else []),
        get_content_type_pk(model),
        [str(pk) for pk in ids],
        title_texts,
        body_texts,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    return len(ids)


def id_batches(queryset: models.QuerySet, *, batch_size: int) -> Iterator[list[int]]:
    """The queryset's primary keys in ascending batches (keyset pagination: no OFFSET)."""
    last: int | None = None
    ids_query = queryset.order_by("pk").values_list("pk", flat=True)
    while True:
        batch = list((ids_query if last is None else ids_query.filter(pk__gt=last))[:batch_size])
        if not batch:
            return
        yield batch
        last = batch[-1]


def queryset_index(
    queryset: models.QuerySet,
    *,
    batch_size: int = 2000,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write the entries of every object in ``queryset`` (of a model this module handles), in batches,
    then refresh the title norms once. Returns how many objects were indexed."""
    from modelsearch.backends import get_search_backends
    from modelsearch.backends.database.postgres.postgres import PostgresSearchBackend

    model = queryset.model
    if not handles(model):
        raise ValueError(f"search.bulk_index does not write {model.__name__} entries.")
    backends = [
        backend for backend in get_search_backends(with_auto_update=True) if isinstance(backend, PostgresSearchBackend)
    ]
    total = 0
    for batch in id_batches(queryset, batch_size=batch_size):
        for backend in backends:
            entries_write(model, batch, backend=backend)
        total += len(batch)
        if progress is not None:
            progress(total)
    for backend in backends:
        backend.get_index_for_model(model)._refresh_title_norms()
    if total:  # searches plan with the new entries and rows, not the statistics of emptier tables
        tables_analyze([get_app_config().get_model("IndexEntry"), ProductSearchRow])
    return total
