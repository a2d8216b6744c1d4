"""Collection pages: hand-picked products, rules, their union, ordering and the default sort."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlsplit

import pytest

from commerce.catalog.models import CollectionPage, CollectionProduct
from tests.catalog.helpers import titles
from tests.factories import CollectionPageFactory

pytestmark = pytest.mark.django_db


def make_collection(store, *, manual=(), categories=(), **rules) -> CollectionPage:
    collection = CollectionPageFactory(parent=store.site.root_page, **rules)
    for position, product in enumerate(manual):
        CollectionProduct.objects.create(collection=collection, product=product, sort_order=position)
    if categories:
        collection.rule_categories.set(categories)
        collection.save()
    return collection


def get(client, collection, **params):
    response = client.get(urlsplit(collection.full_url).path, params)
    assert response.status_code == 200
    return response


def test_no_rules_and_no_picks_lists_the_whole_store(client, store, catalogue):
    collection = make_collection(store)

    assert titles(get(client, collection, sort="price_asc")) == ["Beanie", "Espadrille", "Cardigan", "Anorak", "Duffel"]


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        ({"rule_tag": "wool"}, ["Beanie", "Cardigan"]),
        ({"rule_tag": "Wool"}, ["Beanie", "Cardigan"]),
        ({"rule_min_price": Decimal("20"), "rule_max_price": Decimal("50")}, ["Espadrille", "Cardigan"]),
        ({"rule_min_price": Decimal("100")}, ["Duffel"]),
        # Espadrille's 30 variant is sold out: its "From" price is 35 (inventory issue 10)
        ({"rule_max_price": Decimal("30")}, ["Beanie"]),
        ({"rule_on_sale": True}, ["Cardigan"]),
        ({"rule_in_stock": True}, ["Espadrille", "Cardigan", "Anorak", "Duffel"]),
        ({"rule_in_stock": True, "rule_tag": "wool"}, ["Cardigan"]),
    ],
)
def test_each_rule_matches_exactly(client, store, catalogue, rules, expected):
    collection = make_collection(store, **rules)

    assert titles(get(client, collection, sort="price_asc")) == expected


def test_category_rule_matches_any_of_its_categories(client, store, catalogue, categories):
    collection = make_collection(store, categories=[categories["accessories"], categories["outerwear"]])

    assert titles(get(client, collection, sort="price_asc")) == ["Beanie", "Anorak", "Duffel"]


def test_category_rule_combines_with_the_other_rules(client, store, catalogue, categories):
    collection = make_collection(store, categories=[categories["accessories"]], rule_in_stock=True)

    assert titles(get(client, collection, sort="price_asc")) == ["Duffel"]


def test_hand_picked_only_lists_just_those_in_their_order(client, store, catalogue):
    picks = [catalogue["Duffel"], catalogue["Anorak"], catalogue["Beanie"]]
    collection = make_collection(store, manual=picks)

    assert titles(get(client, collection)) == ["Duffel", "Anorak", "Beanie"]


def test_featured_comes_before_the_hand_picked_order(client, store, catalogue):
    picks = [catalogue["Duffel"], catalogue["Cardigan"], catalogue["Anorak"]]
    collection = make_collection(store, manual=picks)

    assert titles(get(client, collection)) == ["Cardigan", "Duffel", "Anorak"]


def test_hand_picked_and_rules_are_a_union(client, store, catalogue, categories):
    collection = make_collection(store, manual=[catalogue["Anorak"]], categories=[categories["knitwear"]])

    assert titles(get(client, collection, sort="price_asc")) == ["Cardigan", "Anorak"]


def test_union_orders_picks_then_rule_matches_by_newest(client, store, catalogue):
    collection = make_collection(store, manual=[catalogue["Anorak"]], rule_tag="wool")

    # Cardigan is featured; then the hand-pick; then the rule matches, newest first.
    assert titles(get(client, collection)) == ["Cardigan", "Anorak", "Beanie"]


def test_picks_that_are_drafts_or_from_another_store_are_left_out(client, store, catalogue):
    collection = make_collection(store, manual=[catalogue["Draft"], catalogue["Elsewhere"], catalogue["Beanie"]])

    assert titles(get(client, collection)) == ["Beanie"]


def test_shopper_filters_apply_inside_the_collection(client, store, catalogue):
    collection = make_collection(store, rule_tag="wool")

    response = get(client, collection, in_stock="on")

    assert titles(response) == ["Cardigan"]
    assert [o.value for o in response.context["tag_options"]] == ["wool"]
    assert [o.value for o in response.context["category_options"]] == ["accessories", "knitwear"]


def test_collection_default_sort_applies_without_a_sort_parameter(client, store, catalogue):
    collection = make_collection(store, default_sort="price_desc")

    response = get(client, collection)

    assert response.context["sort"] == "price_desc"
    assert titles(response) == ["Duffel", "Anorak", "Cardigan", "Espadrille", "Beanie"]
    assert '<option value="price_desc" selected>' in response.content.decode()


def test_the_default_sort_is_left_out_of_pagination_links(client, store, catalogue):
    collection = make_collection(store, default_sort="price_desc", products_per_page=2)

    response = get(client, collection, sort="price_desc", page=2)

    assert titles(response) == ["Cardigan", "Espadrille"]
    assert all("sort=" not in link.url for link in response.context["page_links"])


def test_collection_with_a_hero_image_renders_it(client, store, catalogue):
    from tests.images import make_image

    collection = make_collection(store, hero_image=make_image("Hero"), intro="Warm things.")

    html = get(client, collection).content.decode()

    assert "fill-1600x680" in html
    assert "Warm things." in html
