"""Two staff members changing the same collection or product at the same moment, in real parallel
transactions on PostgreSQL: the page's row lock queues them, and each builds on the other's
revision, so no product or category is lost."""

from __future__ import annotations

import pytest

from commerce.catalog.merchandising import collection_add_products, products_set_category
from commerce.catalog.models import CollectionPage, CollectionProduct, ProductPage
from tests.factories import CategoryFactory, CollectionPageFactory, ProductPageFactory
from tests.threads import run_together

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.concurrency, pytest.mark.catalogue]


def test_two_people_adding_to_one_collection_both_land(store):
    winter = CollectionPageFactory(parent=store.site.root_page, title="Winter")
    anorak = ProductPageFactory(store=store, title="Anorak")
    beanie = ProductPageFactory(store=store, title="Beanie")

    results = run_together(
        [
            lambda: collection_add_products(collection=winter, products=[anorak], actor=None),
            lambda: collection_add_products(collection=winter, products=[beanie], actor=None),
        ],
        atomic=True,
    )

    assert results == [1, 1]
    live = set(CollectionProduct.objects.filter(collection=winter).values_list("product_id", flat=True))
    assert live == {anorak.pk, beanie.pk}
    latest = CollectionPage.objects.get(pk=winter.pk).get_latest_revision_as_object()
    assert {item.product_id for item in latest.manual_products.all()} == {anorak.pk, beanie.pk}


def test_two_categories_set_at_once_are_both_kept(store):
    anorak = ProductPageFactory(store=store, title="Anorak")
    outerwear, sale = CategoryFactory(name="Outerwear", slug="outerwear"), CategoryFactory(name="Sale", slug="sale")

    results = run_together(
        [
            lambda: products_set_category(products=[anorak], category=outerwear, actor=None),
            lambda: products_set_category(products=[anorak], category=sale, actor=None),
        ],
        atomic=True,
    )

    assert results == [1, 1]
    page = ProductPage.objects.get(pk=anorak.pk)
    assert {c.slug for c in page.categories.all()} == {"outerwear", "sale"}
    assert {c.slug for c in page.get_latest_revision_as_object().categories.all()} == {"outerwear", "sale"}
