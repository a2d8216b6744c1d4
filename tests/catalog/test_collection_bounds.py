"""Collections with rules and filtered listings stay bounded as the catalogue grows (issue 15): rule
ids reach the query as literals, facet counts under filters or rules stop at ``FACET_COUNT_CAP``
(shown as "100+", exact below it, exact for a whole store without filters), and what a collection
lists and counts equals SQL over the source tables and follows a restock, a tag and an unpublish at
once."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from commerce.catalog.models import ProductPage
from commerce.catalog.selectors import facets as facets_module
from commerce.inventory.services import StockChange, default_location, stock_change
from tests.catalog.helpers import categorise, tag, titles
from tests.catalog.test_listing_facets import expected, shown, source_rows
from tests.factories import CollectionPageFactory, ProductPageFactory

pytestmark = pytest.mark.django_db


def path(page) -> str:
    return urlsplit(page.full_url).path


def labels(response) -> dict:
    html = response.content.decode()
    facets = response.context["facets"]
    return {
        "categories": {option.value: option.count_label for option in response.context["category_options"]},
        "tags": {option.value: option.count_label for option in response.context["tag_options"]},
        "in_stock": facets.in_stock_label,
        "on_sale": facets.on_sale_label,
        "html": html,
    }


def capped(counts: dict, cap: int) -> dict:
    """Counts as a capped listing holds them: exact up to the cap, ``cap + 1`` above it."""
    return {key: min(value, cap + 1) for key, value in counts.items()}


def test_a_rule_tag_naming_no_tag_matches_nothing(client, store, catalogue):
    collection = CollectionPageFactory(parent=store.site.root_page, rule_tag="No such tag")

    response = client.get(path(collection))

    assert titles(response) == []
    assert shown(response)["categories"] == {} and shown(response)["in_stock"] == 0


@pytest.mark.parametrize("params", [{"in_stock": "on"}, {"category": ["accessories"]}, {"tag": "wool"}])
def test_filtered_counts_above_the_cap_show_as_the_cap_plus(client, store, catalogue, shop_url, monkeypatch, params):
    monkeypatch.setattr(facets_module, "FACET_COUNT_CAP", 1)
    truth = expected(source_rows(store.site.root_page.path), params)

    response = client.get(shop_url, params)

    counts = shown(response)
    assert counts["categories"] == capped(truth["categories"], 1)
    assert counts["tags"] == capped(truth["tags"], 1)
    assert (counts["in_stock"], counts["on_sale"]) == (min(truth["in_stock"], 2), min(truth["on_sale"], 2))
    assert counts["price_range"] == truth["price_range"]  # the range is never approximated
    shown_labels = labels(response)
    for slug, count in truth["categories"].items():
        assert shown_labels["categories"][slug] == ("1+" if count > 1 else str(count))
    assert shown_labels["in_stock"] == ("1+" if truth["in_stock"] > 1 else str(truth["in_stock"]))


def test_a_whole_store_unfiltered_is_counted_exactly_above_the_cap(client, store, catalogue, shop_url, monkeypatch):
    monkeypatch.setattr(facets_module, "FACET_COUNT_CAP", 1)

    response = client.get(shop_url)

    assert shown(response) == expected(source_rows(store.site.root_page.path), {})
    assert labels(response)["in_stock"] == "4"
    assert 'In stock only <span class="facet-count">(4<span' in labels(response)["html"]


def test_a_collection_with_rules_shows_the_cap_in_its_page(client, store, catalogue, monkeypatch):
    monkeypatch.setattr(facets_module, "FACET_COUNT_CAP", 1)
    collection = CollectionPageFactory(parent=store.site.root_page, rule_in_stock=True)

    response = client.get(path(collection))

    assert titles(response) == ["Cardigan", "Espadrille", "Duffel", "Anorak"]  # featured, then newest
    assert response.context["result_count"] == 4  # the listing's own count is exact
    assert 'In stock only <span class="facet-count">(1+<span' in labels(response)["html"]
    assert "Wool (1)</option>" in labels(response)["html"]


@pytest.mark.caching
def test_a_rules_collection_follows_a_restock_a_new_tag_and_an_unpublish_at_once(
    client, store, catalogue, listings_cache, django_capture_on_commit_callbacks
):
    """New arrivals: in stock, tagged "wool", newest first — with the listings cache on."""
    collection = CollectionPageFactory(
        parent=store.site.root_page, rule_tag="Wool", rule_in_stock=True, default_sort="newest"
    )
    url = path(collection)

    def truth() -> tuple[set[str], dict]:
        """The collection's products and facets from the source tables."""
        rows = [row for row in source_rows(store.site.root_page.path) if "wool" in row.tags and row.in_stock]
        names = set(ProductPage.objects.filter(pk__in=[row.id for row in rows]).values_list("title", flat=True))
        return names, expected(rows, {})

    assert titles(client.get(url)) == ["Cardigan"]

    beanie = catalogue["Beanie"]
    with django_capture_on_commit_callbacks(execute=True):
        location = default_location(store_id=store.pk)
        stock_change(
            changes=[StockChange(variant_id=beanie.variants.get().pk, location_id=location.pk, count=5)], kind="count"
        )
    response = client.get(url)
    assert titles(response) == ["Cardigan", "Beanie"]  # Cardigan was published a day after Beanie
    assert (set(titles(response)), shown(response)) == truth()

    anorak = ProductPage.objects.get(pk=catalogue["Anorak"].pk)
    anorak.tags.add("Wool")
    with django_capture_on_commit_callbacks(execute=True):
        anorak.save_revision().publish()
    response = client.get(url)
    assert titles(response) == ["Cardigan", "Beanie", "Anorak"]  # first published 5 days ago
    assert (set(titles(response)), shown(response)) == truth()

    with django_capture_on_commit_callbacks(execute=True):
        ProductPage.objects.get(pk=catalogue["Cardigan"].pk).unpublish()
    response = client.get(url)
    assert titles(response) == ["Beanie", "Anorak"]
    assert (set(titles(response)), shown(response)) == truth()


@pytest.mark.benchmark
@pytest.mark.parametrize("count", [1, 30])
def test_a_tag_rule_collection_with_a_filter_makes_a_fixed_number_of_queries(
    client, store, categories, django_assert_num_queries, count
):
    for i in range(count):
        product = ProductPageFactory(store=store, price=f"{10 + i}.00")
        categorise(product, categories["knitwear"])
        tag(product, "New", f"Colour {i % 7}")
    collection = CollectionPageFactory(
        parent=store.site.root_page, rule_tag="new", rule_in_stock=True, default_sort="newest", products_per_page=48
    )
    url = path(collection)
    client.get(url, {"category": "knitwear"})

    with django_assert_num_queries(COLLECTION_FILTERED_QUERIES) as queries:
        response = client.get(url, {"category": "knitwear"})

    assert len(response.context["cards"]) == count
    assert len(queries.captured_queries) == COLLECTION_FILTERED_QUERIES


# The collection page as test_query_counts counts it (routing answers and the page row warm), without
# hand-picks or hero image, plus its tag
# rule's ids, with a shopper's filter: facets of its rules (the store's categories and tags, their
# probes), then the probes given the filter.
COLLECTION_FILTERED_QUERIES = 13


@pytest.fixture
def shop_url(shop_index) -> str:
    return urlsplit(shop_index.full_url).path
