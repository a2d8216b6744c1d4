"""The discount editor's product and collection pickers (issue 17): only the staff member's stores'
pages, searchable and narrowed to the discount's store in the browser (each option carries its
store), store names shown where two stores share a title, and another store's page refused."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from commerce.promotions.models import Discount
from tests.factories import CollectionPageFactory, ProductPageFactory

pytestmark = [pytest.mark.django_db, pytest.mark.catalogue]

ADD = "wagtailsnippets_promotions_discount:add"


def form_data(store, **overrides):
    data = {
        "store": store.pk, "name": "Spring sale", "kind": "code", "value_type": "percentage", "value": "10",
        "target": "products", "priority": "100",
    }  # fmt: skip
    data.update(overrides)
    return data


@pytest.fixture
def twins(store, other_store):
    """An "Anorak" and a "Winter" collection in each store."""
    return {
        "ours": ProductPageFactory(store=store, title="Anorak"),
        "theirs": ProductPageFactory(store=other_store, title="Anorak"),
        "beanie": ProductPageFactory(store=store, title="Beanie"),
        "our_winter": CollectionPageFactory(parent=store.site.root_page, title="Winter"),
        "their_winter": CollectionPageFactory(parent=other_store.site.root_page, title="Winter"),
    }


def test_store_names_where_two_stores_share_a_title(admin_client, store, other_store, twins):
    response = admin_client.get(reverse(ADD))
    form = response.context["form"]
    labels = sorted(label for _, label in form.fields["products"].choices)
    assert labels == ["Anorak (Magpie Test Shop)", "Anorak (Second Shop)", "Beanie"]
    assert sorted(label for _, label in form.fields["collections"].choices) == [
        "Winter (Magpie Test Shop)",
        "Winter (Second Shop)",
    ]
    html = response.content.decode()
    assert "data-store-page-picker" in html and "catalog/store_page_picker.js" in html
    products_html = html.split('name="products"', 1)[1]
    theirs = re.search(rf'<input[^>]*value="{twins["theirs"].pk}"[^>]*>', products_html)
    assert theirs and f'data-store="{other_store.pk}"' in theirs.group(0)  # hidden in the browser for our store


def test_a_store_limited_marketer_picks_only_their_stores_pages(client, marketer, store, twins):
    from django.contrib.auth.models import Permission

    marketer.user_permissions.add(*Permission.objects.filter(codename__in=["add_discount", "change_discount"]))
    client.force_login(marketer)
    form = client.get(reverse(ADD)).context["form"]
    assert sorted(label for _, label in form.fields["products"].choices) == [
        "Anorak",
        "Beanie",
    ]  # no twin: no store name
    assert [pk for pk, _ in form.fields["collections"].choices] == [twins["our_winter"].pk]

    response = client.post(reverse(ADD), form_data(store, products=[twins["theirs"].pk]))
    assert response.status_code == 200 and "products" in response.context["form"].errors
    assert not Discount.objects.exists()

    response = client.post(reverse(ADD), form_data(store, products=[twins["ours"].pk]))
    assert response.status_code == 302
    assert list(Discount.objects.get().products.all()) == [twins["ours"]]
