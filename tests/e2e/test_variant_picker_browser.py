"""The variant picker with JavaScript in real Chromium: choosing a value switches the price, stock,
quantity limit and the URL in place."""

from __future__ import annotations

import pytest

from commerce.catalog.models import ProductVariant
from tests.catalog.helpers import add_variant
from tests.e2e.conftest import needs_chromium
from tests.factories import ProductPageFactory

pytestmark = [pytest.mark.e2e, pytest.mark.storefront, pytest.mark.django_db(transaction=True), needs_chromium]


def test_choosing_size_and_colour_updates_the_page_and_the_url(live_server, store, chromium):
    product = ProductPageFactory(store=store, title="Rain jacket", option1_name="Size", option2_name="Colour")
    ProductVariant.objects.filter(product=product).update(option1_value="S", option2_value="Red", price="28.00")
    m_red = add_variant(product, sku="RJ-M-RED", price="38.00", stock=2, option1_value="M", option2_value="Red")
    add_variant(product, sku="RJ-S-BLUE", price="30.00", stock=0, option1_value="S", option2_value="Blue")
    context = chromium.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(live_server.url + product.relative_url(store.site))
    assert "$28.00" in page.locator("#variant-price").inner_text()

    page.locator(".option-value[data-value='M']").click()

    assert "$38.00" in page.locator("#variant-price").inner_text()
    assert page.locator("#variant-stock").text_content().strip() == "Only 2 left"
    assert page.url.endswith(f"?variant={m_red.pk}")
    assert page.locator("#variant-id").input_value() == str(m_red.pk)
    assert page.locator("#add-to-cart-quantity").get_attribute("max") == "2"
    assert page.locator(".option-value[data-value='M']").get_attribute("aria-current") == "true"
    # Blue exists only in S and is sold out: marked, and choosing it disables adding
    assert "option-value--unavailable" in page.locator(".option-value[data-value='Blue']").get_attribute("class")
    page.locator(".option-value[data-value='Blue']").click()
    assert page.locator("#add-to-cart-button").is_disabled()
    # back to the well-stocked S / Red: the page gives no number for it (it changes with every sale)
    page.locator(".option-value[data-value='Red']").click()
    assert page.locator("#variant-stock").text_content().strip() == "In stock"
    assert page.locator("#add-to-cart-quantity").get_attribute("max") is None
    assert page.locator("#add-to-cart-button").is_enabled()
    context.close()
