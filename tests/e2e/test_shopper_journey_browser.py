"""The shopper's whole journey of issue 18 in real Chromium, on a phone (375 × 812) and a desktop
(1440 × 900), on the demo shop: home → a collection from the main menu → the filter panel → a
product → another variant → add to cart → the WELCOME10 code → guest checkout (contact, address,
a live carrier rate from the Shippo fake) → pay with localstripe's Stripe.js card → the
confirmation → the order page the confirmation email links to.

At every step the page must not scroll sideways (the failure names the widest offending element),
and a full-page screenshot is kept under var/e2e/journeys/shopper/<width>/. The order is then
checked in the database: the discount, the live rate, the total and the payment."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core import mail
from playwright.sync_api import expect

from commerce.catalog.models import ProductPage, ProductVariant
from commerce.orders.models import Order
from tests.e2e.conftest import ARTIFACTS, needs_chromium
from tests.e2e.overflow import horizontal_overflow

pytestmark = [pytest.mark.e2e, pytest.mark.storefront, needs_chromium]

JOURNEYS = ARTIFACTS / "journeys" / "shopper"
EMAIL = "sam.shopper@example.com"
COLLECTION = "New arrivals"  # in the demo's main menu: tagged "new", in stock
LIVE_RATE = "USPS Priority Mail"  # one of the Shippo fake's services (commerce/shipping/fake_shippo.py)
DISCOUNT_CODE = "WELCOME10"  # the demo's code: 10% off (demo/promotions.py)
CARD = {"number": "4242424242424242", "exp_month": "12", "exp_year": "34", "cvc": "123", "postal_code": "97201"}
MONEY = re.compile(r"\$([\d,]+\.\d{2})")
SLOW = 30_000  # ms: the payment round trip (Stripe.js stand-in → localstripe → webhook)


@dataclass(frozen=True)
class Viewport:
    width: int
    height: int
    phone: bool  # below the storefront's 900 px breakpoint: menu and filters fold away


VIEWPORTS = [
    pytest.param(Viewport(375, 812, phone=True), id="375x812"),
    pytest.param(Viewport(1440, 900, phone=False), id="1440x900"),
]


class Journey:
    """The steps of one shopper's visit: each is screenshotted, then checked for sideways scrolling."""

    def __init__(self, page, viewport: Viewport) -> None:
        self.page, self.viewport, self.count = page, viewport, 0
        self.folder = JOURNEYS / str(viewport.width)
        shutil.rmtree(self.folder, ignore_errors=True)  # the artifacts show this run only
        self.folder.mkdir(parents=True)

    def step(self, name: str) -> None:
        self.count += 1
        self.page.wait_for_load_state()
        self.page.screenshot(path=str(self.folder / f"{self.count:02d}-{name}.png"), full_page=True)
        overflow = horizontal_overflow(self.page)
        assert overflow is None, f"step {self.count} ({name}) at {self.viewport.width}px, {self.page.url}: {overflow}"


@pytest.fixture
def shopper_shop(demo_shop, fake_shippo, stripe_gateway):
    """The demo shop with live carrier rates (the Shippo fake) and card payments (localstripe)."""
    return demo_shop


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_guest_shops_from_the_home_page_to_the_order_page(shopper_shop, fake_shippo, chromium, viewport):
    context = chromium.new_context(viewport={"width": viewport.width, "height": viewport.height})
    page = context.new_page()
    page.set_default_timeout(15_000)
    journey = Journey(page, viewport)
    try:
        product_title, variant_id, shown_rate = shop_and_pay(page, journey, shopper_shop)
        order_number = open_the_order_page(page, journey)
    finally:
        context.close()

    assert_the_order_in_the_database(
        order_number, product_title=product_title, variant_id=variant_id, shown_rate=shown_rate
    )
    assert fake_shippo.count("POST", "/shipments") >= 1  # the rates came from the carrier API


