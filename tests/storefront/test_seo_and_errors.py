"""sitemap.xml, robots.txt and the friendly error pages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import CollectionPageFactory, ContentPageFactory, ProductPageFactory

pytestmark = pytest.mark.django_db


def test_sitemap_lists_the_stores_products_collections_and_pages(client, store, other_store, home_page):
    product = ProductPageFactory(store=store, title="Oak chair", slug="oak-chair")
    collection = CollectionPageFactory(parent=home_page, title="Dining", slug="dining")
    about = ContentPageFactory(parent=home_page, title="About", slug="about")
    ProductPageFactory(store=store, title="Draft chair", slug="draft-chair", live=False)
    ProductPageFactory(store=other_store, title="Other chair", slug="other-chair")

    response = client.get("/sitemap.xml")

    xml = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    for page in (home_page, product, collection, about):
        assert f"<loc>http://testserver{page.relative_url(store.site)}</loc>" in xml
    assert "draft-chair" not in xml and "other-chair" not in xml


def test_each_store_has_its_own_sitemap(client, store, other_store):
    ProductPageFactory(store=store, slug="our-chair")
    ProductPageFactory(store=other_store, slug="their-chair")

    xml = client.get("/sitemap.xml", HTTP_HOST="second.example.com").content.decode()

    assert "<loc>http://second.example.com/shop/their-chair/</loc>" in xml
    assert "our-chair" not in xml


def test_robots_txt_keeps_crawlers_out_of_private_areas_and_points_to_the_sitemap(client, store):
    response = client.get("/robots.txt")

    lines = response.content.decode().splitlines()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert lines[0] == "User-agent: *"
    for path in ("/admin/", "/search/", "/cart/", "/checkout/", "/account/"):
        assert f"Disallow: {path}" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_missing_page_gets_the_friendly_404(client, settings, store):
    settings.DEBUG = False

    response = client.get("/no-such-page/")

    html = response.content.decode()
    assert response.status_code == 404
    assert "We can’t find that page" in html
    assert 'action="/search/"' in html and 'name="q"' in html
    assert "Magpie Test Shop" in html  # the page keeps the store's header and footer


@pytest.mark.urls("tests.storefront.urls_server_error")
def test_server_error_gets_the_friendly_500_without_touching_the_database(client, settings, store):
    settings.DEBUG = False
    client.raise_request_exception = False

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/__broken__/")

    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in html
    assert 'href="/"' in html
    assert queries.captured_queries == []
