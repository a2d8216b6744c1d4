"""Bad variant data posted through the page editor is refused with form errors and nothing is saved."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from commerce.catalog.models import ProductPage, ProductVariant
from tests.catalog.admin_forms import product_edit_data, variant_data
from tests.factories import ProductPageFactory, ProductVariantFactory, stock_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def shirt(store):
    product = ProductPageFactory(store=store, title="Shirt", price="30.00", stock=4)
    variant = product.variants.get()
    variant.sku = "SHIRT-M"
    variant.save()
    return product


def post(admin_client, product, variants, **fields):
    data = product_edit_data(product, variants=variants, **fields)
    return admin_client.post(reverse("wagtailadmin_pages:edit", args=[product.pk]), data)


def variant_errors(response) -> list[dict[str, list[str]]]:
    assert response.status_code == 200, "the editor should re-render with errors, not redirect"
    return [dict(form.errors) for form in response.context["form"].formsets["variants"].forms]


def assert_unchanged(product: ProductPage, *, title: str = "Shirt") -> None:
    product = ProductPage.objects.get(pk=product.pk)
    assert product.title == title
    assert not product.has_unpublished_changes
    assert product.revisions.count() == 0
    variants = list(ProductVariant.objects.filter(product=product).values_list("sku", "price"))
    assert variants == [("SHIRT-M", Decimal("30.00"))]
    assert stock_of(product.variants.get()) == (4, 0)


def test_negative_price(admin_client, shirt):
    variant = shirt.variants.get()

    response = post(admin_client, shirt, [variant_data(variant, price="-1.00")], title="Changed")

    assert "price" in variant_errors(response)[0]
    assert_unchanged(shirt)


def test_the_page_editor_does_not_edit_stock(admin_client, shirt):
    """Stock is inventory data: a stock figure posted with the page is ignored (it has no field there)."""
    variant = shirt.variants.get()

    post(admin_client, shirt, [variant_data(variant, stock_on_hand="-3")], title="Changed")

    assert stock_of(variant) == (4, 0)


@pytest.mark.parametrize("compare_at", ["30.00", "29.99"])
def test_compare_at_price_must_be_above_the_price(admin_client, shirt, compare_at):
    variant = shirt.variants.get()

    response = post(admin_client, shirt, [variant_data(variant, compare_at_price=compare_at)], title="Changed")

    assert variant_errors(response)[0]["compare_at_price"] == [
        "The compare-at price must be higher than the price, or empty."
    ]
    assert_unchanged(shirt)


@pytest.mark.parametrize("duplicate", ["SHIRT-M", "shirt-m", " SHIRT-M "])
def test_duplicate_sku_within_the_product(admin_client, shirt, duplicate):
    variant = shirt.variants.get()

    response = post(admin_client, shirt, [variant_data(variant), variant_data(sku=duplicate)], title="Changed")

    errors = variant_errors(response)
    assert any("is used by another variant of this product" in " ".join(e.get("sku", [])) for e in errors)
    assert_unchanged(shirt)


def test_sku_used_by_another_product_in_the_same_store(admin_client, store, shirt):
    other = ProductPageFactory(store=store, title="Trousers")
    ProductVariant.objects.filter(product=other).update(sku="TROUSERS-32")
    variant = shirt.variants.get()

    response = post(admin_client, shirt, [variant_data(variant), variant_data(sku="TROUSERS-32")], title="Changed")

    errors = variant_errors(response)
    edit_url = reverse("wagtailadmin_pages:edit", args=[other.pk])
    assert errors[1]["sku"] == [
        f'SKU TROUSERS-32 is already used by “<a href="{edit_url}" target="_blank" rel="noopener">Trousers</a>”'
        " in Magpie Test Shop."
    ]
    assert_unchanged(shirt)


def test_the_same_sku_in_another_store_is_allowed(admin_client, store, other_store, shirt):
    ProductVariantFactory(product=ProductPageFactory(store=other_store, variants=0), store=other_store, sku="SHARED-1")
    variant = shirt.variants.get()

    response = post(admin_client, shirt, [variant_data(variant), variant_data(sku="SHARED-1")])

    assert response.status_code == 302
    assert ProductVariant.objects.filter(sku="SHARED-1").count() == 2
    assert ProductVariant.objects.get(sku="SHARED-1", product=shirt).store == store


def test_a_product_needs_a_variant(admin_client, shirt):
    variant = shirt.variants.get()

    response = post(admin_client, shirt, [variant_data(variant, DELETE="1")], title="Changed")

    assert response.status_code == 200
    assert_unchanged(shirt)
