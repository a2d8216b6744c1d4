"""The marketer's journey of issue 18 in real Chromium on the demo shop: a Marketer (the role, not a
superuser) signs in to the Wagtail admin, adds a product with two variants typed into the editor's
variants table, uploads a new image through the gallery's image chooser, ticks a collection and
publishes (after Wagtail's autosave of the draft) and sees it on the Products screen; then an
anonymous shopper, whose collection and search pages were in the page cache (on, as in production),
finds the product in that collection (through the storefront's menu) and through the search box,
each time with its image's rendition and its "From" price, and sees each variant's price on the
product page. The test asserts what the browser shows and what the database holds; a screenshot of
every step is kept in ``var/e2e/journeys/``.

The issue 17 journey (``test_catalogue_journey_browser.py``) covers the variant builder and a
library image; this one covers the inline variant rows, a real upload and the shopper's side."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image as PillowImage
from PIL import ImageDraw

from tests.e2e.conftest import ARTIFACTS, JOURNEY_PASSWORD, needs_chromium

pytestmark = [pytest.mark.e2e, pytest.mark.catalogue, needs_chromium]

SCREENSHOTS = ARTIFACTS / "journeys"
PRODUCT = "Tidewater rain hat"
IMAGE_TITLE = "Tidewater rain hat, front"
COLLECTION = "Staff picks"
VARIANTS = (("S/M", "TIDEWATER-HAT-SM", "34.00"), ("L/XL", "TIDEWATER-HAT-LXL", "38.00"))
# Wagtail names a rendition's file after its filter spec: <name>.fill-400x400.png (the card's).
CARD_RENDITION = re.compile(r"/media/images/tidewater[^\"' ]*\.fill-400x400\.")
IMAGE_LOADED = "img => img.complete && img.naturalWidth > 0"


class Journey:
    """The browser page and a numbered screenshot per step (``marketer-01-….png``)."""

    def __init__(self, page) -> None:
        self.page, self.step = page, 0
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for old in SCREENSHOTS.glob("marketer-*.png"):
            old.unlink()

    def shot(self, name: str) -> None:
        self.step += 1
        self.page.screenshot(path=str(SCREENSHOTS / f"marketer-{self.step:02d}-{name}.png"), full_page=True)


def product_photo(folder: Path) -> Path:
    """A real PNG the marketer uploads (a hat-coloured square with a brim)."""
    path = folder / "tidewater-rain-hat.png"
    image = PillowImage.new("RGB", (900, 900), "#f2c14e")
    ImageDraw.Draw(image).ellipse((150, 420, 750, 620), fill="#0b5d57")
    image.save(path, "PNG")
    return path


def admin_add_product(page, journey: Journey, *, base_url: str, email: str, photo: Path) -> None:
    """Sign in, open Products → Add product, fill the product, publish (everything through the editor)."""
    page.goto(f"{base_url}/admin/login/")
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(JOURNEY_PASSWORD)
    page.get_by_role("button", name=re.compile("Sign in", re.I)).click()
    page.locator("a.sidebar-menu-item__link", has_text="Products").first.wait_for()
    journey.shot("admin-home")

    page.locator("a.sidebar-menu-item__link", has_text="Products").first.click()
    page.get_by_role("link", name=re.compile("Add product", re.I)).first.click()
    page.wait_for_url(re.compile(r"/admin/pages/add/catalog/productpage/\d+/"))
    page.locator("#id_variants-0-sku").wait_for()  # the editor's JS has built the first variant row
    journey.shot("empty-editor")

    page.locator("#id_title").fill(PRODUCT)
    page.locator("#id_summary").fill("Waxed cotton with a wide brim that keeps the rain off your collar.")
    page.locator("#id_option1_name").fill("Size")
    for index, (size, sku, price) in enumerate(VARIANTS):
        if index:
            page.locator("#id_variants-ADD").click()
        page.locator(f"#id_variants-{index}-option1_value").fill(size)
        page.locator(f"#id_variants-{index}-sku").fill(sku)
        page.locator(f"#id_variants-{index}-price").fill(price)
    journey.shot("variants-typed")

    page.locator("#id_gallery_images-ADD").click()
    page.locator(
        "#id_gallery_images-0-image-chooser button.chooser__choose-button, [data-chooser-action-choose]"
    ).first.click()
    modal = page.locator(".modal")
    modal.locator("#tab-label-upload, a[href='#tab-upload']").first.click()
    modal.locator("#id_image-chooser-upload-file").set_input_files(str(photo))
    modal.locator("#id_image-chooser-upload-title").fill(IMAGE_TITLE)
    journey.shot("image-upload")
    with page.expect_response(lambda r: "/admin/images/chooser/create/" in r.url and r.request.method == "POST"):
        modal.locator("#tab-upload button[type=submit], #tab-upload input[type=submit]").first.click()
    page.wait_for_function("document.querySelector('#id_gallery_images-0-image').value !== ''")
    page.locator("#id_gallery_images-0-alt_text").fill("A yellow rain hat with a green brim")
    page.get_by_label(COLLECTION, exact=True).check()
    journey.shot("filled-editor")

    # Wagtail 8 autosaves the new page as a draft half a second after the last change and moves the
    # editor to its edit URL; a person reads the form over before publishing, and so does the test.
    page.wait_for_url(re.compile(r"/admin/pages/\d+/edit/"))
    journey.shot("autosaved-draft")

    page.get_by_role("button", name=re.compile(r"^\s*Publish", re.I)).first.click()
    page.wait_for_url(re.compile(r"/admin/pages/\d+/$"))  # the shop's page explorer
    message = page.locator(".messages").inner_text()
    assert f"'{PRODUCT}' has been published" in message, message
    page.locator("a.sidebar-menu-item__link", has_text="Products").first.click()
    page.wait_for_url(re.compile(r"/admin/products/$"))
    row = page.locator("tbody tr", has=page.get_by_role("link", name=PRODUCT))
    thumbnail = row.locator("td.product-thumbnail img")
    page.wait_for_function(IMAGE_LOADED, arg=thumbnail.element_handle())
    cells = [text.strip() for text in row.locator("td").all_inner_texts()]
    status, price_range, available, variant_count, collections = cells[3:8]  # the screen's columns, in order
    assert status.endswith("LIVE") and price_range == "$34.00 – $38.00", cells
    assert (available, variant_count, collections) == ("0", "2", COLLECTION), cells  # stock is Inventory's
    journey.shot("products-screen")


def card_of(page, title: str):
    """The storefront product card titled ``title``, its image scrolled in (cards load lazily)."""
    card = page.locator("article.product-card", has=page.get_by_role("link", name=title, exact=True))
    card.wait_for()
    card.scroll_into_view_if_needed()
    image = card.locator("img")
    image.wait_for()
    page.wait_for_function(IMAGE_LOADED, arg=image.element_handle())
    return card


def assert_card_shows_rendition_and_from_price(card, prices: list[str]) -> None:
    image = card.locator("img")
    sources = f"{image.get_attribute('src')} {image.get_attribute('srcset')}"
    assert CARD_RENDITION.search(sources), sources
    assert image.get_attribute("alt") == "A yellow rain hat with a green brim"
    assert card.locator(".price").inner_text().strip() == f"From {prices[0]}"


def shopper_visits(shopper, *, base_url: str) -> dict[str, str]:
    """Home → Staff picks through the menu → a search for "tidewater", as an anonymous shopper; the
    page cache's answer (``X-Magpie-Page-Cache``: HIT or MISS) for the collection and the search."""
    shopper.goto(f"{base_url}/")
    with shopper.expect_response(re.compile(r"/staff-picks/$")) as collection:
        shopper.locator("#site-nav").get_by_role("link", name=COLLECTION, exact=True).click()
    shopper.locator(".product-card").first.wait_for()
    shopper.locator("#site-search-q").fill("tidewater")
    with shopper.expect_response(re.compile(r"/search/\?q=tidewater$")) as search:
        shopper.locator("form.site-search button[type=submit]").click()
    shopper.locator("h1").first.wait_for()
    return {
        "collection": collection.value.headers.get("x-magpie-page-cache", ""),
        "search": search.value.headers.get("x-magpie-page-cache", ""),
    }


