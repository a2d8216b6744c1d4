"""Home page details: shoppable blocks skip sold-out products unless asked, the title names the
store once, tags show their names."""

import pytest

from commerce.catalog.models import CollectionProduct
from tests.factories import CollectionPageFactory, ProductPageFactory
from tests.storefront.streamfield import block, stream
from tests.storefront.test_home_blocks import product_list

pytestmark = [pytest.mark.django_db, pytest.mark.storefront]


@pytest.fixture
def sale(store, home_page):
    collection = CollectionPageFactory(parent=home_page, title="On sale", slug="on-sale")
    for i, stock in enumerate((0, 3, 0, 0, 5)):
        product = ProductPageFactory(store=store, title=f"Sale item {i} {'gone' if not stock else 'left'}", stock=stock)
        CollectionProduct.objects.create(collection=collection, product=product, sort_order=i)
    return collection


def publish_body(home_page, *blocks):
    home_page.body = stream(*blocks)
    home_page.save_revision().publish()


def test_a_featured_collection_skips_sold_out_products(client, home_page, sale):
    publish_body(home_page, block("featured_collection", {"heading": "On sale now", "collection": sale.pk, "count": 4}))

    html = client.get("/").content.decode()

    assert "Sale item 1 left" in html and "Sale item 4 left" in html
    assert "gone" not in html


def test_the_editor_may_ask_for_sold_out_products(client, home_page, sale):
    publish_body(
        home_page,
        block("featured_collection", {"collection": sale.pk, "count": 4, "show_sold_out": True}),
    )

    html = client.get("/").content.decode()

    assert html.count(" gone</a></h3>") == 3  # the three sold-out cards, by their titles


def test_a_product_grid_skips_sold_out_products(client, store, home_page):
    gone = ProductPageFactory(store=store, title="Gone jacket", stock=0)
    left = ProductPageFactory(store=store, title="Last jacket", stock=1)
    publish_body(home_page, block("product_grid", {"heading": "Picks", "products": product_list(gone, left)}))

    html = client.get("/").content.decode()

    assert "Last jacket" in html and "Gone jacket" not in html


def test_the_home_page_title_names_the_store_once(client, store, home_page):
    home_page.title = store.name
    home_page.save_revision().publish()

    html = client.get("/").content.decode()

    assert f"<title>{store.name}</title>" in html


def test_the_footer_links_policy_pages_the_balance_page_contact_and_payment_methods(client, store, home_page):
    from tests.factories import ContentPageFactory

    ContentPageFactory(parent=home_page, title="Returns and refunds", slug="returns", show_in_footer=True)
    ContentPageFactory(parent=home_page, title="Secret draft", slug="draft", show_in_footer=False)

    html = client.get("/cart/").content.decode()
    footer = html[html.index('<footer class="site-footer">') :]

    assert 'href="/returns/">Returns and refunds</a>' in footer and "Secret draft" not in footer
    assert 'href="/gift-cards/balance/">Gift card balance</a>' in footer
    assert f"mailto:{store.contact_email}" in footer
    assert "Visa" in footer and "Gift cards" in footer
