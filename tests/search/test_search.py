"""Storefront search: products by title, SKU and description, filters, sorts, content pages, states."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.models import PageViewRestriction

from commerce.catalog.models import ProductVariant
from tests.factories import CategoryFactory, CollectionPageFactory, ContentPageFactory, ProductPageFactory
from tests.storefront.streamfield import block, stream

pytestmark = pytest.mark.django_db


def product_titles(html: str) -> list[str]:
    return re.findall(r'<h3 class="product-card__title"><a href="[^"]*">([^<]*)</a></h3>', html)


def search(client, **params):
    response = client.get("/search/", params)
    return response, response.content.decode()


@pytest.fixture
def home_page(store):
    return store.site.root_page.specific


class TestFindingProducts:
    def test_by_title(self, client, store):
        ProductPageFactory(store=store, title="Linen apron")
        ProductPageFactory(store=store, title="Cotton towel")

        response, html = search(client, q="apron")

        assert response.status_code == 200
        assert product_titles(html) == ["Linen apron"]
        assert "$10.00" in html

    def test_by_a_word_only_in_the_description(self, client, store):
        ProductPageFactory(
            store=store,
            title="Throw",
            summary="Warm and soft.",
            description=stream(block("paragraph", "<p>Woven from undyed alpaca on a hand loom.</p>")),
        )
        ProductPageFactory(store=store, title="Blanket")

        _, html = search(client, q="alpaca")

        assert product_titles(html) == ["Throw"]

    def test_by_sku_once_the_product_is_published(self, client, store, django_capture_on_commit_callbacks):
        product = ProductPageFactory(store=store, title="Enamel mug")
        ProductVariant.objects.filter(product=product).update(sku="MUG-ENAMEL-042")

        # Publishing saves the variants after the page; the search entry is rebuilt once all is committed.
        with django_capture_on_commit_callbacks(execute=True):
            product.save_revision().publish()

        _, html = search(client, q="MUG-ENAMEL-042")

        assert product_titles(html) == ["Enamel mug"]

    def test_never_from_another_store(self, client, store, other_store):
        ProductPageFactory(store=store, title="Our teapot")
        ProductPageFactory(store=other_store, title="Their teapot")

        _, html = search(client, q="teapot")

        assert product_titles(html) == ["Our teapot"]
        assert "Their teapot" not in html

    def test_only_live_products(self, client, store):
        ProductPageFactory(store=store, title="Draft lantern", live=False)

        _, html = search(client, q="lantern")

        assert product_titles(html) == []
        assert "No results for “lantern”" in html

    @pytest.mark.parametrize("sort", ["relevance", "price_asc"])
    def test_never_a_view_restricted_product(self, client, store, sort):
        ProductPageFactory(store=store, title="Open stoneware jug", price="30.00")
        hidden = ProductPageFactory(store=store, title="Members' stoneware jug", price="20.00")
        PageViewRestriction.objects.create(page=hidden, restriction_type=PageViewRestriction.LOGIN)

        response, html = search(client, q="stoneware", sort=sort)

        assert response.status_code == 200
        assert product_titles(html) == ["Open stoneware jug"]

    def test_the_other_store_finds_its_own_in_its_currency(self, client, store, other_store):
        ProductPageFactory(store=store, title="Our teapot")
        ProductPageFactory(store=other_store, title="Their teapot", price="18.00")

        html = client.get("/search/", {"q": "teapot"}, HTTP_HOST="second.example.com").content.decode()

        assert product_titles(html) == ["Their teapot"]
        assert "€18.00" in html


class TestFilters:
    @pytest.fixture
    def products(self, store):
        now = timezone.now()
        kitchen = CategoryFactory(name="Kitchen", slug="kitchen")
        garden = CategoryFactory(name="Garden", slug="garden")
        cheap = ProductPageFactory(
            store=store, title="Basket small", price="12.00", first_published_at=now - timedelta(days=3)
        )
        middle = ProductPageFactory(
            store=store, title="Basket medium", price="30.00", stock=0, first_published_at=now - timedelta(days=1)
        )
        dear = ProductPageFactory(
            store=store, title="Basket large", price="55.00", first_published_at=now - timedelta(days=2)
        )
        for product, category in ((cheap, kitchen), (middle, kitchen), (dear, garden)):
            product.categories.add(category)
            product.save()
        return cheap, middle, dear

    def test_price_range(self, client, products):
        _, html = search(client, q="basket", min_price="20", max_price="40")

        assert product_titles(html) == ["Basket medium"]

    def test_in_stock(self, client, products):
        _, html = search(client, q="basket", in_stock="on")

        assert set(product_titles(html)) == {"Basket small", "Basket large"}

    def test_category(self, client, products):
        _, html = search(client, q="basket", category="kitchen")

        assert set(product_titles(html)) == {"Basket small", "Basket medium"}
        assert '<option value="kitchen" selected>Kitchen</option>' in html
        assert '<option value="garden">Garden</option>' in html

    @pytest.mark.parametrize(
        ("sort", "expected"),
        [
            ("price_asc", ["Basket small", "Basket medium", "Basket large"]),
            ("price_desc", ["Basket large", "Basket medium", "Basket small"]),
            ("newest", ["Basket medium", "Basket large", "Basket small"]),
        ],
    )
    def test_sorts(self, client, products, sort, expected):
        _, html = search(client, q="basket", sort=sort)

        assert product_titles(html) == expected

    def test_relevance_order_is_kept_without_a_sort(self, client, store):
        ProductPageFactory(store=store, title="Candle holder", summary="Holds a candle.")
        ProductPageFactory(store=store, title="Candle", summary="A beeswax candle, a candle for the table.")

        _, html = search(client, q="candle")

        assert product_titles(html) == ["Candle", "Candle holder"]

    def test_filters_that_match_nothing_offer_to_clear_them(self, client, products):
        _, html = search(client, q="basket", min_price="1000")

        assert product_titles(html) == []
        assert "No products match these filters." in html
        assert 'href="/search/?q=basket"' in html

    @pytest.mark.parametrize(
        "params",
        [
            {"min_price": "cheap"},
            {"min_price": "-5"},
            {"max_price": "1e400"},
            {"min_price": "50", "max_price": "10"},
            {"category": "not a slug!"},
            {"sort": "random"},
            {"in_stock": "maybe"},
            {"page": "last"},
            {"page": "-3"},
            {"page": "99999999999999999999"},
        ],
    )
    def test_bad_filter_values_are_reported_or_ignored_never_a_500(self, client, products, params):
        response, html = search(client, q="basket", **params)

        assert response.status_code == 200
        assert len(product_titles(html)) >= 1

    def test_a_min_price_above_the_max_price_is_explained(self, client, products):
        _, html = search(client, q="basket", min_price="50", max_price="10")

        assert "The maximum price must not be below the minimum price." in html


class TestPagination:
    def test_pages_of_24_keep_the_query_and_filters(self, client, store):
        for i in range(30):
            ProductPageFactory(store=store, title=f"Napkin {i:02d}")

        _, first = search(client, q="napkin", in_stock="on")
        _, second = search(client, q="napkin", in_stock="on", page="2")

        assert len(product_titles(first)) == 24
        assert len(product_titles(second)) == 6
        assert set(product_titles(first)).isdisjoint(product_titles(second))
        assert 'href="?q=napkin&amp;in_stock=on&amp;page=2"' in first
        assert "30 products" in first

    def test_a_page_beyond_the_last_shows_the_last(self, client, store):
        ProductPageFactory(store=store, title="Coaster")

        response, html = search(client, q="coaster", page="400")

        assert response.status_code == 200
        assert product_titles(html) == ["Coaster"]


class TestContentPages:
    def test_content_collection_and_home_pages_are_found_in_their_own_list(self, client, store, home_page):
        ContentPageFactory(
            parent=home_page,
            title="Caring for ceramics",
            slug="ceramics-care",
            search_description="How to wash and store ceramics.",
        )
        CollectionPageFactory(parent=home_page, title="Ceramics collection", slug="ceramics")
        ProductPageFactory(store=store, title="Ceramics vase")

        _, html = search(client, q="ceramics")

        pages = re.findall(r'<li>\s*<h3><a href="([^"]*)">([^<]*)</a></h3>', html)
        assert ("/ceramics-care/", "Caring for ceramics") in pages
        assert ("/ceramics/", "Ceramics collection") in pages
        assert "How to wash and store ceramics." in html
        assert product_titles(html) == ["Ceramics vase"]
        assert all(title != "Ceramics vase" for _, title in pages)

    def test_a_page_matched_only_by_its_body(self, client, store, home_page):
        ContentPageFactory(
            parent=home_page,
            title="Our story",
            slug="story",
            body=stream(block("rich_text", "<p>Started in a Lisbon garage.</p>")),
        )

        _, html = search(client, q="lisbon")

        assert "Our story" in html
        assert "No products match “lisbon”" in html

    def test_pages_of_another_store_are_not_found(self, client, store, other_store):
        ContentPageFactory(parent=other_store.site.root_page, title="Their journal", slug="journal")

        _, html = search(client, q="journal")

        assert "Their journal" not in html


class TestStates:
    def test_no_query_shows_a_prompt(self, client, store):
        response, html = search(client)

        assert response.status_code == 200
        assert "What are you looking for?" in html
        assert 'href="/shop/"' in html

    def test_a_blank_query_is_no_query(self, client, store):
        _, html = search(client, q="    ")

        assert "What are you looking for?" in html

    def test_no_result_suggests_browsing_the_shop(self, client, store):
        ProductPageFactory(store=store, title="Jug")

        response, html = search(client, q="submarine")

        assert response.status_code == 200
        assert "No results for “submarine”" in html
        assert '<a class="button" href="/shop/">Browse the shop</a>' in html

    def test_a_query_that_is_too_long_is_not_run(self, client, settings, store):
        ProductPageFactory(store=store, title="Jug")
        query = "jug " * 60

        response, html = search(client, q=query)

        assert response.status_code == 400
        assert f"Searches can be up to {settings.MAGPIE_SEARCH_MAX_QUERY_LENGTH} characters long" in html
        assert product_titles(html) == []

    def test_a_query_at_the_limit_is_run(self, client, settings, store):
        ProductPageFactory(store=store, title="Jug")
        query = "jug".ljust(settings.MAGPIE_SEARCH_MAX_QUERY_LENGTH, " ") + "   "

        response, html = search(client, q=query)

        assert response.status_code == 200
        assert product_titles(html) == ["Jug"]

    @pytest.mark.parametrize(
        "query", ["'", '"', "&", "|", "!", ":*", "(", "a:b", "\\", "-", "<script>", "jug & !", "the", "☕ mug", "ü"]
    )
    def test_punctuation_never_breaks_search(self, client, store, query):
        ProductPageFactory(store=store, title="Jug")

        response, html = search(client, q=query)

        assert response.status_code == 200
        assert "<script>" not in html.split("<main", 1)[1]

    def test_a_null_character_is_refused_politely(self, client, store):
        response, html = search(client, q="jug\x00")

        assert response.status_code == 400
        assert "Null characters are not allowed." in html

    def test_post_is_not_allowed(self, client, store):
        assert client.post("/search/", {"q": "jug"}).status_code == 405
