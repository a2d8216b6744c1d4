"""SKU and slug clashes in the product editor name the page that holds them and link to it (issue 17),
including a product whose clashing SKU exists only in an unpublished draft."""

from __future__ import annotations

import pytest
from django.urls import reverse

from commerce.catalog.models import ProductPage, ProductVariant
from tests.catalog.admin_forms import product_edit_data, variant_data
from tests.factories import ProductPageFactory

pytestmark = [pytest.mark.django_db, pytest.mark.catalogue]


def edit(client, product, variants, **fields):
    data = product_edit_data(product, variants=variants, **fields)
    return client.post(reverse("wagtailadmin_pages:edit", args=[product.pk]), data)


def link_to(page) -> str:
    return f'<a href="{reverse("wagtailadmin_pages:edit", args=[page.pk])}" target="_blank" rel="noopener">'


def test_a_sku_held_only_by_another_products_unpublished_draft_is_refused_naming_it(marketer_client, store):
    scarf = ProductPageFactory(store=store, title="Scarf")
    draft_variant = scarf.variants.get()
    revision = scarf.save_revision()
    content = revision.content
    content["variants"][0]["sku"] = "NEW-SKU-1"
    revision.content = content
    revision.save(update_fields=["content"])
    assert ProductVariant.objects.get(pk=draft_variant.pk).sku != "NEW-SKU-1"  # only in the draft
    hat = ProductPageFactory(store=store, title="Hat")

    response = edit(marketer_client, hat, [variant_data(hat.variants.get(), sku="NEW-SKU-1")], title="Hat")

    assert response.status_code == 200
    errors = response.context["form"].formsets["variants"].forms[0].errors["sku"]
    assert link_to(scarf) in errors[0] and "Scarf" in errors[0] and "(a draft)" not in errors[0]
    assert ProductVariant.objects.get(product=hat).sku != "NEW-SKU-1"


def test_a_slug_held_by_a_draft_sibling_is_refused_naming_it(marketer_client, store):
    ProductPageFactory(store=store, title="Old draft", slug="wool-hat", live=False)
    hat = ProductPageFactory(store=store, title="Hat")

    response = edit(marketer_client, hat, [variant_data(hat.variants.get())], slug="wool-hat")

    assert response.status_code == 200
    sibling = ProductPage.objects.get(slug="wool-hat")
    [error] = response.context["form"].errors["slug"]
    assert link_to(sibling) in error and "Old draft" in error and "(a draft)" in error
    assert ProductPage.objects.get(pk=hat.pk).slug != "wool-hat"
