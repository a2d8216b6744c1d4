"""The product page's picker: one group per option, unavailable combinations marked, the chosen
variant's figures shown and named in the URL; asking for more than is left adds what is left."""

import re
from urllib.parse import urlsplit

import pytest

from commerce.cart.models import CartLine
from commerce.catalog.models import ProductVariant
from tests.catalog.helpers import add_variant
from tests.factories import ProductPageFactory, set_stock

pytestmark = [pytest.mark.django_db, pytest.mark.storefront]


@pytest.fixture
def jacket(store):
    """S/M × Red/Blue: S-Red sold out, M-Blue never made; M-Red is the $38 one."""
    product = ProductPageFactory(store=store, title="Rain jacket", option1_name="Size", option2_name="Colour")
    ProductVariant.objects.filter(product=product).update(
        sku="RJ-S-RED", option1_value="S", option2_value="Red", price="28.00"
    )
    set_stock(product.variants.get(), 0)
    variants = {
        "S-Red": product.variants.get(),
        "S-Blue": add_variant(product, sku="RJ-S-BLUE", price="28.00", option1_value="S", option2_value="Blue"),
        "M-Red": add_variant(
            product,
            sku="RJ-M-RED",
            price="38.00",
            stock=3,
            option1_value="M",
            option2_value="Red",
            compare_at_price="45.00",
        ),
    }
    return product, variants


def page(client, product, **params) -> str:
    return client.get(urlsplit(product.full_url).path, params).content.decode()


def option_link(html: str, option: int, value: str) -> str:
    return re.search(rf'<a class="option-value[^>]*data-option="{option}" data-value="{value}"[^>]*>', html).group(0)


def test_one_picker_per_option_with_unavailable_combinations_marked(client, jacket):
    product, v = jacket

    html = page(client, product)  # preselected: the first available, S-Blue

    assert "<legend>Size: " in html and "<legend>Colour: " in html
    assert 'aria-current="true"' in option_link(html, 1, "S") and 'aria-current="true"' in option_link(html, 2, "Blue")
    # Red in size S is sold out; size M in Blue was never made (the link goes to M-Red instead)
    assert "option-value--unavailable" in option_link(html, 2, "Red")
    assert "option-value--unavailable" in option_link(html, 1, "M")
    assert f'href="?variant={v["M-Red"].pk}"' in option_link(html, 1, "M")


def test_choosing_a_variant_without_javascript_shows_its_price_compare_at_and_stock(client, jacket):
    product, v = jacket

    html = page(client, product, variant=v["M-Red"].pk)

    price = html[html.index('id="variant-price"') : html.index('id="variant-stock"')]
    assert "$38.00" in price and "$45.00" in price and "From" not in price
    assert "Only 3 left" in html or "In stock" in html
    assert f'name="variant_id" value="{v["M-Red"].pk}"' in html and 'max="3"' in html


def test_asking_for_more_than_is_left_adds_what_is_left_and_says_so(client, jacket):
    _product, v = jacket

    response = client.post("/cart/add/", {"variant_id": v["M-Red"].pk, "quantity": 5}, follow=True)

    assert CartLine.objects.get().quantity == 3
    assert "Only 3 more of Rain jacket could be added" in response.content.decode()
    refused = client.post("/cart/add/", {"variant_id": v["M-Red"].pk, "quantity": 1}, HTTP_ACCEPT="application/json")
    assert refused.status_code == 400 and refused.json()["field"] == "quantity"
    assert CartLine.objects.get().quantity == 3
