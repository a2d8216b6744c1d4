"""End to end in real Chromium: a guest finds a product, adds it to the cart, checks out and pays
with localstripe's Stripe.js stand-in on the card step."""

import os
import re
from pathlib import Path

import pytest
from django.core import mail

from commerce.orders.models import Order
from tests.factories import ProductPageFactory, stock_of

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not CHROMIUM.exists() and not os.environ.get("MAGPIE_REQUIRE_BROWSER"),
        reason="needs Debian's chromium (.ci/run installs it)",
    ),
]


@pytest.fixture
def browser_page(monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the ORM calls in the test are safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(viewport={"width": 375, "height": 812})
        yield page
        browser.close()


def checkout_to_the_card_step(page, *, start_url: str, email: str, name: str) -> None:
    """What a shopper does from a product page to the card form."""
    response = page.goto(start_url)
    assert response is not None and response.ok, (start_url, response and response.status, page.content()[:3000])
    page.get_by_role("button", name=re.compile("add to cart", re.I)).click()
    page.goto(start_url.split("/shop/")[0] + "/cart/")
    page.get_by_role("link", name="Check out").click()
    page.get_by_label("Email address").fill(email)
    page.get_by_role("button", name=re.compile("Continue")).click()
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Address line 1").fill("3 High St")
    page.get_by_label("City").fill("Springfield")
    page.get_by_label("State / region").fill("NY")
    page.get_by_label("Postal code").fill("12345")
    page.get_by_role("button", name=re.compile("Continue")).click()
    page.get_by_label(re.compile("Standard")).check()
    page.get_by_role("button", name="Review order").click()
    page.get_by_role("link", name="Continue to payment").click()


def pay_with(page, number: str) -> None:
    """Type a card into localstripe's Stripe.js stand-in and press Pay."""
    card = page.locator("#card-element")
    card.locator("input[placeholder=number]").fill(number)
    card.locator("input[placeholder=exp_month]").fill("12")
    card.locator("input[placeholder=exp_year]").fill("34")
    card.locator("input[placeholder=cvc]").fill("123")
    card.locator("input[placeholder=postal_code]").fill("12345")
    page.get_by_role("button", name=re.compile("^Pay")).click()


def test_a_guest_buys_with_a_card_in_the_browser(live_server, store, shipping, stripe_gateway, browser_page):
    product = ProductPageFactory(store=store, title="Trail mug", price="18.00", stock=3, images=1)
    page = browser_page

    checkout_to_the_card_step(
        page, start_url=f"{live_server.url}{product.relative_url(store.site)}", email="browser@example.com", name="Bea"
    )
    pay_with(page, "4242424242424242")
    page.wait_for_url(re.compile("/checkout/thank-you/"), timeout=30_000)

    order = Order.objects.get()
    assert f"order {order.number} is confirmed" in page.locator("h1").inner_text()
    assert (order.email, order.total, order.payment_status) == ("browser@example.com", 23, "paid")
    assert mail.outbox[0].to == ["browser@example.com"]
    assert stock_of(product.variants.get())[0] == 2


def test_a_declined_card_shows_the_reason_and_charges_nothing(
    live_server, store, shipping, stripe_gateway, browser_page
):
    product = ProductPageFactory(store=store, title="Trail mug", price="18.00", stock=3)
    page = browser_page

    checkout_to_the_card_step(
        page, start_url=f"{live_server.url}{product.relative_url(store.site)}", email="declined@example.com", name="Dee"
    )
    pay_with(page, "4000000000000002")

    message = page.locator("#payment-message")
    page.wait_for_function("document.getElementById('payment-message').textContent.length > 0", timeout=15_000)
    assert "declined" in message.inner_text().lower()
    assert not Order.objects.filter(payment_status="paid").exists()
