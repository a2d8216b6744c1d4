"""The shop listing (ProductIndexPage): filters, sorting, facets, pagination and bad input."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from commerce.catalog.models import ProductIndexPage
from tests.catalog.helpers import titles

pytestmark = pytest.mark.django_db

ALL_BY_PRICE = ["Beanie", "Espadrille", "Cardigan", "Anorak", "Duffel"]


@pytest.fixture
def shop_url(shop_index):
    return urlsplit(shop_index.full_url).path


def test_lists_live_products_of_this_store_only(client, catalogue, shop_url):
    response = client.get(shop_url)

    assert response.status_code == 200
    assert sorted(titles(response)) == sorted(ALL_BY_PRICE)
    assert response.context["result_count"] == 5
    assert "Showing 1–5 of 5 products" in response.content.decode()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"min_price": "40"}, ["Cardigan", "Anorak", "Duffel"]),
        ({"max_price": "40"}, ["Beanie", "Espadrille"]),
        ({"min_price": "20", "max_price": "45"}, ["Espadrille", "Cardigan"]),
        ({"min_price": "120", "max_price": "120"}, ["Duffel"]),
        ({"in_stock": "on"}, ["Espadrille", "Cardigan", "Anorak", "Duffel"]),
        ({"category": "accessories"}, ["Beanie", "Duffel"]),
        ({"category": ["accessories", "knitwear"]}, ["Beanie", "Cardigan", "Duffel"]),
        ({"tag": "wool"}, ["Beanie", "Cardigan"]),
        ({"tag": "wool", "in_stock": "on"}, ["Cardigan"]),
        ({"category": "accessories", "max_price": "100"}, ["Beanie"]),
    ],
)
def test_each_filter_gives_exactly_the_matching_products(client, catalogue, shop_url, params, expected):
    response = client.get(shop_url, {**params, "sort": "price_asc"})

    assert response.status_code == 200
    assert titles(response) == expected
    assert response.context["filter_errors"] == []


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("featured", ["Cardigan", "Espadrille", "Duffel", "Beanie", "Anorak"]),
        ("newest", ["Espadrille", "Duffel", "Cardigan", "Beanie", "Anorak"]),
        ("price_asc", ALL_BY_PRICE),
        ("price_desc", list(reversed(ALL_BY_PRICE))),
    ],
)
def test_each_sort_orders_the_products(client, catalogue, shop_url, sort, expected):
    response = client.get(shop_url, {"sort": sort})

    assert titles(response) == expected
    assert response.context["sort"] == sort


def test_default_sort_is_featured(client, catalogue, shop_url):
    response = client.get(shop_url)

    assert response.context["sort"] == "featured"
    assert titles(response)[0] == "Cardigan"


def test_price_ignores_inactive_variants(client, catalogue, shop_url):
    """The Duffel's inactive 5.00 variant neither lists it as cheap nor shows on its card."""
    response = client.get(shop_url, {"max_price": "10"})

    assert titles(response) == []
    duffel = next(c for c in client.get(shop_url).context["cards"] if c.title == "Duffel")
    assert str(duffel.price.amount) == "120.00"


def test_facets_list_only_categories_and_tags_used_in_this_store(client, catalogue, shop_url):
    response = client.get(shop_url)

    assert [o.value for o in response.context["category_options"]] == ["accessories", "knitwear", "outerwear"]
    assert [o.value for o in response.context["tag_options"]] == ["summer", "waterproof", "wool"]
    html = response.content.decode()
    assert '<label class="checkbox" for="filter-category-1">' in html
    assert '<label for="filter-tag">Tag</label>' in html


def test_selected_filters_are_shown_checked(client, catalogue, shop_url):
    response = client.get(shop_url, {"category": "knitwear", "in_stock": "on", "tag": "wool", "min_price": "10"})

    selected = [o.value for o in response.context["category_options"] if o.selected]
    assert selected == ["knitwear"]
    html = response.content.decode()
    assert 'name="in_stock" checked' in html
    assert '<option value="wool" selected>' in html
    assert 'name="min_price" min="0" step="0.01" inputmode="decimal" value="10"' in html


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"min_price": "abc"}, "Minimum price"),
        ({"max_price": "-5"}, "Maximum price"),
        ({"min_price": "NaN"}, "Minimum price"),
        ({"min_price": "1e999"}, "Minimum price"),
        ({"category": "no-such-category"}, "Category"),
        ({"tag": "no-such-tag"}, "Tag"),
        ({"sort": "evil"}, "Sort by"),
        ({"page": "abc"}, "Page"),
        ({"page": "-1"}, "Page"),
    ],
)
def test_bad_values_are_ignored_and_explained(client, catalogue, shop_url, params, field):
    response = client.get(shop_url, params)

    assert response.status_code == 200
    assert sorted(titles(response)) == sorted(ALL_BY_PRICE)
    assert any(error.startswith(f"{field}:") for error in response.context["filter_errors"])
    assert "Some filters could not be used and were ignored" in response.content.decode()


