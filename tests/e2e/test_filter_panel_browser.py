"""The shop's "Filter and sort" panel in real Chromium: closed above the first products on a phone,
open beside them on a desktop, and applied as soon as a choice changes (no Apply button needed)."""

from __future__ import annotations

import re

import pytest

from commerce.catalog.models import ProductIndexPage
from tests.e2e.conftest import needs_chromium
from tests.factories import ProductPageFactory

pytestmark = [pytest.mark.e2e, pytest.mark.storefront, pytest.mark.django_db(transaction=True), needs_chromium]


@pytest.fixture
def shop_url(live_server, store):
    for i in range(6):
        ProductPageFactory(store=store, title=f"Camp mug {i}", price=f"{10 + i}.00")
    return live_server.url + ProductIndexPage.objects.get().relative_url(store.site)


def test_on_a_phone_the_panel_is_closed_and_the_products_come_first(chromium, shop_url):
    context = chromium.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(shop_url)

    assert not page.locator(".filter-panel").evaluate("panel => panel.open")
    assert page.locator(".product-card").first.bounding_box()["y"] < 500
    assert page.locator(".filters__apply").is_hidden()  # with JavaScript a change applies at once

    page.locator(".filter-panel__toggle").click()
    page.get_by_label("Sort by").select_option("price_desc")

    page.wait_for_url(re.compile(r"sort=price_desc"))
    assert page.locator(".product-card__title").first.inner_text() == "Camp mug 5"
    context.close()


def test_on_a_desktop_the_panel_is_open_beside_the_results(chromium, shop_url):
    context = chromium.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.goto(shop_url)

    assert page.locator(".filter-panel").evaluate("panel => panel.open")
    panel, card = page.locator(".filter-panel").bounding_box(), page.locator(".product-card").first.bounding_box()
    assert panel["x"] + panel["width"] <= card["x"] and card["y"] < 500
    context.close()


def test_without_javascript_the_apply_button_submits(chromium, shop_url):
    context = chromium.new_context(viewport={"width": 375, "height": 800}, java_script_enabled=False)
    page = context.new_page()
    page.goto(shop_url)

    page.locator(".filter-panel__toggle").click()
    page.get_by_label("Sort by").select_option("price_desc")
    page.get_by_role("button", name="Apply filters").click()

    page.wait_for_url(re.compile(r"sort=price_desc"))
    assert page.locator(".product-card__title").first.inner_text() == "Camp mug 5"
    context.close()
