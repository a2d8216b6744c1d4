"""The product page: variants without JavaScript, stock states, add to cart, structured data and sharing."""

from __future__ import annotations

import re
from decimal import Decimal
from urllib.parse import urlsplit

import pytest

from commerce.catalog.models import ProductPage
from tests.catalog.helpers import add_variant, categorise, json_ld, set_variants, tag
from tests.factories import ProductPageFactory, set_stock
from tests.images import make_image

pytestmark = pytest.mark.django_db

RADIO = re.compile(r'<input type="radio"[^>]*name="variant_id"[^>]*>')


def get(client, product: ProductPage, **params):
    response = client.get(urlsplit(product.full_url).path, params)
    assert response.status_code == 200
    return response


def test_single_variant_has_no_selector_but_a_hidden_variant(client, store):
    product = ProductPageFactory(store=store, title="Mug", price="12.00")
    variant = product.variants.get()

    html = get(client, product).content.decode()

    assert RADIO.findall(html) == []
    assert f'<input type="hidden" name="variant_id" value="{variant.pk}"' in html
    assert 'class="variant-picker"' not in html


def test_variants_are_one_picker_per_option_with_the_chosen_price_and_stock(client, store):
    # Issue 16 replaced one radio button per variant with a picker per option (links to ?variant=).
    product = ProductPageFactory(store=store, title="Tee", option1_name="Size", variants=3, price="20.00")
    small, medium, _large = product.variants.order_by("sort_order")
    set_variants(product, low_stock_threshold=2)
    set_stock(small, 0)
    set_stock(medium, 2)
    add_variant(product, sku="TEE-RETIRED", price="1.00", is_active=False)

    html = get(client, product).content.decode()

    assert RADIO.findall(html) == []
    assert len(re.findall(r'<a class="option-value[^"]*" href="\?variant=\d+" data-option="1"', html)) == 3
    assert f'<a class="option-value option-value--unavailable" href="?variant={small.pk}"' in html
    assert f'href="?variant={medium.pk}" data-option="1" data-value="Option 1" aria-current="true"' in html
    assert "<legend>Size: " in html
    assert "Only 2 left" in html and "$21.00" in html  # the preselected (first available) variant's figures
    assert "From $" not in html
    assert f'name="variant_id" value="{medium.pk}"' in html and 'max="2"' in html
    assert "TEE-RETIRED" not in html and "$1.00" not in html


def test_a_variant_in_the_query_string_is_preselected(client, store):
    product = ProductPageFactory(store=store, option1_name="Size", variants=3)
    last = product.variants.order_by("sort_order").last()

    html = get(client, product, variant=str(last.pk)).content.decode()

    assert f'href="?variant={last.pk}" data-option="1" data-value="Option 2" aria-current="true"' in html
    assert f'name="variant_id" value="{last.pk}"' in html and "$12.00" in html


def test_add_to_cart_posts_variant_and_quantity_with_csrf(client, store):
    product = ProductPageFactory(store=store, stock=7)

    html = get(client, product).content.decode()

    assert '<form class="add-to-cart-form" method="post" action="/cart/add/">' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert '<label for="add-to-cart-quantity">Quantity</label>' in html
    # well stocked (7 left, low at 5): no limit is shown, since that number changes with every sale
    # and the cart adds what is left and says so
    assert 'name="quantity" value="1" min="1" step="1"' in html
    assert '<button type="submit" class="button" id="add-to-cart-button">Add to cart</button>' in html


def test_a_low_variant_limits_the_quantity_to_what_is_left(client, store):
    product = ProductPageFactory(store=store, stock=3)

    html = get(client, product).content.decode()

    assert "Only 3 left" in html
    assert 'name="quantity" value="1" min="1" max="3"' in html


def test_the_variant_data_gives_units_left_only_for_low_and_sold_out_variants(client, store):
    product = ProductPageFactory(store=store, option1_name="Size", variants=3)
    well, low, gone = product.variants.order_by("sort_order")
    set_stock(well, 40)
    set_stock(low, 2)
    set_stock(gone, 0)

    data = get(client, product).context["variant_data"]

    assert [(v["id"], v["stock"], v["available"]) for v in data] == [
        (well.pk, "in_stock", None),
        (low.pk, "low", 2),
        (gone.pk, "sold_out", 0),
    ]


def test_in_stock_badge(client, store):
    html = get(client, ProductPageFactory(store=store, stock=50)).content.decode()

    assert '<span class="badge badge--in_stock">In stock</span>' in html


def test_low_stock_says_how_many_are_left(client, store):
    product = ProductPageFactory(store=store, stock=3)

    response = get(client, product)

    assert '<span class="badge badge--low">Only 3 left</span>' in response.content.decode()
    assert json_ld(response)["offers"][0]["availability"] == "https://schema.org/LimitedAvailability"


def test_sold_out_disables_adding_to_cart(client, store):
    product = ProductPageFactory(store=store, stock=0)

    response = get(client, product)
    html = response.content.decode()

    assert '<span class="badge badge--sold_out">Sold out</span>' in html
    assert '<button type="submit" class="button" id="add-to-cart-button" disabled>Sold out</button>' in html
    assert json_ld(response)["offers"][0]["availability"] == "https://schema.org/OutOfStock"


