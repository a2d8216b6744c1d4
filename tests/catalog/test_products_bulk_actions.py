"""The Products screen's bulk actions (issue 17) under a Marketer limited to one store: add to a
collection and set category change only their store's products, through new revisions that are
published when nothing else was pending, and never offer another store's collections."""

from __future__ import annotations

import pytest
from django.urls import reverse

from commerce.catalog.models import CollectionPage, CollectionProduct, ProductPage
from tests.catalog.helpers import categorise
from tests.factories import CollectionPageFactory, ProductPageFactory

pytestmark = [pytest.mark.django_db, pytest.mark.catalogue]

SCREEN = "/admin/products/"


def action_url(action: str, *pages: ProductPage | str) -> str:
    ids = "&".join(f"id={p if isinstance(p, str) else p.pk}" for p in pages)
    return f"{reverse('wagtail_bulk_action', args=('catalog', 'productpage', action))}?{ids}&next={SCREEN}"


@pytest.fixture
def products(store, other_store):
    anorak = ProductPageFactory(store=store, title="Anorak", price="80.00")
    beanie = ProductPageFactory(store=store, title="Beanie", price="15.00")
    elsewhere = ProductPageFactory(store=other_store, title="Elsewhere tote", price="9.00")
    return {p.title: p for p in (anorak, beanie, elsewhere)}


@pytest.fixture
def winter(store):
    return CollectionPageFactory(parent=store.site.root_page, title="Winter")


@pytest.fixture
def foreign(other_store):
    return CollectionPageFactory(parent=other_store.site.root_page, title="Winter")


def picked(collection: CollectionPage) -> list[str]:
    rows = CollectionProduct.objects.filter(collection=collection).order_by("sort_order")
    return [row.product.title for row in rows]


def test_the_screen_offers_the_product_actions(marketer_client, products):
    html = marketer_client.get(SCREEN).content.decode()
    for action in ("publish", "unpublish", "add_to_collection", "set_category"):
        assert reverse("wagtail_bulk_action", args=("catalog", "productpage", action)) in html


def test_add_to_a_collection_changes_only_the_marketers_products(marketer_client, products, winter, foreign):
    anorak, beanie, elsewhere = products["Anorak"], products["Beanie"], products["Elsewhere tote"]
    page = marketer_client.get(action_url("add_to_collection", anorak, beanie, elsewhere))
    html = page.content.decode()
    assert "Elsewhere tote" in html and "You may not edit these products" in html  # listed, not actionable
    choices = [c.pk for c in page.context["form"].fields["collection"].queryset]
    assert choices == [winter.pk]  # the other store's "Winter" is not offered

    response = marketer_client.post(
        action_url("add_to_collection", anorak, beanie, elsewhere), {"collection": winter.pk}
    )
    assert response.status_code == 302
    assert picked(winter) == ["Anorak", "Beanie"]
    winter.refresh_from_db()
    assert winter.live and not winter.has_unpublished_changes
    assert [item.product_id for item in winter.get_latest_revision_as_object().manual_products.all()] == [
        anorak.pk,
        beanie.pk,
    ]
    # adding again is harmless: nothing twice
    marketer_client.post(action_url("add_to_collection", anorak), {"collection": winter.pk})
    assert picked(winter) == ["Anorak", "Beanie"]


def test_another_stores_collection_is_refused_and_nothing_changes(marketer_client, products, foreign):
    response = marketer_client.post(action_url("add_to_collection", products["Anorak"]), {"collection": foreign.pk})
    assert response.status_code == 200
    assert "collection" in response.context["form"].errors
    assert picked(foreign) == []


def test_select_all_means_all_of_the_marketers_products(marketer_client, products, winter):
    marketer_client.post(action_url("add_to_collection", "all"), {"collection": winter.pk})
    assert sorted(picked(winter)) == ["Anorak", "Beanie"]


def test_a_collection_with_a_pending_draft_keeps_it_and_gains_the_product(marketer_client, products, winter, marketer):
    draft = winter.get_latest_revision_as_object()
    draft.intro = "Coming soon"
    draft.save_revision(user=marketer)
    marketer_client.post(action_url("add_to_collection", products["Anorak"]), {"collection": winter.pk})
    winter.refresh_from_db()
    latest = winter.get_latest_revision_as_object()
    assert latest.intro == "Coming soon" and [i.product_id for i in latest.manual_products.all()] == [
        products["Anorak"].pk
    ]
    assert winter.has_unpublished_changes and winter.intro == ""  # the draft stays a draft
    assert picked(winter) == ["Anorak"]  # and the live list has the product


def test_set_category_adds_or_replaces_on_the_marketers_products(marketer_client, products, categories):
    anorak, elsewhere = products["Anorak"], products["Elsewhere tote"]
    categorise(anorak, categories["accessories"])
    marketer_client.post(action_url("set_category", anorak, elsewhere), {"category": categories["outerwear"].pk})
    assert sorted(c.slug for c in ProductPage.objects.get(pk=anorak.pk).categories.all()) == [
        "accessories",
        "outerwear",
    ]
    assert not ProductPage.objects.get(pk=elsewhere.pk).categories.exists()

    response = marketer_client.post(
        action_url("set_category", anorak), {"category": categories["knitwear"].pk, "replace": "on"}
    )
    assert response.status_code == 302
    live = ProductPage.objects.get(pk=anorak.pk)
    assert [c.slug for c in live.categories.all()] == ["knitwear"]
    assert [c.slug for c in live.get_latest_revision_as_object().categories.all()] == ["knitwear"]
    assert live.live and not live.has_unpublished_changes


def test_an_unknown_category_is_a_form_error(marketer_client, products):
    response = marketer_client.post(action_url("set_category", products["Anorak"]), {"category": 999999})
    assert response.status_code == 200 and "category" in response.context["form"].errors