def shop_and_pay(page, journey: Journey, shop) -> tuple[str, int, Decimal]:
    """From the home page to the confirmation; returns the product, the variant and the rate chosen."""
    page.goto(shop.base_url + "/")
    journey.step("home")

    collection_link = page.locator("#site-nav").get_by_role("link", name=COLLECTION, exact=True)
    if journey.viewport.phone:
        expect(collection_link).to_be_hidden()  # folded into the menu button on a phone
        page.get_by_role("button", name="Menu").click()
        expect(page.get_by_role("button", name="Menu")).to_have_attribute("aria-expanded", "true")
        journey.step("menu-open")
    collection_link.click()
    expect(page.locator("h1")).to_have_text(COLLECTION)
    journey.step("collection")

    product = product_to_buy(page)
    panel = page.locator(".filter-panel")
    if journey.viewport.phone:
        expect(panel).not_to_have_attribute("open", "")  # closed above the products on a phone
        panel.locator(".filter-panel__toggle").click()
    expect(panel).to_have_attribute("open", "")
    journey.step("filter-panel")
    count_before = page.locator(".product-card").count()
    category = re.compile(rf"^\s*{re.escape(product.category)}\s*\(")  # the label ends with its count
    panel.get_by_label(category).check()  # applied at once, no Apply button
    page.wait_for_url(re.compile(r"[?&]category="))
    expect(panel.get_by_label(category)).to_be_checked()
    journey.step("filtered")
    assert page.locator(".product-card").count() <= count_before

    page.locator(".product-card").filter(has_text=product.title).get_by_role("link").first.click()
    expect(page.locator("h1")).to_have_text(product.title)
    journey.step("product")

    opened_with = int(page.locator("#variant-id").input_value())
    variant = next(variant for variant in product.variants_in_stock if variant.pk != opened_with)
    choose_variant(page, variant)
    journey.step("variant")

    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator(".cart-count").first).to_have_text("1")
    journey.step("added-to-cart")

    page.locator(".cart-link").click()
    expect(page.locator("h1")).to_have_text("Your cart")
    journey.step("cart")

    offers = page.locator(".offers__form").filter(has=page.get_by_label("Discount code"))
    offers.get_by_label("Discount code").fill(DISCOUNT_CODE)
    offers.get_by_role("button", name="Apply").click()
    expect(page.locator(".totals__discount")).to_contain_text(DISCOUNT_CODE)
    journey.step("discount")

    page.get_by_role("link", name="Check out").click()
    page.get_by_label("Email address").fill(EMAIL)
    journey.step("contact")
    page.get_by_role("button", name=re.compile("Continue")).click()

    page.get_by_label("Full name").fill("Sam Shopper")
    page.get_by_label("Address line 1").fill("3 High St")
    page.get_by_label("City").fill("Portland")
    page.get_by_label("State / region").fill("OR")
    page.get_by_label("Postal code").fill("97201")
    journey.step("address")
    page.get_by_role("button", name=re.compile("Continue")).click()

    rate = page.get_by_role("radio", name=re.compile(rf"^{LIVE_RATE} — "))
    expect(rate).to_be_visible()
    expect(page.get_by_text("standard rates")).to_have_count(0)  # no fallback to the rate tables...
    expect(page.get_by_role("radio", name=re.compile("^Standard"))).to_have_count(0)  # ...nor mixed in
    shown_rate = money(page.locator("label.variant-option").filter(has_text=LIVE_RATE).inner_text())
    rate.check()
    journey.step("shipping")
    page.get_by_role("button", name="Review order").click()

    expect(page.locator(".totals")).to_contain_text(LIVE_RATE)
    journey.step("review")
    page.get_by_role("link", name="Continue to payment").click()

    card = page.locator("#card-element")
    for placeholder, value in CARD.items():
        card.locator(f"input[placeholder={placeholder}]").fill(value)
    journey.step("payment")
    page.get_by_role("button", name=re.compile("^Pay")).click()

    page.wait_for_url(re.compile(r"/checkout/thank-you/"), timeout=SLOW)
    expect(page.locator("h1")).to_contain_text("is confirmed", timeout=SLOW)
    journey.step("confirmation")
    return product.title, variant.pk, shown_rate


def open_the_order_page(page, journey: Journey) -> str:
    """The guest follows the link in the confirmation email to their order page."""
    number = re.search(r"order (\S+) is confirmed", page.locator("h1").inner_text()).group(1)
    sent = [
        message for message in mail.outbox if message.to == [EMAIL] and f"order {number} confirmed" in message.subject
    ]
    assert len(sent) == 1, [message.subject for message in mail.outbox]
    link = re.search(r"https?://\S+/orders/\S+/", sent[0].body)
    assert link, sent[0].body

    page.goto(link.group(0))
    expect(page.locator("h1")).to_contain_text(number)
    expect(page.locator(".order-status")).to_contain_text("Paid")
    journey.step("order-page")
    return number


@dataclass(frozen=True)
class ProductToBuy:
    title: str
    category: str  # the filter the shopper ticks
    variants_in_stock: tuple[ProductVariant, ...]  # two at least: the shopper switches between them


def product_to_buy(page) -> ProductToBuy:
    """The first product the collection lists with options and two variants or more in stock."""
    titles = [title.strip() for title in page.locator(".product-card__title").all_inner_texts()]
    for title in titles:
        product = ProductPage.objects.live().filter(title=title).first()
        if product is None or not product.option1_name:
            continue
        in_stock = tuple(variant for variant in product.variants.all() if variant.available_quantity >= 2)
        category = product.categories.order_by("name").first()
        if len(in_stock) >= 2 and category is not None:
            return ProductToBuy(title=title, category=category.name, variants_in_stock=in_stock)
    raise AssertionError(f"no product with options and two variants in stock among {titles}")


def choose_variant(page, variant: ProductVariant) -> None:
    """Click the variant's option values in the picker, as a shopper does."""
    for position, value in enumerate((variant.option1_value, variant.option2_value), start=1):
        if value:
            page.locator(f".option-value[data-option='{position}'][data-value='{value}']").click()
    expect(page.locator("#variant-id")).to_have_value(str(variant.pk))
    expect(page).to_have_url(re.compile(rf"\?variant={variant.pk}$"))


def money(text: str) -> Decimal:
    found = MONEY.search(text)
    assert found, text
    return Decimal(found.group(1).replace(",", ""))


def assert_the_order_in_the_database(number: str, *, product_title: str, variant_id: int, shown_rate: Decimal) -> None:
    order = Order.objects.get(number=number)
    line = order.lines.get()
    assert (order.email, line.variant_id, line.quantity) == (EMAIL, variant_id, 1), product_title
    assert order.discount_total == (order.subtotal / 10).quantize(Decimal("0.01"))  # WELCOME10: 10% off
    assert order.discount_redemptions.get().code.code == DISCOUNT_CODE
    assert (order.shipping_provider, order.shipping_method_name) == ("shippo", LIVE_RATE)
    assert order.shipping_total == shown_rate and order.shipping_rate_id
    assert order.total == order.subtotal - order.discount_total + order.shipping_total + order.tax_total
    assert order.payment_status == "paid" and order.amount_paid == order.total
    payment = order.payments.get()
    assert (payment.status, payment.amount) == ("succeeded", order.total)
