"""The search page's query count does not depend on how many products match."""

import pytest

from tests.factories import CategoryFactory, ContentPageFactory, ProductPageFactory

pytestmark = [pytest.mark.django_db, pytest.mark.benchmark]

# Site; store; then, each after reading the page view restrictions: the ranked product search and
# the filtered, annotated ids; cards (products, variants, gallery images; warm card fragments need no
# renditions); again after
# the restrictions: the content search; the filter's categories; the main menu.
SEARCH_PAGE_QUERIES = 13


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

    with django_assert_num_queries(SEARCH_PAGE_QUERIES):
        response = client.get("/search/", params)

    assert response.status_code == 200
