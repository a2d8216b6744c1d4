"""Search as shoppers type it: SKUs with digits (exact match first), typos, partial words."""

import pytest
from django.core.management import call_command

from commerce.catalog.models import ProductVariant
from tests.factories import ProductPageFactory
from tests.search.test_search import product_titles, search

pytestmark = [pytest.mark.django_db, pytest.mark.storefront]


def with_sku(product, sku: str):
    ProductVariant.objects.filter(product=product).update(sku=sku)
    return product


@pytest.fixture
def catalogue(store):
    with_sku(ProductPageFactory(store=store, title="Merino sweater"), "MO-010-M")
    with_sku(ProductPageFactory(store=store, title="Merino scarf"), "MO-011-M")
    with_sku(ProductPageFactory(store=store, title="Bulk candle"), "BULK-000973")
    ProductPageFactory(store=store, title="Stoneware mug")
    call_command("update_index", verbosity=0)  # the variants' SKUs as the index sees them once published


@pytest.mark.parametrize(("query", "expected"), [("MO-010-M", "Merino sweater"), ("bulk-000973", "Bulk candle")])
def test_a_sku_with_digits_finds_its_product_first(client, catalogue, query, expected):
    _, html = search(client, q=query)

    titles = product_titles(html)
    assert titles and titles[0] == expected


def test_a_sku_that_is_also_a_word_elsewhere_still_puts_the_exact_match_first(client, store, catalogue):
    ProductPageFactory(store=store, title="MO-011-M refill", summary="For MO-011-M and MO-011-M only.")
    call_command("update_index", verbosity=0)

    _, html = search(client, q="MO-011-M")

    assert product_titles(html)[0] == "Merino scarf"


def test_a_small_typo_still_finds_the_product(client, catalogue):
    _, html = search(client, q="sweter")

    assert product_titles(html) == ["Merino sweater"]


@pytest.mark.parametrize(
    ("query", "expected"), [("stonew", ["Stoneware mug"]), ("meri", ["Merino scarf", "Merino sweater"])]
)
def test_partial_words_as_you_type(client, catalogue, query, expected):
    _, html = search(client, q=query)

    assert sorted(product_titles(html)) == expected


def test_nonsense_still_finds_nothing(client, catalogue):
    response, html = search(client, q="xqzvw")

    assert response.status_code == 200 and product_titles(html) == []
