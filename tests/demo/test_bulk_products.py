from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page

from commerce.catalog.models import ProductIndexPage, ProductPage, ProductVariant
from commerce.inventory.models import StockMovement
from demo.bulk import bulk_products_add, shared_images_ensure
from demo.images import demo_collection
from demo.seed import demo_main_store
from search.selectors import ranked_product_ids
from tests.demo.conftest import TEST_IMAGE_SIZE

pytestmark = pytest.mark.django_db


def test_products_option_adds_live_products_under_the_shop_with_a_sound_tree(seeded, rf):
    store = demo_main_store()
    shop = ProductIndexPage.objects.child_of(store.site.root_page).get()
    seeded_products = ProductPage.objects.child_of(shop).count()

    output = StringIO()
    call_command("seed_demo", "--products", "500", "--image-size", str(TEST_IMAGE_SIZE), stdout=output)

    shop.refresh_from_db()
    bulk = ProductPage.objects.child_of(shop).filter(slug__startswith="bulk-").order_by("path")
    assert "Added 500 bulk products" in output.getvalue()
    assert bulk.live().count() == 500
    assert shop.numchild == ProductPage.objects.child_of(shop).count() == seeded_products + 500
    assert Page.find_problems() == ([], [], [], [], [])

    last = bulk.last()
    assert last.path == ProductPage._get_path(shop.path, shop.depth + 1, shop.numchild)
    assert last.url_path == f"{shop.url_path}{last.slug}/"
    assert store.site.root_page.specific.route(rf.get("/"), ["shop", last.slug]).page.pk == last.pk
    assert last.relative_url(store.site) == f"/shop/{last.slug}/"

    variants = ProductVariant.objects.filter(product__in=bulk)
    assert variants.filter(is_active=True, store=store).count() == 500
    assert sorted(variants.values_list("sku", flat=True))[:2] == ["BULK-000001", "BULK-000002"]
    assert variants.values("sku").distinct().count() == 500
    assert all(v.compare_at_price is None or v.compare_at_price > v.price for v in variants)
    assert not bulk.filter(gallery_images__isnull=True).exists()
    assert not bulk.filter(categories__isnull=True).exists()
    opened = StockMovement.objects.filter(level__variant_id__in=list(variants.values_list("pk", flat=True)))
    assert set(opened.values_list("kind", flat=True)) == {"opening"}
    assert opened.filter(quantity=F("level__on_hand")).count() == 500

    assert "Indexed 500 products for search" in output.getvalue()
    assert ranked_product_ids(root=store.site.root_page, query=last.variants.get().sku) == [last.pk]


def test_bulk_insert_runs_the_same_queries_for_ten_or_fifty_products(seeded):
    store = demo_main_store()
    images = shared_images_ensure(collection=demo_collection(), image_size=TEST_IMAGE_SIZE)
    bulk_products_add(store=store, count=1, images=images)  # warms the content type cache

    with CaptureQueriesContext(connection) as ten:
        first = bulk_products_add(store=store, count=10, images=images)
    with CaptureQueriesContext(connection) as fifty:
        second = bulk_products_add(store=store, count=50, images=images)

    # 16 since inventory: the store's default location, and one INSERT each for stock levels and opening movements;
    # 17 since the tables written are analysed at the end (one magpie_analyze call).
    assert len(ten) == len(fifty) == 17, [query["sql"][:80] for query in fifty.captured_queries]
    assert (first.first_sku, first.last_sku) == ("BULK-000002", "BULK-000011")
    assert (second.first_sku, second.last_sku) == ("BULK-000012", "BULK-000061")
    assert Page.find_problems() == ([], [], [], [], [])
