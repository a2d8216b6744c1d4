"""The product editor's variant builder (issue 17): every combination of the named option values,
SKUs suggested from a pattern, SKUs another product already holds named with a link to it, bad
requests answered 400 naming the field, and only for products of the marketer's stores. Saving
goes through the editor, which refuses a duplicate SKU naming the page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from commerce.catalog.models import ProductIndexPage, ProductPage, ProductVariant
from commerce.catalog.variant_builder import (
    BuilderError,
    option_combinations,
    split_values,
    suggest_sku,
)
from tests.catalog.admin_forms import product_edit_data, variant_data
from tests.factories import ProductPageFactory

pytestmark = [pytest.mark.catalogue]

URL = "/admin/products/variant-builder/"


def test_every_combination_option_one_slowest():
    assert option_combinations(["S", "M", "L"], ["Black", "Stone"]) == [
        ("S", "Black"),
        ("S", "Stone"),
        ("M", "Black"),
        ("M", "Stone"),
        ("L", "Black"),
        ("L", "Stone"),
    ]
    assert option_combinations(["S", "M"], []) == [("S", ""), ("M", "")]
    assert option_combinations([], []) == []


def test_values_are_split_trimmed_and_repeats_refused():
    assert split_values(" S, M ,, L\n", field="option1") == ["S", "M", "L"]
    with pytest.raises(BuilderError) as error:
        split_values("Black, black", field="option2")
    assert error.value.field == "option2" and "twice" in error.value.message


def test_sku_suggestions_fill_the_pattern_and_drop_empty_parts():
    assert suggest_sku("{product}-{option1}-{option2}", product="Merino jumper", option1="M", option2="Stone", n=3) == (
        "MERINO-JUMPER-M-STONE"
    )
    assert suggest_sku("{product}-{option1}-{option2}", product="Cap", option1="One size", option2="", n=1) == (
        "CAP-ONE-SIZE"
    )
    assert suggest_sku("MJ{n}", product="x", option1="", option2="", n=7) == "MJ7"


@pytest.fixture
def shop(store):
    return ProductIndexPage.objects.child_of(store.site.root_page).get()


@pytest.mark.django_db
def test_the_endpoint_suggests_rows_and_names_a_product_holding_a_sku(marketer_client, store, shop):
    holder = ProductPageFactory(store=store, title="Old jumper")
    ProductVariant.objects.filter(product=holder).update(sku="MERINO-JUMPER-S-BLACK")
    response = marketer_client.get(
        URL, {"parent": shop.pk, "title": "Merino jumper", "option1": "S, M", "option2": "Black, Stone"}
    )
    assert response.status_code == 200
    rows = response.json()["variants"]
    assert [(r["option1"], r["option2"], r["sku"]) for r in rows] == [
        ("S", "Black", "MERINO-JUMPER-S-BLACK"),
        ("S", "Stone", "MERINO-JUMPER-S-STONE"),
        ("M", "Black", "MERINO-JUMPER-M-BLACK"),
        ("M", "Stone", "MERINO-JUMPER-M-STONE"),
    ]
    edit_link = reverse("wagtailadmin_pages:edit", args=[holder.pk])
    assert "Old jumper" in rows[0]["conflict"] and edit_link in rows[0]["conflict"]
    assert [r["conflict"] for r in rows[1:]] == ["", "", ""]


@pytest.mark.django_db
def test_editing_a_product_its_own_skus_are_no_conflict(marketer_client, store):
    jumper = ProductPageFactory(store=store, title="Merino jumper")
    ProductVariant.objects.filter(product=jumper).update(sku="MERINO-JUMPER-S")
    rows = marketer_client.get(URL, {"page": jumper.pk, "title": "Merino jumper", "option1": "S"}).json()["variants"]
    assert rows == [{"option1": "S", "option2": "", "sku": "MERINO-JUMPER-S", "conflict": ""}]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"option1": "", "option2": ""}, "option1"),
        ({"option1": "S, s"}, "option1"),
        ({"option1": "S", "pattern": "FIXED"}, "pattern"),
        ({"option1": ",".join(str(i) for i in range(20)), "option2": ",".join(f"c{i}" for i in range(20))}, "option2"),
    ],
)
def test_a_bad_request_is_a_400_naming_the_field(marketer_client, shop, params, field):
    response = marketer_client.get(URL, {"parent": shop.pk, "title": "Jumper", **params})
    assert response.status_code == 400
    assert response.json()["field"] == field and response.json()["error"]


@pytest.mark.django_db
def test_another_stores_product_is_refused(marketer_client, other_store):
    elsewhere = ProductPageFactory(store=other_store, title="Elsewhere")
    response = marketer_client.get(URL, {"page": elsewhere.pk, "title": "x", "option1": "S"})
    assert response.status_code == 403 and response.json()["field"] == "page"
    assert marketer_client.get(URL, {"title": "x"}).status_code == 400


@pytest.mark.django_db
def test_the_editor_shows_the_builder_and_labels_values_by_option_name(marketer_client, store):
    jumper = ProductPageFactory(store=store, title="Jumper", variants=2)
    ProductPage.objects.filter(pk=jumper.pk).update(option1_name="Size")
    html = marketer_client.get(reverse("wagtailadmin_pages:edit", args=[jumper.pk])).content.decode()
    assert "data-variant-builder" in html and "catalog/variant_builder.js" in html
    assert f'data-endpoint="{URL}?page={jumper.pk}"' in html
    assert 'value="Option 0, Option 1"' in html  # the values the variants already use
    assert ">Size" in html.replace("\n", "").replace("  ", "")


@pytest.mark.django_db
def test_saving_generated_rows_with_a_held_sku_names_the_page(marketer_client, store):
    holder = ProductPageFactory(store=store, title="Old jumper")
    ProductVariant.objects.filter(product=holder).update(sku="JUMPER-M-BLACK")
    jumper = ProductPageFactory(store=store, title="Jumper")
    rows = [
        variant_data(jumper.variants.get(), sku="JUMPER-S-BLACK", option1_value="S", option2_value="Black"),
        variant_data(sku="JUMPER-M-BLACK", option1_value="M", option2_value="Black"),
    ]
    data = product_edit_data(jumper, variants=rows, option1_name="Size", option2_name="Colour")
    response = marketer_client.post(reverse("wagtailadmin_pages:edit", args=[jumper.pk]), data)
    assert response.status_code == 200
    error = response.context["form"].formsets["variants"].forms[1].errors["sku"][0]
    assert "Old jumper" in error and reverse("wagtailadmin_pages:edit", args=[holder.pk]) in error
    assert ProductVariant.objects.filter(product=jumper).count() == 1  # nothing saved


@pytest.mark.django_db
def test_saving_four_generated_rows_publishes_four_variants(marketer_client, store):
    jumper = ProductPageFactory(store=store, title="Jumper")
    combos = [("S", "Black"), ("S", "Stone"), ("M", "Black"), ("M", "Stone")]
    rows = [variant_data(jumper.variants.get(), sku="JUMPER-S-BLACK", option1_value="S", option2_value="Black")]
    rows += [variant_data(sku=f"JUMPER-{a}-{b}".upper(), option1_value=a, option2_value=b) for a, b in combos[1:]]
    data = product_edit_data(jumper, variants=rows, option1_name="Size", option2_name="Colour")
    response = marketer_client.post(reverse("wagtailadmin_pages:edit", args=[jumper.pk]), data)
    assert response.status_code == 302
    saved = ProductVariant.objects.filter(product=jumper).order_by("sort_order")
    assert [(v.option1_value, v.option2_value) for v in saved] == combos
    assert {v.store_id for v in saved} == {store.pk}