def test_a_marketer_uploads_an_image_publishes_two_variants_and_shoppers_find_them(
    demo_shop, journey_marketer, chromium, tmp_path, settings
):
    """With the anonymous page cache on, as in production: a shopper's cached collection and search
    pages must show the product as soon as it is published."""
    from django.core.cache import caches

    assert not journey_marketer.is_superuser
    settings.MAGPIE_PAGE_CACHE_SECONDS = 300
    caches["pages"].clear()
    prices = [f"${price}" for _, _, price in VARIANTS]
    staff = chromium.new_context(viewport={"width": 1440, "height": 1000})
    anonymous = chromium.new_context(viewport={"width": 1440, "height": 1000})
    page, shopper = staff.new_page(), anonymous.new_page()
    for tab in (page, shopper):
        tab.set_default_timeout(20000)
    journey = Journey(shopper)
    try:
        assert shopper_visits(shopper, base_url=demo_shop.base_url) == {"collection": "MISS", "search": "MISS"}
        assert shopper_visits(shopper, base_url=demo_shop.base_url) == {"collection": "HIT", "search": "HIT"}
        assert shopper.get_by_role("link", name=PRODUCT).count() == 0
        journey.shot("search-before")

        journey.page = page
        admin_add_product(
            page, journey, base_url=demo_shop.base_url, email=journey_marketer.email, photo=product_photo(tmp_path)
        )

        journey.page = shopper
        shopper.goto(f"{demo_shop.base_url}/")
        with shopper.expect_response(re.compile(r"/staff-picks/$")) as collection:
            shopper.locator("#site-nav").get_by_role("link", name=COLLECTION, exact=True).click()
        assert collection.value.headers.get("x-magpie-page-cache") == "MISS"  # publishing retired the copy
        assert_card_shows_rendition_and_from_price(card_of(shopper, PRODUCT), prices)
        journey.shot("collection-page")

        shopper.locator("#site-search-q").fill("tidewater")
        with shopper.expect_response(re.compile(r"/search/\?q=tidewater$")) as search:
            shopper.locator("form.site-search button[type=submit]").click()
        assert search.value.headers.get("x-magpie-page-cache") == "MISS"
        card = card_of(shopper, PRODUCT)
        assert_card_shows_rendition_and_from_price(card, prices)
        journey.shot("search-results")

        card.get_by_role("link", name=PRODUCT, exact=True).click()
        shopper.wait_for_url(re.compile(r"/tidewater-rain-hat/"))
        assert shopper.locator("h1").inner_text().strip() == PRODUCT
        main_image = shopper.locator(".gallery__main img")
        shopper.wait_for_function(IMAGE_LOADED, arg=main_image.element_handle())
        assert re.search(r"/media/images/tidewater[^ ]*\.width-600\.", main_image.get_attribute("srcset") or "")
        price = shopper.locator("#variant-price")
        assert price.inner_text().strip() == prices[0]
        journey.shot("product-first-variant")
        shopper.locator(".option-value[data-value='L/XL']").click()
        shopper.wait_for_function(
            "expected => document.querySelector('#variant-price').innerText.trim() === expected", arg=prices[1]
        )
        assert shopper.locator(".option-value[data-value='L/XL']").get_attribute("aria-current") == "true"
        journey.shot("product-second-variant")
    except Exception:
        journey.shot("failed")
        raise
    finally:
        staff.close()
        anonymous.close()

    from wagtail.images import get_image_model

    from commerce.catalog.models import CollectionPage, CollectionProduct, ProductPage, ProductVariant
    from commerce.core.rls import system_context

    with system_context("test"):
        product = ProductPage.objects.get(title=PRODUCT)
        assert product.live and not product.has_unpublished_changes
        assert product.owner == journey_marketer
        assert product.latest_revision.user == journey_marketer
        variants = list(ProductVariant.objects.filter(product=product).order_by("sort_order"))
        assert [(v.option1_value, v.sku, v.price, v.is_active) for v in variants] == [
            (size, sku, Decimal(price), True) for size, sku, price in VARIANTS
        ]
        gallery = list(product.gallery_images.select_related("image"))
        assert len(gallery) == 1
        image = gallery[0].image
        assert image.title == IMAGE_TITLE and image.uploaded_by_user == journey_marketer
        assert (image.width, image.height) == (900, 900)
        assert image.file.storage.exists(image.file.name)
        assert get_image_model().objects.filter(title=IMAGE_TITLE).count() == 1  # one upload, no duplicate
        assert set(image.renditions.values_list("filter_spec", flat=True)) >= {"fill-400x400", "width-600"}
        collection = CollectionPage.objects.get(title=COLLECTION, manual_products__product=product)
        assert CollectionProduct.objects.filter(collection=collection, product=product).count() == 1
        assert collection.live and not collection.has_unpublished_changes  # the hand-picked list went live