def test_min_above_max_ignores_the_maximum(client, catalogue, shop_url):
    response = client.get(shop_url, {"min_price": "50", "max_price": "20", "sort": "price_asc"})

    assert titles(response) == ["Anorak", "Duffel"]
    assert response.context["filter_errors"] == [
        "Maximum price: The maximum price must not be below the minimum price."
    ]


def test_a_bad_value_leaves_the_valid_filters_working(client, catalogue, shop_url):
    response = client.get(shop_url, {"min_price": "abc", "category": "accessories", "sort": "price_asc"})

    assert titles(response) == ["Beanie", "Duffel"]


def test_no_matches_shows_the_empty_state_with_a_way_back(client, catalogue, shop_url):
    response = client.get(shop_url, {"min_price": "1000"})

    html = response.content.decode()
    assert titles(response) == []
    assert "No products match these filters." in html
    assert f'<a class="button button--secondary" href="{shop_url}">Clear filters</a>' in html


def test_an_empty_shop_says_so(client, store, shop_url):
    response = client.get(shop_url)

    assert response.status_code == 200
    assert "There are no products here yet." in response.content.decode()


class TestPagination:
    @pytest.fixture
    def paged_url(self, shop_index, catalogue):
        ProductIndexPage.objects.filter(pk=shop_index.pk).update(products_per_page=2)
        return urlsplit(shop_index.full_url).path

    def test_pages_split_the_sorted_list(self, client, paged_url):
        pages = [titles(client.get(paged_url, {"sort": "price_asc", "page": n})) for n in (1, 2, 3)]

        assert pages == [ALL_BY_PRICE[0:2], ALL_BY_PRICE[2:4], ALL_BY_PRICE[4:5]]

    def test_links_keep_the_filters_and_mark_the_current_page(self, client, paged_url):
        response = client.get(paged_url, {"in_stock": "on", "sort": "price_desc", "min_price": "1", "page": "2"})

        assert titles(response) == ["Cardigan", "Espadrille"]
        links = response.context["page_links"]
        assert [(link.number, link.is_current) for link in links] == [(1, False), (2, True)]
        for link in links:
            query = parse_qs(urlsplit(link.url).query)
            assert query["in_stock"] == ["on"]
            assert query["sort"] == ["price_desc"]
            assert query["min_price"] == ["1"]
        assert "page" not in parse_qs(urlsplit(links[0].url).query)
        assert parse_qs(urlsplit(response.context["previous_url"]).query)["in_stock"] == ["on"]
        assert response.context["next_url"] == ""
        html = response.content.decode()
        assert 'aria-current="page"><span class="visually-hidden">Page </span>2</a>' in html
        assert '<nav aria-label="Pagination">' in html

    def test_links_never_carry_bad_input(self, client, paged_url):
        response = client.get(paged_url, {"min_price": "abc", "sort": "evil"})

        assert all("abc" not in link.url and "evil" not in link.url for link in response.context["page_links"])

    @pytest.mark.parametrize("page", ["4", "99999", "99999999999999999999"])
    def test_a_page_past_the_end_shows_the_last_page(self, client, paged_url, page):
        response = client.get(paged_url, {"sort": "price_asc", "page": page})

        assert response.status_code == 200
        assert response.context["page_obj"].number == 3
        assert titles(response) == ["Duffel"]

    def test_the_canonical_link_names_the_page_shown(self, client, paged_url):
        html = client.get(paged_url, {"page": "2", "sort": "newest"}).content.decode()

        assert f'<link rel="canonical" href="http://testserver{paged_url}?page=2">' in html

    def test_page_numbers_are_bounded_by_the_setting(self, client, paged_url, settings):
        settings.MAGPIE_MAX_PAGE_NUMBER = 2

        response = client.get(paged_url, {"sort": "price_asc", "page": "3"})

        assert response.context["page_obj"].number == 2
