"""Every storefront page type and the whole checkout at 320, 375 and 1440 px in real Chromium: no
sideways scrolling and no serious or critical axe-core violation; screenshots kept under
var/e2e/<width>/ as artifacts."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import WIDTHS, needs_chromium
from tests.e2e.inspection import inspect_page

pytestmark = [pytest.mark.e2e, pytest.mark.storefront, needs_chromium]

OTHER_PAGES = {
    "search": "/search/?q=sweater",
    "search-empty": "/search/?q=zzzzqqq",
    "cart-empty": "/cart/",
    "login": "/account/login/",
    "signup": "/account/signup/",
    "gift-card-balance": "/gift-cards/balance/",
    "not-found": "/no-such-page/",
}
LONG_EMAIL = "a.very.long.address.for.the.receipt@magpie-outfitters-example.com"


def test_every_page_type_fits_and_passes_axe(demo_shop, chromium):
    problems: list[str] = []
    for width in WIDTHS:
        context = chromium.new_context(viewport={"width": width, "height": 800})
        problems += page_types_problems(context.new_page(), demo_shop, width=width)
        context.close()

    assert not problems, "\n".join(problems)


def page_types_problems(page, demo_shop, *, width: int) -> list[str]:
    problems: list[str] = []
    for name, path in {**demo_shop.pages, **OTHER_PAGES}.items():
        response = page.goto(demo_shop.base_url + path)
        expected = 404 if name == "not-found" else 200
        if response.status != expected:
            problems.append(f"{name}: {path} answered {response.status}, not {expected}")
        problems += inspect_page(page, name=name, width=width)
    return problems


def test_the_whole_checkout_fits_and_passes_axe(demo_shop, stripe_gateway, chromium):
    problems: list[str] = []
    for width in WIDTHS:
        context = chromium.new_context(viewport={"width": width, "height": 800})
        problems += checkout_problems(context.new_page(), demo_shop, width=width)
        context.close()

    assert not problems, "\n".join(problems)


def checkout_problems(page, demo_shop, *, width: int) -> list[str]:
    """A guest's whole purchase, from the product page to the thank-you page, inspected at every step."""
    problems: list[str] = []

    page.goto(demo_shop.base_url + demo_shop.pages["product"])
    page.get_by_role("button", name=re.compile("add to cart", re.I)).click()
    page.goto(demo_shop.base_url + "/cart/")
    page.get_by_role("textbox", name="Discount code").fill("WELCOME10")
    page.get_by_role("button", name="Apply").first.click()
    problems += inspect_page(page, name="cart", width=width)
    page.get_by_role("link", name="Check out").click()
    problems += inspect_page(page, name="checkout-contact", width=width)
    page.get_by_label("Email address").fill(LONG_EMAIL)
    page.get_by_role("button", name=re.compile("Continue")).click()
    problems += inspect_page(page, name="checkout-address", width=width)
    page.get_by_label("Full name").fill("Bea Shopper")
    page.get_by_label("Address line 1").fill("3 High St")
    page.get_by_label("City").fill("Portland")
    page.get_by_label("State / region").fill("OR")
    page.get_by_label("Postal code").fill("97201")
    page.get_by_role("button", name=re.compile("Continue")).click()
    problems += inspect_page(page, name="checkout-shipping", width=width)
    page.locator("input[name=shipping_method]").first.check()
    page.get_by_role("button", name="Review order").click()
    problems += inspect_page(page, name="checkout-review", width=width)
    page.get_by_role("link", name="Continue to payment").click()
    problems += inspect_page(page, name="checkout-payment", width=width)
    card = page.locator("#card-element")
    for placeholder, value in (("number", "4242424242424242"), ("exp_month", "12"), ("exp_year", "34")):
        card.locator(f"input[placeholder={placeholder}]").fill(value)
    card.locator("input[placeholder=cvc]").fill("123")
    card.locator("input[placeholder=postal_code]").fill("97201")
    page.get_by_role("button", name=re.compile("^Pay")).click()
    page.wait_for_url(re.compile("/checkout/thank-you/"), timeout=30_000)
    page.wait_for_selector("text=is confirmed", timeout=30_000)
    problems += inspect_page(page, name="thank-you", width=width)

    if "Portland, OR 97201" not in page.content():
        problems.append(f"thank-you @{width}px: the address is not in the US layout")
    return problems
