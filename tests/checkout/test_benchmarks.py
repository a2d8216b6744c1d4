"""Query counts that must not grow with the number of lines."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commerce.cart.services import cart_add_line, cart_create
from commerce.checkout.services import (
    checkout_for_cart,
    checkout_place_order,
    checkout_set_email,
    checkout_set_shipping_address,
    checkout_set_shipping_method,
)
from tests.checkout.conftest import ADDRESS
from tests.factories import ProductPageFactory

pytestmark = [pytest.mark.benchmark, pytest.mark.django_db]

CART_PAGE_QUERIES = 11
# 28 since inventory: the low-stock check reads the reserved variants' thresholds and summed stock (one query).
PLACE_ORDER_QUERIES = 28


def fill_cart(client, store, lines: int) -> None:
    for i in range(lines):
        variant = ProductPageFactory(store=store, title=f"Item {i}", images=1).variants.get()
        client.post("/cart/add/", {"variant_id": variant.pk, "quantity": 1}, HTTP_ACCEPT="application/json")


@pytest.mark.parametrize("lines", [1, 10])
def test_cart_page_queries_do_not_grow_with_lines(client, store, lines, django_assert_num_queries):
    fill_cart(client, store, lines)
    client.get("/cart/")  # warm-up: renditions are created on first render

    with django_assert_num_queries(CART_PAGE_QUERIES):
        response = client.get("/cart/")

    assert len(response.context["lines"]) == lines


@pytest.mark.parametrize("lines", [1, 10])
def test_placing_an_order_queries_do_not_grow_with_lines(store, shipping, lines):
    cart = cart_create(store=store)
    for i in range(lines):
        variant = ProductPageFactory(store=store, title=f"Item {i}").variants.get()
        cart_add_line(cart=cart, variant_id=variant.pk, quantity=2)
    checkout = checkout_for_cart(cart=cart)
    checkout_set_email(checkout=checkout, email="bench@example.com")
    checkout_set_shipping_address(checkout=checkout, address=ADDRESS)
    checkout_set_shipping_method(checkout=checkout, code="standard")

    with CaptureQueriesContext(connection) as queries:
        order = checkout_place_order(checkout=checkout)

    assert order.lines.count() == lines
    assert len(queries) == PLACE_ORDER_QUERIES, "\n".join(q["sql"][:120] for q in queries.captured_queries)