def test_sale_price_shows_the_former_price(client, store):
    product = ProductPageFactory(store=store, price="45.00")
    set_variants(product, compare_at_price=Decimal("60.00"))

    html = get(client, product).content.decode()

    assert '<p class="price price--sale">$45.00<span class="price__was"><span class="visually-hidden">Was ' in html
    assert "$60.00" in html


def test_json_ld_describes_the_product_and_every_active_offer(client, store, categories):
    product = ProductPageFactory(store=store, title="Linen shirt", variants=2, price="49.50", images=2)
    add_variant(product, sku="OLD", price="1.00", is_active=False)
    categorise(product, categories["knitwear"])
    variants = list(product.variants.filter(is_active=True).order_by("sort_order"))

    data = json_ld(get(client, product))

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Product"
    assert data["name"] == "Linen shirt"
    assert data["description"] == "A well-made thing."
    assert data["brand"] == {"@type": "Brand", "name": "Magpie Test Shop"}
    assert data["sku"] == variants[0].sku
    assert data["url"] == "http://testserver/shop/linen-shirt/"
    assert data["category"] == "Knitwear"
    assert len(data["image"]) == 2
    assert all(url.startswith("http://testserver/media/images/") for url in data["image"])
    assert [offer["sku"] for offer in data["offers"]] == [v.sku for v in variants]
    assert [offer["price"] for offer in data["offers"]] == ["49.50", "50.50"]
    assert {offer["priceCurrency"] for offer in data["offers"]} == {"USD"}
    assert {offer["availability"] for offer in data["offers"]} == {"https://schema.org/InStock"}
    assert data["offers"][1]["url"] == f"http://testserver/shop/linen-shirt/?variant={variants[1].pk}"


def test_json_ld_cannot_break_out_of_its_script(client, store):
    product = ProductPageFactory(store=store, title="</script><script>alert(1)</script> & more")

    response = get(client, product)
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S)

    assert "<" not in script.group(1) and "&" not in script.group(1)
    assert json_ld(response)["name"] == "</script><script>alert(1)</script> & more"


def test_json_ld_uses_the_store_currency(client, other_store):
    product = ProductPageFactory(store=other_store, price="9.99")

    response = client.get(urlsplit(product.full_url).path, HTTP_HOST="second.example.com")

    assert json_ld(response)["offers"][0]["priceCurrency"] == "EUR"
    assert json_ld(response)["brand"]["name"] == "Second Shop"


def test_open_graph_and_canonical(client, store):
    product = ProductPageFactory(store=store, title="Scarf", price="25.00", images=1)

    html = get(client, product).content.decode()

    assert '<meta property="og:type" content="product">' in html
    assert re.search(r'<meta property="og:image" content="http://testserver/media/images/[^"]+fill-1200x630', html)
    assert '<meta property="product:price:amount" content="25.00">' in html
    assert '<meta property="product:price:currency" content="USD">' in html
    assert '<link rel="canonical" href="http://testserver/shop/scarf/">' in html


def test_social_image_wins_over_the_gallery(client, store):
    product = ProductPageFactory(store=store, images=1)
    product.social_image = make_image("Share me")
    product.save()

    html = get(client, product).content.decode()

    assert re.search(r'og:image" content="http://testserver/media/images/share-me[^"]*fill-1200x630', html)


def test_gallery_has_main_image_and_thumbnails_with_alt_text_and_sizes(client, store):
    product = ProductPageFactory(store=store, title="Boots", images=3)
    first = product.gallery_images.order_by("sort_order").first()
    first.alt_text = "Brown leather boots, side view"
    first.save()

    html = get(client, product).content.decode()

    main = re.search(r'<div class="gallery__main">\s*<img ([^>]*)>', html).group(1)
    assert 'alt="Brown leather boots, side view"' in main
    assert "srcset=" in main and 'width="' in main and 'height="' in main
    thumbs = re.findall(r'<img alt="[^"]+" height="\d+" loading="lazy" src="[^"]+fill-160x160', html)
    assert len(thumbs) == 3
    assert html.count("View image") == 3


def test_breadcrumbs_categories_and_tags(client, store, categories):
    product = ProductPageFactory(store=store, title="Hat")
    categorise(product, categories["accessories"])
    tag(product, "Wool")

    html = get(client, product).content.decode()

    assert '<nav class="breadcrumbs" aria-label="Breadcrumb">' in html
    assert '<li><a href="/shop/">Shop</a></li>' in html
    assert 'aria-current="page">Hat</a>' in html
    assert '<a href="/shop/?category=accessories">Accessories</a>' in html
    assert '<a href="/shop/?tag=wool">Wool</a>' in html


def test_description_blocks_render_including_specifications(client, store):
    product = ProductPageFactory(store=store)
    product.description = [
        ("paragraph", "<p>Woven in <b>Portugal</b>.</p>"),
        ("specifications", [{"label": "Fabric", "value": "Linen"}, {"label": "Care", "value": "Cold wash"}]),
    ]
    product.save()

    html = get(client, product).content.decode()

    assert "Woven in <b>Portugal</b>." in html
    assert '<dl class="specs">' in html
    assert "<dt>Fabric</dt>" in html and "<dd>Linen</dd>" in html
    assert "<dt>Care</dt>" in html
