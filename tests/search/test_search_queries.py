"""The search page's query count does not depend on how many products match."""

import pytest

from tests.factories import CategoryFactory, ContentPageFactory, ProductPageFactory

pytestmark = [pytest.mark.django_db, pytest.mark.benchmark]

# Store; the ranked product search (one query on the compact search table, view restrictions
# included); the candidates that pass the filters (their search rows, by primary key); cards
# (products, variants, gallery images; warm card fragments need no renditions); the content search
# (one query on the index, with the pages' fields); the filter's categories; the main menu. The
# host's Site is a warm routing answer (``page_routing``): no query.
SEARCH_PAGE_QUERIES = 9
# With a sort other than relevance, every match counts: the page of matching search rows is added
# (whether the rows alone can answer comes from the restricted paths, a warm routing answer).
SORTED_SEARCH_PAGE_QUERIES = SEARCH_PAGE_QUERIES + 1


@pytest.fixture
def catalogue(store):
    category = CategoryFactory(name="Ceramics", slug="ceramics")
    for i in range(48):
        product = ProductPageFactory(store=store, title=f"Stoneware mug {i:02d}", variants=2, images=1)
        product.categories.add(category)
        product.save()
    lonely = ProductPageFactory(store=store, title="Porcelain teapot", variants=2, images=1)
    lonely.categories.add(category)
    lonely.save()
    ContentPageFactory(parent=store.site.root_page, title="Caring for stoneware and porcelain", slug="care")


@pytest.mark.parametrize(("query", "matches"), [("teapot", 1), ("mug", 48)])
def test_search_page_query_count_is_the_same_for_1_and_48_matches(
    client, catalogue, django_assert_num_queries, query, matches
):
    client.get("/search/", {"q": query})  # warm-up: renditions, content types and site root paths are cached

    with django_assert_num_queries(SEARCH_PAGE_QUERIES):
        response = client.get("/search/", {"q": query})

    assert response.status_code == 200
    assert f"{matches} product" in response.content.decode()


@pytest.mark.parametrize("query", ["teapot", "mug"])
def test_filtered_and_sorted_search_page_query_count_is_the_same(client, catalogue, django_assert_num_queries, query):
    params = {"q": query, "in_stock": "on", "category": "ceramics", "min_price": "1", "sort": "price_desc"}
    client.get("/search/", params)

    with django_assert_num_queries(SORTED_SEARCH_PAGE_QUERIES):
        response = client.get("/search/", params)

    assert response.status_code == 200


def test_search_page_query_count_does_not_grow_with_the_catalogue(client, store, catalogue, django_assert_num_queries):
    params = {"q": "mug", "in_stock": "on", "sort": "price_asc"}
    client.get("/search/", params)
    with django_assert_num_queries(SORTED_SEARCH_PAGE_QUERIES):
        client.get("/search/", params)

    for i in range(30):
        ProductPageFactory(store=store, title=f"Stoneware mug, second kiln {i:02d}", variants=3, images=1)
    client.get("/search/", params)  # the newest come first among equal prices: their renditions are made once

    with django_assert_num_queries(SORTED_SEARCH_PAGE_QUERIES):
        response = client.get("/search/", params)

    assert response.status_code == 200
    assert "78 product" in response.content.decode()
