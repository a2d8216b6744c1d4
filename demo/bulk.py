"""Many products at once, for benchmarks: ``seed_demo --products 100000`` in seconds, not hours.

``add_child`` costs several queries per page, so this path writes the tree itself. PostgreSQL generates
the rows with ``INSERT ... SELECT ... FROM generate_series``: one statement per table (pages, product
pages, variants, gallery images, categories) and one ``numchild`` update, whatever the number of products.

* Paths are treebeard's materialised paths: the shop's path plus one ``steplen``-character step in
  treebeard's alphabet (base 36), numbered on from the shop's last child — the same value
  ``ProductPage._get_path(shop.path, shop.depth + 1, position)`` computes.
* ``url_path`` is the shop's ``url_path`` + slug + "/", so Wagtail routes to the pages; they are live
  and carry ``first_published_at`` but have no revision (the editor creates one on first save).
* Products are numbered on from the store's highest ``BULK-nnnnnn`` SKU, so every run ADDS N products.
* ``seed_demo`` indexes bulk products for search afterwards (``search.bulk_index``); they get no
  reference index entry (``manage.py rebuild_references_index``); they list in the shop and in
  collections, which read the database.
* Columns this module does not set take the model field's default, read from the model, so a new
  Wagtail column with a default needs no change here; one without a default fails loudly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.db.models import BigIntegerField, F, Max
from django.db.models.functions import Cast, Substr
from django.utils import timezone
from wagtail.images.models import Image
from wagtail.models import Collection, Page

from commerce.catalog.models import (
    Category,
    ProductImage,
    ProductIndexPage,
    ProductListing,
    ProductPage,
    ProductVariant,
)
from commerce.core.table_stats import tables_analyze
from commerce.inventory.models import StockLevel, StockMovement
from commerce.inventory.services import default_location
from commerce.stores.models import Store

from .images import Artwork, image_ensure
from .publishing import block

SKU_PREFIX = "BULK-"
SLUG_PREFIX = "bulk-"
MIN_NUMBER_WIDTH = 6
SHARED_IMAGE_COUNT = 6
ADJECTIVES = ("Alpine", "Harbour", "Field", "Summit", "Cabin", "Coastal", "Forest", "Prairie", "Canyon", "Tundra")
NOUNS = (
    "Jacket",
    "Tee",
    "Sweater",
    "Mug",
    "Blanket",
    "Bottle",
    "Backpack",
    "Beanie",
    "Lantern",
    "Tote",
    "Skillet",
    "Hammock",
    "Vest",
    "Scarf",
    "Candle",
    "Socks",
)


@dataclass(frozen=True)
class BulkResult:
    created: int
    first_sku: str
    last_sku: str


def shared_images_ensure(*, collection: Collection, image_size: int) -> list[Image]:
    """A handful of generated images every bulk product shares (created on the first run only)."""
    images = []
    for number in range(1, SHARED_IMAGE_COUNT + 1):
        image, _created = image_ensure(
            title=f"Bulk catalogue {number}",
            file_stem=f"bulk-catalogue-{number}",
            artwork=Artwork(key=f"bulk-{number}", initials=f"B{number}", caption="Bulk catalogue"),
            width=image_size,
            height=image_size,
            collection=collection,
            variant=number,
        )
        images.append(image)
    return images


def _insert_select_sql(
    model: type[models.Model], *, expressions: dict[str, str], source: str, params: dict[str, Any]
) -> str:
    """``INSERT INTO <model table> (...) SELECT ... FROM <source>`` covering every column of the table.

    ``expressions`` maps a field's attname to SQL evaluated per row. Any other column gets the field's
    default as a parameter (added to ``params``); a callable default (uuid4, now) would repeat one value
    on every row, so such fields must have an expression.
    """
    quote = connection.ops.quote_name
    columns, values = [], []
    for field in model._meta.local_concrete_fields:
        if field is model._meta.auto_field:
            continue
        if field.attname in expressions:
            values.append(expressions[field.attname])
        else:
            if (field.has_default() and callable(field.default)) or (field.get_default() is None and not field.null):
                raise ValueError(f"{model.__name__}.{field.name} needs a per-row expression for bulk insert.")
            name = f"default_{model._meta.db_table}_{field.attname}"
            params[name] = field.get_db_prep_save(field.get_default(), connection)
            values.append(f"CAST(%({name})s AS {field.db_type(connection)})")
        columns.append(quote(field.column))
    unknown = set(expressions) - {field.attname for field in model._meta.local_concrete_fields}
    if unknown:
        raise ValueError(f"{model.__name__} has no columns {sorted(unknown)}.")
    # Identifiers come from model metadata and expressions from this module; values are parameters.
    table = quote(model._meta.db_table)
    return f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)} FROM {source}"  # noqa: S608


def _path_step_sql(position: str) -> str:
    """SQL for treebeard's step of ``position``: ``steplen`` digits of ``Page.alphabet``, zero-padded."""
    base = len(Page.alphabet)
    digits = [
        f"substr(%(alphabet)s, (mod(({position}) / {base**power}, {base}))::int + 1, 1)"
        for power in reversed(range(Page.steplen))
    ]
    return " || ".join(digits)


