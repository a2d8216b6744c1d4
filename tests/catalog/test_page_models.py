"""Page types: where they can be created, that they route, and that editors can edit them in the admin."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from commerce.catalog.models import CollectionPage, CollectionProduct, ProductIndexPage, ProductPage, ProductVariant
from home.models import ContentPage, HomePage
from tests.catalog.admin_forms import product_edit_data, variant_data
from tests.factories import CollectionPageFactory, ContentPageFactory, HomePageFactory, ProductPageFactory

pytestmark = pytest.mark.django_db


class TestWhereTheyCanBeCreated:
    def test_allowed_parents_are_declared(self):
        assert ProductIndexPage.allowed_parent_page_models() == [HomePage]
        assert ProductPage.allowed_parent_page_models() == [ProductIndexPage]
        assert set(CollectionPage.allowed_parent_page_models()) == {HomePage, CollectionPage}
        assert ProductIndexPage.allowed_subpage_models() == [ProductPage]
        assert ProductPage.allowed_subpage_models() == []

    def test_products_only_under_the_shop(self, store, shop_index):
        home = store.site.root_page.specific
        collection = CollectionPageFactory(parent=home)
        content = ContentPageFactory(parent=home)

        assert ProductPage.can_create_at(shop_index)
        for parent in (home, collection, content, Page.get_first_root_node()):
            assert not ProductPage.can_create_at(parent), parent

    def test_one_shop_per_home_page(self, store, shop_index):
        assert not ProductIndexPage.can_create_at(store.site.root_page.specific)
        assert ProductIndexPage.can_create_at(HomePageFactory())
        assert not ProductIndexPage.can_create_at(shop_index)
        assert not ProductIndexPage.can_create_at(Page.get_first_root_node())

    def test_collections_under_home_and_other_collections(self, store, shop_index):
        home = store.site.root_page.specific
        collection = CollectionPageFactory(parent=home)
        product = ProductPageFactory(store=store)

        assert CollectionPage.can_create_at(home)
        assert CollectionPage.can_create_at(collection)
        for parent in (shop_index, product, ContentPageFactory(parent=home)):
            assert not CollectionPage.can_create_at(parent), parent
        assert not ContentPage.can_create_at(collection)


def test_each_page_type_routes(client, store, shop_index):
    home = store.site.root_page
    product = ProductPageFactory(store=store, images=1)
    collection = CollectionPageFactory(parent=home)
    nested = CollectionPageFactory(parent=collection)

    for page in (shop_index, product, collection, nested):
        assert client.get(urlsplit(page.full_url).path).status_code == 200, page


class TestProductPageInTheAdmin:
    def test_edit_view_loads(self, admin_client, store):
        product = ProductPageFactory(store=store, variants=2, images=1)

        response = admin_client.get(reverse("wagtailadmin_pages:edit", args=[product.pk]))

        assert response.status_code == 200
        assert 'name="variants-TOTAL_FORMS"' in response.content.decode()

    def test_publishing_an_edit_saves_fields_variants_description_and_merchandising(
        self, admin_client, store, categories
    ):
        product = ProductPageFactory(store=store, title="Shirt", variants=1, images=1)
        variant = product.variants.get()
        data = product_edit_data(
            product,
            title="Linen shirt",
            variants=[variant_data(variant, price="39.00", compare_at_price="49.00"), variant_data(sku="SHIRT-L")],
            description=streamfield(
                [
                    ("paragraph", rich_text("<p>Cool in summer.</p>")),
                    ("specifications", nested_list([{"label": "Fabric", "value": "Linen"}])),
                ]
            ),
            tags="summer, linen",
            featured="on",
        )
        data["categories"] = [str(categories["outerwear"].pk)]

        response = admin_client.post(reverse("wagtailadmin_pages:edit", args=[product.pk]), data)

        assert response.status_code == 302, response.context["form"].errors if response.context else ""
        product = ProductPage.objects.get(pk=product.pk)
        assert product.title == "Linen shirt"
        assert product.featured
        assert product.live and not product.has_unpublished_changes
        assert [str(c) for c in product.categories.all()] == ["Outerwear"]
        assert sorted(t.name for t in product.tags.all()) == ["linen", "summer"]
        assert [b.block_type for b in product.description] == ["paragraph", "specifications"]
        assert product.description[1].value[0]["value"] == "Linen"
        skus = {v.sku: v for v in ProductVariant.objects.filter(product=product)}
        assert set(skus) == {variant.sku, "SHIRT-L"}
        assert str(skus[variant.sku].price) == "39.00"
        assert skus["SHIRT-L"].store == store

    def test_creating_a_product_through_the_admin_assigns_the_store(self, admin_client, store, shop_index):
        data = nested_form_data(
            {
                "title": "New lamp",
                "slug": "new-lamp",
                "summary": "",
                "gallery_images": inline_formset([]),
                "description": streamfield([]),
                "option1_name": "",
                "option2_name": "",
                "variants": inline_formset([variant_data(sku="LAMP-1", price="99.00")], min=1),
                "tags": "",
                "seo_title": "",
                "search_description": "",
                "social_image": "",
                "go_live_at": "",
                "expire_at": "",
                "action-publish": "action-publish",
            }
        )
        url = reverse("wagtailadmin_pages:add", args=["catalog", "productpage", shop_index.pk])

        response = admin_client.post(url, data)

        assert response.status_code == 302
        lamp = ProductPage.objects.get(slug="new-lamp")
        assert lamp.live
        assert lamp.variants.get().store == store


class TestCollectionPageInTheAdmin:
    def test_edit_view_loads(self, admin_client, store):
        collection = CollectionPageFactory(parent=store.site.root_page)

        assert admin_client.get(reverse("wagtailadmin_pages:edit", args=[collection.pk])).status_code == 200

    def test_publishing_picks_and_rules(self, admin_client, store, catalogue, categories):
        collection = CollectionPageFactory(parent=store.site.root_page, title="Winter")
        data = collection_edit_data(
            collection,
            manual_products=inline_formset([{"product": str(catalogue["Anorak"].pk)}]),
            rule_tag="wool",
            rule_in_stock="on",
            default_sort="price_asc",
            products_per_page="12",
        )
        data["rule_categories"] = [str(categories["knitwear"].pk)]

        response = admin_client.post(reverse("wagtailadmin_pages:edit", args=[collection.pk]), data)

        assert response.status_code == 302
        collection = CollectionPage.objects.get(pk=collection.pk)
        assert [p.product_id for p in collection.manual_products.all()] == [catalogue["Anorak"].pk]
        assert collection.rule_tag == "wool" and collection.rule_in_stock
        assert list(collection.rule_categories.all()) == [categories["knitwear"]]
        assert collection.default_sort == "price_asc" and collection.products_per_page == 12
        listing = admin_client.get(urlsplit(collection.full_url).path)
        assert [card.title for card in listing.context["cards"]] == ["Cardigan", "Anorak"]

    def test_a_minimum_above_the_maximum_is_refused(self, admin_client, store):
        collection = CollectionPageFactory(parent=store.site.root_page)
        data = collection_edit_data(collection, rule_min_price="50", rule_max_price="10")

        response = admin_client.post(reverse("wagtailadmin_pages:edit", args=[collection.pk]), data)

        assert response.status_code == 200
        assert "rule_max_price" in response.context["form"].errors
        assert CollectionPage.objects.get(pk=collection.pk).rule_min_price is None


def nested_list(items: list[dict[str, str]]) -> dict[str, object]:
    """A ListBlock's form data (the shape ``streamfield`` expects as a block value)."""
    data: dict[str, object] = {
        str(i): {"value": item, "deleted": "", "order": str(i), "id": ""} for i, item in enumerate(items)
    }
    data["count"] = str(len(items))
    return data


