"""Listing facets (issue 15): each category and tag with its count given the listing's other active
filters, the in-stock and on-sale counts and the price range, read from the listing summary and
checked against SQL over the source tables (pages, categories, tags, variants, stock); the counts
the database keeps per store equal a recount after any change, and a stock, price or publish change
shows in the next page."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.db import connection
from wagtail.models import PageViewRestriction

from commerce.catalog.listing_refresh import listings_recount_facets
from commerce.catalog.models import CollectionProduct, ListingFacetCount, ProductPage
from commerce.inventory.services import StockChange, default_location, stock_change
from tests.catalog.helpers import categorise, tag
from tests.factories import CollectionPageFactory, ProductPageFactory

pytestmark = pytest.mark.django_db

# Each live product under a path, from the source tables: its cheapest price (among active variants
# with stock, else among all active ones), whether it is in stock and on sale, its categories and tags.
PRODUCTS_SQL = """
SELECT p.id, coalesce(min(v.price) FILTER (WHERE v.sellable), min(v.price)), coalesce(bool_or(v.sellable), false),
       coalesce(bool_or(v.compare_at_price > v.price), false),
       ARRAY(SELECT c.slug FROM catalog_productpage_categories pc JOIN catalog_category c ON c.id = pc.category_id
             WHERE pc.productpage_id = p.id),
       ARRAY(SELECT t.slug FROM catalog_producttag pt JOIN taggit_tag t ON t.id = pt.tag_id
             WHERE pt.content_object_id = p.id)
