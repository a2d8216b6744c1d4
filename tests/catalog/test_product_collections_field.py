"""Choosing a product's collections in its own editor (issue 17): the collection's hand-picked list
is the one source of truth, so ticking a collection adds the product there (a new, published
revision of the collection) and unticking takes it off; only the product's store's collections
are offered."""

from __future__ import annotations

import pytest
from django.urls import reverse

from commerce.catalog.models import CollectionProduct
from tests.catalog.admin_forms import product_edit_data, variant_data
from tests.factories import CollectionPageFactory, ProductPageFactory

pytestmark = [pytest.mark.django_db, pytest.mark.catalogue]


@pytest.fixture
def jumper(store):
    return ProductPageFactory(store=store, title="Jumper")


def edit(client, product, **fields):
    data = product_edit_data(product, variants=[variant_data(product.variants.get())], **fields)
    return client.post(reverse("wagtailadmin_pages:edit", args=[product.pk]), data)


def members(collection) -> list[int]:
    return list(CollectionProduct.objects.filter(collection=collection).values_list("product_id", flat=True))


def test_ticking_and_unticking_a_collection_in_the_product_editor(marketer_client, store, jumper):
    winter = CollectionPageFactory(parent=store.site.root_page, title="Winter")
    knit = CollectionPageFactory(parent=store.site.root_page, title="Knitwear")
    assert edit(marketer_client, jumper, collections=[str(winter.pk), str(knit.pk)]).status_code == 302
    assert members(winter) == [jumper.pk] and members(knit) == [jumper.pk]
    winter.refresh_from_db()
    assert winter.live and not winter.has_unpublished_changes
    assert [i.product_id for i in winter.get_latest_revision_as_object().manual_products.all()] == [jumper.pk]

    page = marketer_client.get(reverse("wagtailadmin_pages:edit", args=[jumper.pk]))
    assert sorted(page.context["form"].initial["collections"]) == sorted([winter.pk, knit.pk])

    assert edit(marketer_client, jumper, collections=[str(knit.pk)]).status_code == 302
    assert members(winter) == [] and members(knit) == [jumper.pk]


def test_only_the_products_store_collections_are_offered(marketer_client, store, other_store, jumper):
    ours = CollectionPageFactory(parent=store.site.root_page, title="Ours")
    theirs = CollectionPageFactory(parent=other_store.site.root_page, title="Theirs")
    page = marketer_client.get(reverse("wagtailadmin_pages:edit", args=[jumper.pk]))
    assert list(page.context["form"].fields["collections"].queryset) == [ours]
    response = edit(marketer_client, jumper, collections=[str(theirs.pk)])
    assert response.status_code == 200 and "collections" in response.context["form"].errors
    assert members(theirs) == []


def test_the_collections_own_picker_and_the_product_agree(marketer_client, store, jumper):
    winter = CollectionPageFactory(parent=store.site.root_page, title="Winter")
    CollectionProduct.objects.create(collection=winter, product=jumper)
    page = marketer_client.get(reverse("wagtailadmin_pages:edit", args=[jumper.pk]))
    assert page.context["form"].initial["collections"] == [winter.pk]
    edit(marketer_client, jumper, collections=[str(winter.pk)])  # saving unchanged keeps it once
    assert members(winter) == [jumper.pk]
