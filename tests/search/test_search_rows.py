"""The compact search table (``ProductSearchRow``) stays equal to the listing summary joined to the
search index after every kind of change, in the changing transaction, and a search reads the
change at once: a publish, an unpublish, a price change, selling out, a category, a re-index."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db import connection, transaction

from commerce.catalog.models import ProductPage, ProductVariant
from commerce.inventory.services import StockChange, default_location, stock_change
from search.models import ProductSearchRow
from tests.catalog.helpers import categorise
from tests.factories import CategoryFactory, ProductPageFactory

pytestmark = pytest.mark.django_db

SUMMARY = "root_path, featured, first_published_at, min_price, in_stock, on_sale, category_ids, tag_ids"
EXPECTED = f"""
    SELECT l.product_id, {", ".join("l." + column for column in SUMMARY.split(", "))},
           coalesce(e.title, '')::text, coalesce(e.body, '')::text, coalesce(e.autocomplete, '')::text,
           coalesce(e.title_norm, 1.0)
    FROM catalog_productlisting l
    LEFT JOIN wagtailsearch_indexentry e
        ON e.content_type_id = (
            SELECT id FROM django_content_type WHERE app_label = 'catalog' AND model = 'productpage'
        )
       AND e.object_id = l.product_id::text
    ORDER BY 1
"""
ACTUAL = f"""
    SELECT product_id, {SUMMARY}, title::text, body::text, autocomplete::text, title_norm
    FROM search_productsearchrow ORDER BY 1
