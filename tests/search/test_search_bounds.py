"""Search reads a bounded set whatever the number of matches: a ranked candidate set for relevance,
one page of the listing summary (and a count that stops) for a sort. The bounds are lowered here so
that a few products exceed them."""

import re

import pytest

from tests.factories import ProductPageFactory
from tests.search.test_search_queries import SEARCH_PAGE_QUERIES, SORTED_SEARCH_PAGE_QUERIES

pytestmark = pytest.mark.django_db

BOUND = 10


def product_titles(html: str) -> list[str]:
    return re.findall(r'<h3 class="product-card__title"><a href="[^"]*">([^<]*)</a></h3>', html)


@pytest.fixture(autouse=True)
def low_bounds(monkeypatch):
    monkeypatch.setattr("search.selectors.MAX_PRODUCT_HITS", BOUND)


@pytest.fixture
def catalogue(store):
    """3 kettles and 30 lanterns (3 times the bound); the cheapest lantern is the last one created."""
    for i in range(3):
        ProductPageFactory(store=store, title=f"Kettle {i}", price=f"{20 + i}.00", variants=1, images=1)
    for i in range(30):
        ProductPageFactory(store=store, title=f"Lantern {i:02d}", price=f"{60 - i}.00", variants=1, images=1)


@pytest.mark.benchmark
@pytest.mark.parametrize(
    ("params", "queries"),
    [({}, SEARCH_PAGE_QUERIES), ({"in_stock": "on", "sort": "price_asc"}, SORTED_SEARCH_PAGE_QUERIES)],
)
def test_query_count_is_the_same_below_and_above_the_bounds(
    client, catalogue, django_assert_num_queries, params, queries
):
    for word in ("kettle", "lantern"):
        client.get("/search/", {"q": word, **params})  # warm-up: content types, renditions, card fragments

        with django_assert_num_queries(queries):
            response = client.get("/search/", {"q": word, **params})

        assert response.status_code == 200


def test_a_sort_orders_every_match_not_only_the_candidates(client, catalogue):
    html = client.get("/search/", {"q": "lantern", "sort": "price_asc"}).content.decode()

    assert product_titles(html)[:3] == ["Lantern 29", "Lantern 28", "Lantern 27"]
    assert "10+ products" in html
    assert "Showing the best" not in html


def test_a_sort_counts_exactly_below_the_bound(client, catalogue):
    html = client.get("/search/", {"q": "kettle", "sort": "price_desc"}).content.decode()

    assert product_titles(html) == ["Kettle 2", "Kettle 1", "Kettle 0"]
    assert "3 products" in html
    assert "3+ products" not in html


def test_relevance_ranks_a_bounded_candidate_set(client, catalogue):
    html = client.get("/search/", {"q": "lantern"}).content.decode()

    assert len(product_titles(html)) == BOUND
    assert "Showing the best 10 matches." in html


def test_title_matches_come_before_body_matches_that_fill_the_bound(client, store):
    for i in range(2 * BOUND):
        ProductPageFactory(store=store, title=f"Candle holder {i:02d}", summary="Made for a lantern.")
    ProductPageFactory(store=store, title="Storm lantern", summary="Glass and steel.")
    ProductPageFactory(store=store, title="Paper lantern", summary="Rice paper.")

    titles = product_titles(client.get("/search/", {"q": "lantern"}).content.decode())

    assert sorted(titles[:2]) == ["Paper lantern", "Storm lantern"]
    assert len(titles) == BOUND