def collection_edit_data(collection: CollectionPage, **fields: object) -> dict[str, object]:
    values: dict[str, object] = {
        "title": collection.title,
        "slug": collection.slug,
        "intro": "",
        "hero_image": "",
        "manual_products": inline_formset([]),
        "rule_tag": "",
        "rule_min_price": "",
        "rule_max_price": "",
        "default_sort": "featured",
        "products_per_page": "24",
        "seo_title": "",
        "search_description": "",
        "go_live_at": "",
        "expire_at": "",
        "action-publish": "action-publish",
    }
    values.update(fields)
    return nested_form_data(values)


class TestPreview:
    """Previews render the editor's unsaved state (in-memory variants, images, picks and rules)."""

    def test_product_preview_shows_unsaved_variants(self, admin_client, store):
        product = ProductPageFactory(store=store, title="Shirt", images=1)
        variant = product.variants.get()
        data = product_edit_data(
            product, variants=[variant_data(variant, price="77.00"), variant_data(sku="SHIRT-XL", price="88.00")]
        )
        url = reverse("wagtailadmin_pages:preview_on_edit", args=[product.pk])

        assert admin_client.post(url, data).json() == {"is_valid": True, "is_available": True}
        html = admin_client.get(url).content.decode()

        # issue 16: the page shows the chosen (first) variant's price; the other's is in the picker's data
        assert "$77.00" in html and "$88.00" in html
        assert 'name="variant_id"' in html
        assert str(ProductVariant.objects.get(pk=variant.pk).price) == "10.00"

    def test_collection_preview_uses_unsaved_picks_and_rules(self, admin_client, store, catalogue):
        collection = CollectionPageFactory(parent=store.site.root_page)
        data = collection_edit_data(
            collection,
            manual_products=inline_formset([{"product": str(catalogue["Beanie"].pk)}]),
            rule_on_sale="on",
        )
        url = reverse("wagtailadmin_pages:preview_on_edit", args=[collection.pk])

        assert admin_client.post(url, data).json() == {"is_valid": True, "is_available": True}
        response = admin_client.get(url)

        assert [card.title for card in response.context["cards"]] == ["Cardigan", "Beanie"]
        assert not CollectionProduct.objects.filter(collection=collection).exists()
