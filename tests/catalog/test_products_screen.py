"""The admin's Products screen (issue 17) under a Marketer limited to one store: the columns,
filters, search by title and SKU, sorting, bulk publishing and the CSV export never show another
store's products."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from commerce.catalog.models import CollectionProduct, ProductPage
from tests.catalog.helpers import add_variant, categorise, set_variants
from tests.factories import CollectionPageFactory, ProductPageFactory

pytestmark = [pytest.mark.django_db, pytest.mark.catalogue]

URL = "/admin/products/"


def listed(response) -> list[str]:
    assert response.status_code == 200
    return [page.title for page in response.context["object_list"]]


@pytest.fixture
def products(store, other_store, categories):
    """Three products of the test store and one of the second store the marketer may not see."""
    anorak = ProductPageFactory(store=store, title="Anorak", price="80.00", stock=4, images=1)
    add_variant(anorak, sku="ANORAK-XL", price="95.00", stock=2)
    beanie = ProductPageFactory(store=store, title="Beanie", price="15.00", stock=0)
    set_variants(beanie, compare_at_price=Decimal("20.00"))
    draft = ProductPageFactory(store=store, title="Draft cap", price="12.00", live=False)
    elsewhere = ProductPageFactory(store=other_store, title="Elsewhere tote", price="9.00")
    categorise(anorak, categories["outerwear"])
    categorise(elsewhere, categories["outerwear"])
    return {p.title: p for p in (anorak, beanie, draft, elsewhere)}


@pytest.fixture
def sale_collection(store, products):
    collection = CollectionPageFactory(parent=store.site.root_page, title="Winter sale")
    CollectionProduct.objects.create(collection=collection, product=products["Beanie"])
    return collection


def test_the_screen_lists_only_the_marketers_store_with_price_stock_variants_and_collections(
    marketer_client, products, sale_collection
):
    response = marketer_client.get(URL)
    assert sorted(listed(response)) == ["Anorak", "Beanie", "Draft cap"]
    html = response.content.decode()
    assert "Elsewhere tote" not in html
    assert "Second Shop" not in html  # nor among the store filter's choices
    assert html.count('<td class="product-thumbnail"><img') == 1  # the Anorak's first gallery image
    rows = {page.title: page for page in response.context["object_list"]}
    anorak = rows["Anorak"]
    assert (anorak.price_min, anorak.price_max, anorak.stock_total, anorak.variant_count) == (
        Decimal("80.00"),
        Decimal("95.00"),
        6,
        2,
    )
    assert "$80.00 – $95.00" in html
    assert rows["Beanie"].collection_titles == ["Winter sale"]
    assert rows["Beanie"].stock_total == 0


def test_the_screen_is_in_the_menu(marketer_client, products):
    html = marketer_client.get("/admin/").content.decode()
    assert URL in html and '"Products"' in html


def test_wagtails_media_collections_are_called_image_folders(admin_client, store):
    html = admin_client.get("/admin/").content.decode()
    assert "Image folders" in html
    assert '"label": "Collections"' not in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=live", ["Anorak", "Beanie"]),
        ("status=draft", ["Draft cap"]),
        ("in_stock=true", ["Anorak", "Draft cap"]),
        ("in_stock=false", ["Beanie"]),
        ("on_sale=true", ["Beanie"]),
        ("category={outerwear}", ["Anorak"]),
        ("collection={collection}", ["Beanie"]),
        ("store={store}", ["Anorak", "Beanie", "Draft cap"]),
    ],
)
def test_filters(marketer_client, products, sale_collection, categories, store, query, expected):
    query = query.format(outerwear=categories["outerwear"].pk, collection=sale_collection.pk, store=store.pk)
    assert sorted(listed(marketer_client.get(f"{URL}?{query}"))) == expected


def test_another_stores_id_is_not_a_filter_choice(marketer_client, products, other_store):
    response = marketer_client.get(f"{URL}?store={other_store.pk}")
    assert response.status_code == 200
    assert "Elsewhere tote" not in response.content.decode()
    assert response.context["filters"].errors.get("store")


@pytest.mark.parametrize(("q", "expected"), [("anor", ["Anorak"]), ("ANORAK-XL", ["Anorak"]), ("tote", [])])
def test_search_by_title_and_sku(marketer_client, products, q, expected):
    assert listed(marketer_client.get(URL, {"q": q})) == expected


def test_search_by_sku_with_digits(marketer_client, products):
    sku = products["Beanie"].variants.get().sku
    assert listed(marketer_client.get(URL, {"q": sku})) == ["Beanie"]


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("price_min", ["Draft cap", "Beanie", "Anorak"]),
        ("-price_min", ["Anorak", "Beanie", "Draft cap"]),
        ("stock_total", ["Beanie", "Anorak", "Draft cap"]),
        ("-variant_count", ["Anorak", "Beanie", "Draft cap"]),
        ("title", ["Anorak", "Beanie", "Draft cap"]),
    ],
)
def test_sorting(marketer_client, products, ordering, expected):
    titles = listed(marketer_client.get(URL, {"ordering": ordering}))
    if ordering == "-variant_count":
        titles = titles[:1]
        expected = expected[:1]
    assert titles == expected


def test_csv_export_has_the_figures_and_only_the_marketers_store(marketer_client, products):
    response = marketer_client.get(URL, {"export": "csv"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()
    rows = {row["Title"]: row for row in csv.DictReader(io.StringIO(body))}
    assert sorted(rows) == ["Anorak", "Beanie", "Draft cap"]
    anorak = rows["Anorak"]
    assert (anorak["Lowest price"], anorak["Highest price"], anorak["Available stock"], anorak["Variants"]) == (
        "80.00",
        "95.00",
        "6",
        "2",
    )


def test_bulk_publish_from_the_screen(marketer_client, products):
    draft = products["Draft cap"]
    url = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "publish"))
    response = marketer_client.post(f"{url}?id={draft.pk}&next={URL}", {"include_descendants": False})
    assert response.status_code == 302
    assert ProductPage.objects.get(pk=draft.pk).live


@pytest.mark.benchmark
@pytest.mark.parametrize("rows", [5, 50])
def test_the_screen_keeps_an_exact_query_count_at_50_rows(marketer_client, store, django_assert_num_queries, rows):
    from tests.images import make_image

    image = make_image("Swatch")
    collection = CollectionPageFactory(parent=store.site.root_page, title="All")
    for i in range(rows):
        product = ProductPageFactory(store=store, title=f"Product {i:02d}", variants=2)
        product.gallery_images.create(image=image)
        CollectionProduct.objects.create(collection=collection, product=product)
    marketer_client.get(URL)  # warms the caches (renditions, content types, site roots)
    with django_assert_num_queries(QUERIES):
        response = marketer_client.get(URL)
    assert len(response.context["object_list"]) == rows


QUERIES = 33  # Wagtail's admin (session, user, permissions, menus, workflow states), the rows' 6, the shop for "Add",
# and 2 for the marketer's store-limited page permissions (commerce/stores/page_scope.py)


def test_add_goes_straight_to_the_new_products_form_in_the_marketers_shop(marketer_client, store, shop_index):
    html = marketer_client.get(URL).content.decode()
    assert reverse("wagtailadmin_pages:add", args=["catalog", "productpage", shop_index.pk]) in html