FROM wagtailcore_page p
JOIN catalog_productpage pp ON pp.page_ptr_id = p.id
LEFT JOIN (
    SELECT variant.*, EXISTS (
        SELECT 1 FROM inventory_stocklevel level JOIN inventory_stocklocation loc ON loc.id = level.location_id
        WHERE level.variant_id = variant.id AND loc.is_active AND level.on_hand > level.reserved
    ) AS sellable
    FROM catalog_productvariant variant WHERE variant.is_active
) AS v ON v.product_id = p.id
WHERE p.live AND p.path LIKE %s
GROUP BY p.id
"""


@dataclass(frozen=True)
class Row:
    id: int
    price: Decimal | None
    in_stock: bool
    on_sale: bool
    categories: frozenset[str]
    tags: frozenset[str]


def source_rows(root_path: str, *, only: set[int] | None = None) -> list[Row]:
    with connection.cursor() as cursor:
        cursor.execute(PRODUCTS_SQL, [root_path + "%"])
        rows = [Row(r[0], r[1], r[2], r[3], frozenset(r[4]), frozenset(r[5])) for r in cursor.fetchall()]
    return [row for row in rows if only is None or row.id in only]


def expected(rows: list[Row], params: dict) -> dict:
    """Facets counted in Python from the source rows: each facet given the other kinds of filter."""
    low, high = params.get("min_price"), params.get("max_price")
    cats = set(params.get("category", []))
    checks = {
        "price": lambda r: (
            (low is None or (r.price is not None and r.price >= Decimal(low)))
            and (high is None or (r.price is not None and r.price <= Decimal(high)))
        ),
        "stock": lambda r: not params.get("in_stock") or r.in_stock,
        "sale": lambda r: not params.get("on_sale") or r.on_sale,
        "category": lambda r: not cats or bool(cats & r.categories),
        "tag": lambda r: not params.get("tag") or params["tag"] in r.tags,
    }

    def passing(*but: str) -> list[Row]:
        return [r for r in rows if all(check(r) for kind, check in checks.items() if kind not in but)]

    prices = [r.price for r in passing("price") if r.price is not None]
    return {
        "categories": {
            slug: sum(slug in r.categories for r in passing("category")) for r in rows for slug in r.categories
        },
        "tags": {slug: sum(slug in r.tags for r in passing("tag")) for r in rows for slug in r.tags},
        "in_stock": sum(r.in_stock for r in passing("stock")),
        "on_sale": sum(r.on_sale for r in passing("sale")),
        "products": len(passing()),
        "price_range": (min(prices), max(prices)) if prices else (None, None),
    }


def shown(response) -> dict:
    facets = response.context["facets"]
    return {
        "categories": {option.value: option.count for option in response.context["category_options"]},
        "tags": {option.value: option.count for option in response.context["tag_options"]},
        "in_stock": facets.in_stock,
        "on_sale": facets.on_sale,
        "products": facets.products,
        "price_range": (facets.min_price, facets.max_price),
    }


def kept_counts() -> set[tuple]:
    return set(ListingFacetCount.objects.filter(products__gt=0).values_list("root_path", "facet", "value", "products"))


def assert_kept_counts_equal_a_recount() -> None:
    kept = kept_counts()
    listings_recount_facets()
    assert kept == kept_counts()


@pytest.fixture
def shop_url(shop_index) -> str:
    return urlsplit(shop_index.full_url).path


def test_the_shop_shows_its_facets_as_counted_from_the_source_tables(client, store, catalogue, shop_url):
    response = client.get(shop_url)

    assert shown(response) == expected(source_rows(store.site.root_page.path), {})
    assert shown(response)["categories"] == {"accessories": 2, "knitwear": 1, "outerwear": 1}  # not "Elsewhere"
    assert shown(response)["price_range"] == (Decimal("15.00"), Decimal("120.00"))
    html = response.content.decode()
    assert 'value="accessories">\n              Accessories <span class="facet-count">(2<span' in html
    assert "Wool (2)</option>" in html
    assert "From $15.00 to $120.00" in html
    assert "In stock only <span" in html and "On sale <span" in html


@pytest.mark.parametrize(
    "params",
    [
        {"in_stock": "on"},
        {"category": ["accessories"]},
        {"category": ["accessories", "knitwear"], "in_stock": "on"},
        {"tag": "wool", "on_sale": "on"},
        {"min_price": "20", "max_price": "100"},
        {"min_price": "50", "category": ["accessories"], "tag": "wool"},
    ],
)
def test_each_facet_counts_the_products_the_other_filters_leave(client, store, catalogue, shop_url, params):
    response = client.get(shop_url, params)

    assert not response.context["filter_errors"]
    assert shown(response) == expected(source_rows(store.site.root_page.path), params)


def test_a_collection_counts_its_own_products(client, store, catalogue, categories):
    collection = CollectionPageFactory(parent=store.site.root_page, rule_tag="Wool")
    CollectionProduct.objects.create(collection=collection, product=catalogue["Anorak"], sort_order=0)
    url = urlsplit(collection.full_url).path
    members = {catalogue[title].pk for title in ("Anorak", "Beanie", "Cardigan")}
    rows = source_rows(store.site.root_page.path, only=members)

    assert shown(client.get(url)) == expected(rows, {})
    assert shown(client.get(url, {"in_stock": "on"})) == expected(rows, {"in_stock": "on"})
    assert shown(client.get(url))["categories"] == {"accessories": 1, "knitwear": 1, "outerwear": 1}


def test_products_in_a_restricted_section_are_not_counted(client, store, catalogue, shop_url, categories):
    hidden = ProductPageFactory(store=store, title="Members Coat", price="300.00")
    categorise(hidden, categories["outerwear"])
    PageViewRestriction.objects.create(page=hidden, restriction_type=PageViewRestriction.LOGIN)

    facets = shown(client.get(shop_url))

    assert facets["categories"]["outerwear"] == 1
    assert facets["price_range"] == (Decimal("15.00"), Decimal("120.00"))


@pytest.mark.caching
def test_a_sell_out_a_price_change_and_a_publish_change_the_counts_at_once(
    client, store, catalogue, categories, shop_url, listings_cache, django_capture_on_commit_callbacks
):
    assert shown(client.get(shop_url))["in_stock"] == 4  # the page's facets are now cached
    anorak = catalogue["Anorak"]
    variant = anorak.variants.get()

    with django_capture_on_commit_callbacks(execute=True):
        location = default_location(store_id=store.pk)
        stock_change(changes=[StockChange(variant_id=variant.pk, location_id=location.pk, count=0)], kind="count")
    assert shown(client.get(shop_url))["in_stock"] == 3

    page = ProductPage.objects.get(pk=catalogue["Duffel"].pk)
    variants = list(page.variants.all())
    active = next(v for v in variants if v.is_active)
    active.price, active.compare_at_price = Decimal("150.00"), Decimal("200.00")
    page.variants = variants
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    after_price = shown(client.get(shop_url))
    assert after_price["price_range"] == (Decimal("15.00"), Decimal("150.00"))
    assert after_price["on_sale"] == 2

    scarf = ProductPageFactory(store=store, title="Scarf", price="25.00", live=False)
    categorise(scarf, categories["knitwear"])
    with django_capture_on_commit_callbacks(execute=True):
        ProductPage.objects.get(pk=scarf.pk).save_revision().publish()
    assert shown(client.get(shop_url))["categories"]["knitwear"] == 2

    with django_capture_on_commit_callbacks(execute=True):
        ProductPage.objects.get(pk=catalogue["Cardigan"].pk).unpublish()
    final = shown(client.get(shop_url))
    assert final["categories"]["knitwear"] == 1
    assert final == expected(source_rows(store.site.root_page.path), {})
    assert_kept_counts_equal_a_recount()


def test_the_kept_counts_follow_tags_categories_moves_and_unpublishing(store, other_store, catalogue, categories):
    assert_kept_counts_equal_a_recount()
    tag(catalogue["Duffel"], "Travel", "Wool")
    categorise(catalogue["Espadrille"], categories["accessories"], categories["knitwear"])
    ProductPage.categories.through.objects.filter(productpage=catalogue["Beanie"]).delete()
    assert_kept_counts_equal_a_recount()

    anorak = ProductPage.objects.get(pk=catalogue["Anorak"].pk)
    anorak.move(ProductPage.objects.get(pk=catalogue["Elsewhere"].pk).get_parent(), pos="last-child")
    ProductPage.objects.get(pk=catalogue["Duffel"].pk).unpublish()  # its summary row is deleted
    assert_kept_counts_equal_a_recount()
    other_root = other_store.site.root_page.path
    assert ListingFacetCount.objects.get(root_path=other_root, facet="all", value=0).products == 2