def _next_numbers(*, store: Store, shop: Page) -> tuple[int, int]:
    """The next bulk number (after the highest BULK SKU or bulk slug) and the shop's next child position."""
    highest_sku = ProductVariant.objects.filter(store=store, sku__regex=rf"^{SKU_PREFIX}[0-9]+$").aggregate(
        number=Max(Cast(Substr("sku", len(SKU_PREFIX) + 1), BigIntegerField()))
    )["number"]
    children = Page.objects.filter(path__startswith=shop.path, depth=shop.depth + 1)
    last = children.aggregate(
        path=Max("path"),
        number=Max(
            Cast(Substr("slug", len(SLUG_PREFIX) + 1), BigIntegerField()),
            filter=models.Q(slug__regex=rf"^{SLUG_PREFIX}[0-9]+$"),
        ),
    )
    number = max(highest_sku or 0, last["number"] or 0) + 1
    position = Page._str2int(last["path"][-Page.steplen :]) + 1 if last["path"] else 1
    return number, position


@transaction.atomic
def bulk_products_add(*, store: Store, count: int, images: list[Image]) -> BulkResult:
    """Add ``count`` live products (one variant, one shared image, one category each) to the store's shop.

    Uses the same number of queries for any ``count``. Call ``shared_images_ensure`` first for ``images``.
    """
    if count < 1:
        raise ValueError("count must be at least 1.")
    if not images:
        raise ValueError("Bulk products need at least one shared image.")
    shop_id = ProductIndexPage.objects.child_of(store.site.root_page).values_list("pk", flat=True).get()
    shop = Page.objects.select_for_update().get(pk=shop_id)  # serialises concurrent bulk runs on this shop
    first_number, first_position = _next_numbers(store=store, shop=shop)
    last_number = first_number + count - 1
    if first_position + count - 1 >= len(Page.alphabet) ** Page.steplen:
        raise ValueError(f"The shop can hold at most {len(Page.alphabet) ** Page.steplen - 1} products.")
    width = max(MIN_NUMBER_WIDTH, len(str(last_number)))
    category_ids = list(Category.objects.order_by("pk").values_list("pk", flat=True))

    number = "lpad(g.n::text, %(width)s, '0')"
    slug = f"(%(slug_prefix)s || {number})"
    path = f"(%(shop_path)s || {_path_step_sql('%(first_position)s + g.n - %(first_number)s')})"
    noun = "(%(nouns)s::text[])[1 + mod(g.n / %(adjective_count)s, %(noun_count)s)]"
    title = f"((%(adjectives)s::text[])[1 + mod(g.n, %(adjective_count)s)] || ' ' || {noun} || ' No. ' || g.n)"
    price = "round((9 + mod(g.n * 37, 240) + mod(g.n * 13, 100) / 100.0)::numeric, 2)"
    params: dict[str, Any] = {
        "first_number": first_number,
        "last_number": last_number,
        "first_position": first_position,
        "width": width,
        "alphabet": Page.alphabet,
        "slug_prefix": SLUG_PREFIX,
        "sku_prefix": SKU_PREFIX,
        "shop_path": shop.path,
        "shop_url_path": shop.url_path,
        "depth": shop.depth + 1,
        "locale_id": shop.locale_id,
        "content_type_id": ContentType.objects.get_for_model(ProductPage).pk,
        "now": timezone.now(),
        "adjectives": list(ADJECTIVES),
        "adjective_count": len(ADJECTIVES),
        "nouns": list(NOUNS),
        "noun_count": len(NOUNS),
        "store_id": store.pk,
        "location_id": default_location(store_id=store.pk).pk,
        "image_ids": [image.pk for image in images],
        "category_ids": category_ids,
        "description": ProductPage.description.field.get_db_prep_save(
            ProductPage.description.field.stream_block.to_python(
                [block("paragraph", "<p>A dependable piece from the bulk catalogue, generated for load tests.</p>")]
            ),
            connection,
        ),
    }
    series = "generate_series(%(first_number)s, %(last_number)s) AS g(n)"
    new_pages = f"{series} JOIN {connection.ops.quote_name(Page._meta.db_table)} p ON p.path = {path}"
    quote = connection.ops.quote_name
    new_variants = f"{new_pages} JOIN {quote(ProductVariant._meta.db_table)} v ON v.product_id = p.id"
    statements = [
        _insert_select_sql(
            Page,
            source=series,
            params=params,
            expressions={
                "path": path,
                "depth": "%(depth)s",
                "numchild": "0",
                "title": title,
                "draft_title": title,
                "slug": slug,
                "url_path": f"(%(shop_url_path)s || {slug} || '/')",
                "content_type_id": "%(content_type_id)s",
                "live": "true",
                "first_published_at": "%(now)s",
                "last_published_at": "%(now)s",
                "locale_id": "%(locale_id)s",
                "translation_key": "gen_random_uuid()",
            },
        ),
        _insert_select_sql(
            ProductPage,
            source=new_pages,
            params=params,
            expressions={
                "page_ptr_id": "p.id",
                "summary": f"('A hard-wearing ' || lower({noun}) || ' from the bulk catalogue, item ' || g.n || '.')",
                "description": "CAST(%(description)s AS jsonb)",
            },
        ),
        _insert_select_sql(
            ProductVariant,
            source=new_pages,
            params=params,
            expressions={
                "product_id": "p.id",
                "store_id": "%(store_id)s",
                "sku": f"(%(sku_prefix)s || {number})",
                "sort_order": "0",
                "price": price,
                "compare_at_price": f"CASE WHEN mod(g.n, 7) = 0 THEN ceil({price} * 1.25) END",
                "weight_grams": "100 + mod(g.n * 53, 2400)",
                "length_mm": "150 + mod(g.n * 3, 300)",
                "width_mm": "100 + mod(g.n * 5, 200)",
                "height_mm": "20 + mod(g.n * 7, 150)",
            },
        ),
        _insert_select_sql(
            StockLevel,
            source=new_variants,
            params=params,
            expressions={
                "variant_id": "v.id",
                "location_id": "%(location_id)s",
                "on_hand": "CASE WHEN mod(g.n, 19) = 0 THEN 0 WHEN mod(g.n, 11) = 0 THEN 3 "
                "ELSE 10 + mod(g.n * 7, 90) END",
            },
        ),
        _insert_select_sql(
            StockMovement,
            source=f"{new_variants} JOIN {quote(StockLevel._meta.db_table)} l ON l.variant_id = v.id",
            params=params,
            expressions={
                "level_id": "l.id",
                "kind": "'opening'",
                "quantity": "l.on_hand",
                "on_hand_after": "l.on_hand",
                "note": "'Bulk catalogue opening stock.'",
                "created_at": "%(now)s",
            },
        ),
        _insert_select_sql(
            ProductImage,
            source=new_pages,
            params=params,
            expressions={
                "product_id": "p.id",
                "sort_order": "0",
                "image_id": "(%(image_ids)s::bigint[])[1 + mod(g.n, cardinality(%(image_ids)s::bigint[]))]",
            },
        ),
    ]
    through_categories = ProductPage.categories.through
    if category_ids:
        through = through_categories
        categories_field = ProductPage._meta.get_field("categories")
        statements.append(
            _insert_select_sql(
                through,
                source=new_pages,
                params=params,
                expressions={
                    through._meta.get_field(categories_field.m2m_field_name()).attname: "p.id",
                    through._meta.get_field(
                        categories_field.m2m_reverse_field_name()
                    ).attname: "(%(category_ids)s::bigint[])[1 + mod(g.n, cardinality(%(category_ids)s::bigint[]))]",
                },
            )
        )
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement, params)
    Page.objects.filter(pk=shop.pk).update(numchild=F("numchild") + count)
    # Listings and the stock screens that follow plan with the new rows, not stale statistics.
    # (the listing summary was kept by the database's triggers, once per statement above)
    tables_analyze(
        [Page, ProductPage, ProductListing, ProductVariant, StockLevel, StockMovement, ProductImage, through_categories]
    )
    sku = f"{SKU_PREFIX}{{:0{width}d}}"
    return BulkResult(created=count, first_sku=sku.format(first_number), last_sku=sku.format(last_number))