"""


def read(sql: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def assert_rows_match() -> None:
    expected = read(EXPECTED)
    assert expected, "the check needs some products"
    assert read(ACTUAL) == expected


def latest(product) -> ProductPage:
    return ProductPage.objects.get(pk=product.pk)


def product_titles(html: str) -> list[str]:
    return re.findall(r'<h3 class="product-card__title"><a href="[^"]*">([^<]*)</a></h3>', html)


def titles(client, **params) -> list[str]:
    return product_titles(client.get("/search/", params).content.decode())


def test_every_live_product_has_its_listing_and_index_entry_in_one_row(store, other_store):
    ProductPageFactory(store=store, title="Storm lantern", price="30.00")
    ProductPageFactory(store=other_store, title="Paper lantern", price="8.00")
    draft = ProductPageFactory(store=store, title="Draft lantern", live=False)

    assert_rows_match()
    assert not ProductSearchRow.objects.filter(product_id=draft.pk).exists()
    row = ProductSearchRow.objects.exclude(root_path=store.site.root_page.path).get()
    assert row.root_path == other_store.site.root_page.path


def test_publishing_lists_a_product_and_unpublishing_removes_it_from_every_search(client, store):
    ProductPageFactory(store=store, title="Storm lantern", price="30.00")
    product = ProductPageFactory(store=store, title="Paper lantern", price="8.00", live=False)
    assert titles(client, q="lantern", sort="price_asc") == ["Storm lantern"]

    latest(product).save_revision().publish()

    assert_rows_match()
    assert titles(client, q="lantern", sort="price_asc") == ["Paper lantern", "Storm lantern"]
    assert titles(client, q="paper") == ["Paper lantern"]

    latest(product).unpublish()

    assert_rows_match()
    assert titles(client, q="lantern", sort="price_asc") == ["Storm lantern"]
    assert titles(client, q="paper") == []


def test_a_price_change_reorders_a_sorted_search(client, store):
    ProductPageFactory(store=store, title="Storm lantern", price="30.00")
    paper = ProductPageFactory(store=store, title="Paper lantern", price="8.00")
    assert titles(client, q="lantern", sort="price_desc") == ["Storm lantern", "Paper lantern"]

    ProductVariant.objects.filter(product=paper).update(price=Decimal("45.00"))

    assert_rows_match()
    assert ProductSearchRow.objects.get(product_id=paper.pk).min_price == Decimal("45.00")
    assert titles(client, q="lantern", sort="price_desc") == ["Paper lantern", "Storm lantern"]
    assert titles(client, q="lantern", sort="price_asc", max_price="40") == ["Storm lantern"]


def test_selling_out_leaves_the_in_stock_filter(client, store):
    ProductPageFactory(store=store, title="Storm lantern", price="30.00", stock=5)
    paper = ProductPageFactory(store=store, title="Paper lantern", price="8.00", stock=2)
    location = default_location(store_id=store.pk)

    stock_change(changes=[StockChange(variant_id=paper.variants.get().pk, location_id=location.pk, count=0)])

    assert_rows_match()
    assert titles(client, q="lantern", in_stock="on", sort="price_asc") == ["Storm lantern"]
    assert titles(client, q="lantern", in_stock="on") == ["Storm lantern"]


def test_a_category_added_is_a_filter_of_a_sorted_search(client, store):
    lighting = CategoryFactory(name="Lighting", slug="lighting")
    ProductPageFactory(store=store, title="Storm lantern", price="30.00")
    paper = ProductPageFactory(store=store, title="Paper lantern", price="8.00")
    assert titles(client, q="lantern", category="lighting", sort="newest") == []

    categorise(paper, lighting)

    assert_rows_match()
    assert titles(client, q="lantern", category="lighting", sort="newest") == ["Paper lantern"]


def test_a_new_title_published_is_searched_by_its_new_words(client, store, django_capture_on_commit_callbacks):
    product = ProductPageFactory(store=store, title="Storm lantern", price="30.00")
    page = latest(product)
    page.title = "Hurricane lamp"

    with django_capture_on_commit_callbacks(execute=True):  # the entry is rebuilt once all is committed
        page.save_revision().publish()

    assert_rows_match()
    assert titles(client, q="hurricane", sort="price_asc") == ["Hurricane lamp"]
    assert titles(client, q="hurricane") == ["Hurricane lamp"]
    assert titles(client, q="storm", sort="price_asc") == []


def test_a_change_to_one_product_rewrites_only_its_row(store):
    products = [ProductPageFactory(store=store, title=f"Lantern {i}", price="10.00") for i in range(4)]
    versions = dict(read("SELECT product_id, xmin::text FROM search_productsearchrow"))

    ProductVariant.objects.filter(product=products[0]).update(price=Decimal("11.00"))

    after = dict(read("SELECT product_id, xmin::text FROM search_productsearchrow"))
    changed = {pk for pk in versions if after[pk] != versions[pk]}
    assert changed == {products[0].pk}


def test_a_rolled_back_change_leaves_the_rows_as_they_were(store):
    product = ProductPageFactory(store=store, title="Storm lantern", price="30.00")
    with pytest.raises(RuntimeError), transaction.atomic():
        ProductVariant.objects.filter(product=product).update(price=Decimal("1.00"))
        assert ProductSearchRow.objects.get(product_id=product.pk).min_price == Decimal("1.00")
        raise RuntimeError("roll back")
    assert ProductSearchRow.objects.get(product_id=product.pk).min_price == Decimal("30.00")


def test_a_restricted_product_is_left_out_of_a_sorted_search(client, store):
    from wagtail.models import PageViewRestriction

    ProductPageFactory(store=store, title="Storm lantern", price="30.00")
    secret = ProductPageFactory(store=store, title="Secret lantern", price="8.00")
    PageViewRestriction.objects.create(page=secret, restriction_type=PageViewRestriction.LOGIN)

    assert titles(client, q="lantern", sort="price_asc") == ["Storm lantern"]
    assert titles(client, q="lantern") == ["Storm lantern"]


def test_the_rows_are_the_same_as_a_fresh_rebuild(store):
    for i in range(3):
        ProductPageFactory(store=store, title=f"Lantern {i}", price=f"{10 + i}.00")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE search_productsearchrow SET min_price = 0, title = ''")
        cursor.execute("SELECT search_rows_refresh(ARRAY(SELECT product_id FROM catalog_productlisting))")

    assert_rows_match()
