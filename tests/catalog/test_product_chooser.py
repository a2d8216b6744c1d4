"""The product chooser of collections (issue 17): the staff member's products only, with a
thumbnail, price and available stock; it starts in the store of the page being edited; search by
title or SKU; another store's product cannot be chosen."""

from __future__ import annotations

import pytest
from django.urls import reverse

from commerce.catalog.models import ProductVariant
from tests.factories import CollectionPageFactory, ProductPageFactory

pytestmark = [pytest.mark.django_db, pytest.mark.catalogue]

CHOOSE = "/admin/product-chooser/"


def listed(response) -> list[str]:
    assert response.status_code == 200
    return sorted(p.title for p in response.context["items"])


@pytest.fixture
def products(store, other_store):
    anorak = ProductPageFactory(store=store, title="Anorak", price="80.00", stock=4, images=1)
    ProductVariant.objects.filter(product=anorak).update(sku="ANK-001")
    ProductPageFactory(store=store, title="Beanie", price="15.00", stock=0)
    elsewhere = ProductPageFactory(store=other_store, title="Anorak", price="9.00")
    return {"anorak": anorak, "elsewhere": elsewhere}


def test_a_marketer_sees_their_stores_products_with_thumbnail_price_and_stock(marketer_client, products):
    response = marketer_client.get(CHOOSE)
    assert listed(response) == ["Anorak", "Beanie"]
    html = response.json()["html"]  # the modal's content
    assert '<td class="product-thumbnail"><img' in html
    assert "$80.00" in html and "Available" in html
    anorak = next(p for p in response.context["items"] if p.title == "Anorak")
    assert anorak.stock_total == 4


def test_search_by_sku(marketer_client, products):
    response = marketer_client.get(reverse("product_chooser:choose_results"), {"q": "ank-0"})
    assert listed(response) == ["Anorak"]


def test_it_starts_in_the_store_of_the_collection_being_edited(admin_client, store, other_store, products):
    theirs = CollectionPageFactory(parent=other_store.site.root_page, title="Theirs")
    editing = reverse("wagtailadmin_pages:edit", args=[theirs.pk])
    response = admin_client.get(CHOOSE, HTTP_REFERER=f"http://testserver{editing}")
    assert [p.pk for p in response.context["items"]] == [products["elsewhere"].pk]
    assert "Second Shop" in response.json()["html"]  # two stores: the store column is shown
    everything = admin_client.get(CHOOSE, {"store": "all"}, HTTP_REFERER=f"http://testserver{editing}")
    assert len(everything.context["items"]) == 3


def test_another_stores_product_cannot_be_chosen(marketer_client, products):
    assert marketer_client.get(reverse("product_chooser:chosen", args=[products["elsewhere"].pk])).status_code == 404
    assert marketer_client.get(reverse("product_chooser:chosen", args=[products["anorak"].pk])).status_code == 200


def test_the_collection_editor_uses_the_product_chooser(marketer_client, store, products):
    collection = CollectionPageFactory(parent=store.site.root_page, title="Winter")
    html = marketer_client.get(reverse("wagtailadmin_pages:edit", args=[collection.pk])).content.decode()
    assert "/admin/product-chooser/" in html and "Choose a product" in html


def test_the_product_grid_block_uses_the_product_chooser(marketer_client, store, products):
    from home.blocks import ProductGridBlock

    block = ProductGridBlock()
    value = block.to_python({"heading": "Picks", "products": [products["anorak"].pk]})
    assert [p.title for p in value["products"]] == ["Anorak"]  # the stored page ids carry over
    assert block.get_prep_value(value)["products"][0]["value"] == products["anorak"].pk
    response = marketer_client.get(reverse("wagtailadmin_pages:edit", args=[store.site.root_page_id]))
    assert response.status_code == 200 and "/admin/product-chooser/" in response.content.decode()
