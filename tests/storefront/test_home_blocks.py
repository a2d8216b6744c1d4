"""The home page and content pages render every block editors can use, shoppable ones included."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from commerce.catalog.models import CollectionProduct
from home.blocks import CallToActionBlock, HeroBlock
from tests.factories import CollectionPageFactory, ContentPageFactory, ProductPageFactory
from tests.images import make_image
from tests.storefront.streamfield import block, link, stream

pytestmark = pytest.mark.django_db


def product_list(*products) -> list[dict]:
    return [{"type": "item", "value": product.pk, "id": f"item-{i}"} for i, product in enumerate(products)]


def positions(html: str, *titles: str) -> list[int]:
    return [html.index(title) for title in titles]


def every_block_body(store, home_page, *, products: int = 1) -> dict:
    """A home page body using each block, the hero first; the shoppable blocks show ``products``
    products each. Returns what the page shows."""
    about = ContentPageFactory(parent=home_page, title="About us", slug="about")
    hero_image = make_image("Spring hero")
    side_image = make_image("Workshop bench")
    grid_products = [ProductPageFactory(store=store, title="Walnut tray", price="35.00", images=1)]
    grid_products += [ProductPageFactory(store=store, images=1) for _ in range(products - 1)]
    collection = CollectionPageFactory(parent=home_page, title="Spring edit", slug="spring-edit")
    picked = [ProductPageFactory(store=store, title="Ash stool", price="120.00", images=1)]
    picked += [ProductPageFactory(store=store, images=1) for _ in range(products - 1)]
    for index, product in enumerate(picked):
        CollectionProduct.objects.create(collection=collection, product=product, sort_order=index)
    home_page.body = stream(
        block(
            "hero",
            {
                "heading": "Made to last",
                "subheading": "Furniture for every room",
                "image": hero_image.pk,
                "call_to_action": link("Read our story", page=about.pk),
            },
        ),
        block("rich_text", "<p>Every piece is <b>hand finished</b>.</p>"),
        block(
            "image_with_text",
            {
                "image": side_image.pk,
                "heading": "In the workshop",
                "text": "<p>Oak, ash and walnut.</p>",
                "image_position": "right",
            },
        ),
        block("featured_collection", {"heading": "", "collection": collection.pk, "count": products}),
        block("product_grid", {"heading": "Staff picks", "products": product_list(*grid_products)}),
        block(
            "call_to_action",
            {
                "heading": "Join the list",
                "text": "News, twice a month.",
                "button": link("Sign up", url="https://example.com/signup"),
            },
        ),
    )
    home_page.save()
    return {"about": about, "collection": collection}


def test_home_page_renders_every_block(client, store, home_page):
    # Given a home page using each block, the hero first
    shown = every_block_body(store, home_page)
    about, collection = shown["about"], shown["collection"]

    # When a shopper opens it
    response = client.get("/")

    # Then every block is there, the hero's heading being the page's only h1
    html = response.content.decode()
    assert response.status_code == 200
    assert re.findall(r"<h1[^>]*>(.*?)</h1>", html) == ["Made to last"]
    assert "Furniture for every room" in html
    assert 'srcset="' in html and 'alt=""' in html
    assert f'href="{about.relative_url(store.site)}"' in html and "Read our story" in html
    assert "<b>hand finished</b>" in html
    assert "image-with-text--right" in html and 'alt="Workshop bench"' in html and "In the workshop" in html
    assert "<h2>Spring edit</h2>" in html and f'href="{collection.relative_url(store.site)}"' in html
    assert "Ash stool" in html
    assert "<h2>Staff picks</h2>" in html and "Walnut tray" in html and "$35.00" in html
    assert 'href="https://example.com/signup"' in html and "Join the list" in html
    order = positions(html, "Made to last", "hand finished", "In the workshop", "Spring edit", "Staff picks", "Join")
    assert order == sorted(order)


def test_home_page_without_hero_has_a_hidden_title(client, store, home_page):
    home_page.body = stream(block("rich_text", "<p>Hello</p>"))
    home_page.save()

    html = client.get("/").content.decode()

    assert '<h1 class="visually-hidden">Magpie Test Shop</h1>' in html


def test_an_empty_home_page_still_welcomes_shoppers(client, store, home_page):
    html = client.get("/").content.decode()

    assert '<h1 class="visually-hidden">Magpie Test Shop</h1>' in html
    assert "Welcome to Magpie Test Shop" in html


def test_content_page_renders_title_intro_and_blocks(client, store, home_page):
    image = make_image("Lookbook cover")
    page = ContentPageFactory(
        parent=home_page,
        title="Lookbook",
        slug="lookbook",
        intro="Our autumn pieces at home.",
        body=stream(
            block(
                "hero", {"heading": "Autumn at home", "subheading": "", "image": image.pk, "call_to_action": link("")}
            ),
            block(
                "call_to_action",
                {"heading": "Visit the shop", "text": "", "button": link("Shop now", page=home_page.pk)},
            ),
        ),
    )

    response = client.get(page.url)

    html = response.content.decode()
    assert response.status_code == 200
    assert re.findall(r"<h1[^>]*>(.*?)</h1>", html) == ["Lookbook"]
    assert "Our autumn pieces at home." in html
    assert "<h2>Autumn at home</h2>" in html
    assert 'href="/"' in html and "Shop now" in html
    # An empty optional call to action renders no empty link.
    assert 'class="button" href=""' not in html


def test_product_grid_keeps_the_editors_order_and_leaves_out_what_it_cannot_sell(client, store, other_store, home_page):
    first = ProductPageFactory(store=store, title="Cedar box")
    second = ProductPageFactory(store=store, title="Birch bowl")
    third = ProductPageFactory(store=store, title="Elm board")
    draft = ProductPageFactory(store=store, title="Secret chair", live=False)
    foreign = ProductPageFactory(store=other_store, title="Foreign lamp")
    home_page.body = stream(
        block("product_grid", {"heading": "", "products": product_list(third, draft, first, foreign, second, first)})
    )
    home_page.save()

    html = client.get("/").content.decode()

    assert html.count("Cedar box") == 1
    order = positions(html, "Elm board", "Cedar box", "Birch bowl")
    assert order == sorted(order)
    assert "Secret chair" not in html and "Foreign lamp" not in html
    assert '<h2 class="visually-hidden">Products</h2>' in html


def test_featured_collection_shows_what_the_collection_page_lists_in_its_order(client, store, other_store, home_page):
    now = timezone.now()
    collection = CollectionPageFactory(parent=home_page, title="Gifts", slug="gifts", rule_on_sale=True)
    picked_a = ProductPageFactory(store=store, title="Picked A", first_published_at=now - timedelta(days=30))
    picked_b = ProductPageFactory(store=store, title="Picked B", first_published_at=now - timedelta(days=20))
    ProductPageFactory(store=store, title="Full price", first_published_at=now - timedelta(days=1))
    on_sale = ProductPageFactory(store=store, title="On sale", first_published_at=now - timedelta(days=2))
    on_sale.variants.update(compare_at_price=99)
    ProductPageFactory(store=other_store, title="Other store product", first_published_at=now)
    CollectionProduct.objects.create(collection=collection, product=picked_b, sort_order=0)
    CollectionProduct.objects.create(collection=collection, product=picked_a, sort_order=1)
    home_page.body = stream(
        block("featured_collection", {"heading": "Gift ideas", "collection": collection.pk, "count": 4})
    )
    home_page.save()

    html = client.get("/").content.decode()

    order = positions(html, "Picked B", "Picked A", "On sale")
    assert order == sorted(order)
    assert "Full price" not in html and "Other store product" not in html
    assert "<h2>Gift ideas</h2>" in html
    url = collection.relative_url(store.site)
    view_all = f'<a href="{url}">View all<span class="visually-hidden"> Gift ideas</span></a>'
    assert view_all in html


def test_featured_collection_of_another_store_is_not_shown(client, store, other_store, home_page):
    foreign = CollectionPageFactory(parent=other_store.site.root_page, title="Foreign edit")
    ProductPageFactory(store=store, title="Our product")
    home_page.body = stream(block("featured_collection", {"heading": "", "collection": foreign.pk, "count": 4}))
    home_page.save()

    html = client.get("/").content.decode()

    assert "Foreign edit" not in html and "Our product" not in html


def test_prices_use_the_currency_of_the_store_serving_the_request(client, other_store):
    product = ProductPageFactory(store=other_store, title="Stoneware jug", price="24.00")
    home = other_store.site.root_page.specific
    home.body = stream(block("product_grid", {"heading": "Jugs", "products": product_list(product)}))
    home.save()

    html = client.get("/", HTTP_HOST="second.example.com").content.decode()

    assert "Stoneware jug" in html and "€24.00" in html


@pytest.mark.benchmark
def test_shoppable_blocks_query_count_does_not_grow_with_products(client, store, home_page):
    def queries_for(count: int) -> int:
        products = [ProductPageFactory(store=store, images=1) for _ in range(count)]
        collection = CollectionPageFactory(parent=home_page)
        for index, product in enumerate(products):
            CollectionProduct.objects.create(collection=collection, product=product, sort_order=index)
        home_page.body = stream(
            block("featured_collection", {"heading": "", "collection": collection.pk, "count": count}),
            block("product_grid", {"heading": "Grid", "products": product_list(*products)}),
        )
        home_page.save()
        assert client.get("/").status_code == 200  # warm-up: renditions are created once
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
        return len(queries)

    assert queries_for(1) == queries_for(8)


class TestLinkValidation:
    def test_an_empty_optional_call_to_action_is_allowed(self):
        value = HeroBlock().to_python({"heading": "Hi", "subheading": "", "image": None, "call_to_action": link("")})

        cleaned = HeroBlock().clean(value)

        assert cleaned["heading"] == "Hi"

    def test_an_optional_call_to_action_needs_a_target_once_started(self):
        value = HeroBlock().to_python({"heading": "Hi", "subheading": "", "image": None, "call_to_action": link("Go")})

        with pytest.raises(ValidationError):
            HeroBlock().clean(value)

    def test_a_button_needs_text_and_a_target(self):
        value = CallToActionBlock().to_python({"heading": "Hi", "text": "", "button": link("")})

        with pytest.raises(ValidationError) as error:
            CallToActionBlock().clean(value)

        button_errors = error.value.block_errors["button"].block_errors
        assert set(button_errors) == {"label", "page"}

    def test_a_draft_may_keep_an_unfinished_button(self):
        block = CallToActionBlock()
        value = block.to_python({"heading": "Hi", "text": "", "button": link("")})

        block.defer_required_validation()
        try:
            cleaned = block.clean(value)
        finally:
            block.restore_deferred_validation()

        assert cleaned["heading"] == "Hi"


# Wagtail's serve reads nothing (the host's Site, the route with the home page's row and the
# view-restriction check are warm routing answers); the menu, the hero's and the side image's renditions, the featured
# collection (its products, variants, images, renditions) and the grid's products the same way.
EVERY_BLOCK_QUERIES = 17


@pytest.mark.benchmark
@pytest.mark.parametrize("products", [1, 8])
def test_home_page_with_every_block_makes_a_fixed_number_of_queries(
    client, store, home_page, django_assert_num_queries, products
):
    every_block_body(store, home_page, products=products)
    assert client.get("/").status_code == 200  # warm-up: renditions are created once

    with django_assert_num_queries(EVERY_BLOCK_QUERIES):
        response = client.get("/")

    assert response.content.decode().count('class="product-card') >= 2 * products
