"""CSV import of prices and basic fields (issue 17) under a Marketer limited to one store: every row
is checked before any is applied, errors name the row and the field, the preview shows old → new,
confirming applies all rows (new revisions, published) or none, and another store's SKUs are unknown."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from commerce.catalog.models import ProductPage, ProductVariant
from tests.factories import ProductPageFactory

pytestmark = [pytest.mark.django_db, pytest.mark.catalogue]

URL = "/admin/products/import/"


@pytest.fixture
def products(store, other_store):
    anorak = ProductPageFactory(store=store, title="Anorak", price="80.00", variants=2)
    beanie = ProductPageFactory(store=store, title="Beanie", price="15.00")
    elsewhere = ProductPageFactory(store=other_store, title="Elsewhere tote", price="9.00")
    return {p.title: p for p in (anorak, beanie, elsewhere)}


def sku(product: ProductPage, index: int = 0) -> str:
    return ProductVariant.objects.filter(product=product).order_by("sort_order")[index].sku


def upload(client, text: str):
    return client.post(URL, {"file": SimpleUploadedFile("prices.csv", text.encode(), content_type="text/csv")})


def snapshot() -> list[tuple]:
    return list(
        ProductVariant.objects.order_by("pk").values_list(
            "sku", "price", "compare_at_price", "is_active", "weight_grams"
        )
    ) + list(ProductPage.objects.order_by("pk").values_list("title", "latest_revision_id"))


def test_preview_then_confirm_applies_every_row(marketer_client, products):
    anorak, beanie = products["Anorak"], products["Beanie"]
    text = (
        "sku,title,price,compare_at_price,active,weight_grams\n"
        f"{sku(anorak)},Anorak,75.00,90.00,yes,800\n"
        f"{sku(anorak, 1)},Anorak,76.00,,no,\n"
        f"{sku(beanie)},Bobble beanie,15.00,,yes,120\n"
    )
    before = snapshot()
    preview = upload(marketer_client, text)
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "Price: 80.00 → 75.00" in html and "Title: Beanie → Bobble beanie" in html
    assert snapshot() == before  # a preview writes nothing

    response = marketer_client.post(URL, {"csv_text": preview.context["confirm"].initial["csv_text"]})
    assert response.status_code == 302
    first, second = ProductVariant.objects.filter(product=anorak).order_by("sort_order")
    assert (first.price, first.compare_at_price, first.is_active, first.weight_grams) == (
        Decimal("75.00"),
        Decimal("90.00"),
        True,
        800,
    )
    assert (second.price, second.is_active) == (Decimal("76.00"), False)
    beanie = ProductPage.objects.get(pk=beanie.pk)
    assert beanie.title == "Bobble beanie" and beanie.live and not beanie.has_unpublished_changes
    latest = ProductPage.objects.get(pk=anorak.pk).get_latest_revision_as_object()
    assert [v.price for v in latest.variants.all()] == [Decimal("75.00"), Decimal("76.00")]


def test_every_error_names_its_row_and_field_and_nothing_changes(marketer_client, products):
    anorak, elsewhere = products["Anorak"], products["Elsewhere tote"]
    text = (
        "sku,price,compare_at_price,active\n"
        f"{sku(anorak)},79.00,,yes\n"  # fine on its own
        f"{sku(anorak, 1)},abc,,yes\n"
        f"{sku(elsewhere)},5.00,,yes\n"  # another store's SKU: unknown to this marketer
        f"{sku(products['Beanie'])},20.00,10.00,maybe\n"
        f"{sku(anorak)},79.00,,yes\n"
    )
    before = snapshot()
    response = upload(marketer_client, text)
    errors = [str(e) for e in response.context["plan"].errors]
    assert errors == [
        "Row 3, Price: 'abc' is not an amount",
        f"Row 4, sku: unknown SKU '{sku(elsewhere)}'",
        "Row 5, Active: 'maybe' is not yes or no",
        "Row 5, Compare-at price: must be higher than the price, or empty",
        f"Row 6, sku: SKU '{sku(anorak)}' is on an earlier row too",
    ]
    assert response.context["confirm"] is None  # no way to apply
    # a forged confirmation is checked again and refused as a whole
    forged = marketer_client.post(URL, {"csv_text": text})
    assert forged.status_code == 200 and not forged.context["plan"].ok
    assert snapshot() == before


def test_a_file_without_a_sku_column_is_refused(marketer_client, products):
    response = upload(marketer_client, "price\n10.00\n")
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["The header must name a sku column."]


def test_a_product_with_a_pending_draft_keeps_it(marketer_client, products, marketer):
    anorak = products["Anorak"]
    draft = anorak.get_latest_revision_as_object()
    draft.summary = "New words"
    draft.save_revision(user=marketer)
    preview = upload(marketer_client, f"sku,price\n{sku(anorak)},70.00\n")
    marketer_client.post(URL, {"csv_text": preview.context["confirm"].initial["csv_text"]})
    page = ProductPage.objects.get(pk=anorak.pk)
    latest = page.get_latest_revision_as_object()
    assert latest.summary == "New words" and latest.variants.all()[0].price == Decimal("70.00")
    assert page.has_unpublished_changes and page.summary != "New words"  # still a draft
    assert ProductVariant.objects.get(sku=sku(anorak)).price == Decimal("70.00")  # the price is live


def test_the_screen_links_to_the_import(marketer_client, products):
    assert URL in marketer_client.get("/admin/products/").content.decode()
