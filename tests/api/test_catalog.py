"""Storefront reads: the same products, filters and sorts as the HTML listing; errors in one shape."""

from decimal import Decimal

import pytest

from commerce.catalog.models import ProductImage
from tests.catalog.helpers import add_variant
from tests.factories import CollectionPageFactory, ProductPageFactory
from tests.images import make_image

pytestmark = [pytest.mark.api, pytest.mark.django_db]


def titles(response):
    return [item["title"] for item in response.json()["results"]]


def test_products_list_the_store_s_live_products_only(api, catalogue):
    response = api.get("/api/v1/products/?sort=newest")
    assert response.status_code == 200
    assert titles(response) == ["Espadrille", "Duffel", "Cardigan", "Beanie", "Anorak"]
    assert response.json()["count"] == 5


def test_product_cards_carry_price_sale_and_stock(api, catalogue):
    cards = {c["title"]: c for c in api.get("/api/v1/products/").json()["results"]}
    assert cards["Cardigan"]["price"] == {"amount": "45.00", "currency": "USD"}
    assert cards["Cardigan"]["compare_at_price"] == {"amount": "60.00", "currency": "USD"}
    assert cards["Cardigan"]["on_sale"] is True
    assert cards["Beanie"]["stock_status"] == "sold_out"
    # "From" ignores the sold-out cheaper variant, like the storefront's card
    assert cards["Espadrille"]["price"]["amount"] == "35.00"
    assert cards["Espadrille"]["has_price_range"] is True


def test_filters_and_sorts_match_the_storefront(api, catalogue):
    response = api.get("/api/v1/products/?in_stock=true&category=accessories&category=outerwear&sort=price_asc")
    assert titles(response) == ["Anorak", "Duffel"]
    assert titles(api.get("/api/v1/products/?tag=wool")) == ["Cardigan", "Beanie"]
    assert titles(api.get("/api/v1/products/?on_sale=true")) == ["Cardigan"]
    assert titles(api.get("/api/v1/products/?min_price=40&max_price=100&sort=price_desc")) == ["Anorak", "Cardigan"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("min_price=cheap", "min_price"),
        ("min_price=-1", "min_price"),
        ("min_price=50&max_price=10", "max_price"),
        ("sort=random", "sort"),
        ("in_stock=perhaps", "in_stock"),
        ("category=not%20a%20slug!", "category"),
    ],
)
def test_bad_query_is_a_400_naming_the_parameter(api, catalogue, query, field):
    response = api.get(f"/api/v1/products/?{query}")
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid"
    assert body["field"].split(".")[0] == field  # a list item is named by its index: category.0
    assert body["fields"][0]["field"] == body["field"] and body["fields"][0]["reason"]
    assert field in body["message"]


def test_pagination(api, catalogue):
    first = api.get("/api/v1/products/?page_size=2&sort=newest").json()
    assert first["count"] == 5 and len(first["results"]) == 2 and first["next"]
    third = api.get("/api/v1/products/?page_size=2&sort=newest&page=3").json()
    assert [r["title"] for r in third["results"]] == ["Anorak"] and third["next"] is None
    missing = api.get("/api/v1/products/?page=99")
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"


def test_product_detail_has_variants_and_stock(api, catalogue):
    espadrille = catalogue["Espadrille"]
    body = api.get(f"/api/v1/products/{espadrille.pk}/").json()
    assert body["title"] == "Espadrille"
    assert [(v["price"]["amount"], v["stock_status"]) for v in body["variants"]] == [
        ("30.00", "sold_out"),
        ("35.00", "in_stock"),
    ]
    assert body["price"] == {"amount": "35.00", "currency": "USD"}


def test_product_images_have_rendition_urls(api, store):
    product = ProductPageFactory(store=store, title="Pictured", price="10.00")
    ProductImage.objects.create(product=product, image=make_image(), alt_text="A red scarf")
    body = api.get(f"/api/v1/products/{product.pk}/").json()
    (image,) = body["images"]
    assert image["alt"] == "A red scarf"
    assert set(image["renditions"]) == {"thumbnail", "card", "large"}
    assert all(url.startswith("http://testserver/") for url in image["renditions"].values())
    card = api.get("/api/v1/products/").json()["results"][0]
    assert card["image"]["renditions"]["card"].startswith("http://testserver/")


@pytest.mark.parametrize("which", ["Draft", "Elsewhere"])
def test_drafts_and_other_stores_products_are_404(api, catalogue, which):
    response = api.get(f"/api/v1/products/{catalogue[which].pk}/")
    assert response.status_code == 404
    assert response.json() == {"error": "not_found", "message": "Not found.", "field": None, "fields": []}


def test_collections_and_their_products(api, store, catalogue, categories):
    collection = CollectionPageFactory(parent=store.site.root_page, title="Winter", slug="winter")
    collection.rule_categories.set([categories["knitwear"], categories["outerwear"]])
    collection.save()
    listed = api.get("/api/v1/collections/").json()["results"]
    assert [c["title"] for c in listed] == ["Winter"]
    products = api.get(f"/api/v1/collections/{collection.pk}/products/?sort=price_asc")
    assert titles(products) == ["Cardigan", "Anorak"]
    assert api.get(f"/api/v1/collections/{collection.pk}/products/?in_stock=1&max_price=50").json()["count"] == 1
    assert api.get("/api/v1/collections/999999/products/").status_code == 404


def test_search_ranks_and_filters(api, catalogue):
    body = api.get("/api/v1/search/?q=anorak").json()
    assert body["query"] == "anorak" and [r["title"] for r in body["results"]] == ["Anorak"]
    assert api.get("/api/v1/search/?q=anorak&in_stock=true&max_price=10").json()["count"] == 0
    bad = api.get("/api/v1/search/?q=x&sort=cheapest")
    assert bad.status_code == 400 and bad.json()["field"] == "sort"


def test_writes_are_refused_on_read_endpoints(api, catalogue):
    response = api.post("/api/v1/products/", {}, content_type="application/json")
    assert response.status_code in (403, 405)
    assert set(response.json()) == {"error", "message", "field", "fields"}


@pytest.mark.benchmark
@pytest.mark.parametrize("count", [2, 12])
def test_product_list_queries_do_not_grow(api, store, django_assert_num_queries, count):
    for index in range(count):
        product = ProductPageFactory(store=store, title=f"P{index}", price="10.00")
        add_variant(product, sku=f"P{index}-B", price=Decimal("12.00"))
        ProductImage.objects.create(product=product, image=make_image(), alt_text="x")
    api.get("/api/v1/products/")  # warm renditions
    with django_assert_num_queries(PRODUCT_LIST_QUERIES):
        assert api.get("/api/v1/products/").json()["count"] == count


# Measured: the same 9 for 2 and 12 products (store, count, page, variants, images, renditions, ...).
PRODUCT_LIST_QUERIES = 9
