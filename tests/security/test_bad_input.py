"""Oversized input is a 4xx (or a bounded answer), never a 500."""

from __future__ import annotations

import pytest

from tests.factories import ProductPageFactory

pytestmark = [pytest.mark.django_db, pytest.mark.security]


def test_a_huge_search_query_is_refused(client, store):
    response = client.get("/search/", {"q": "x" * 5_000})

    assert response.status_code == 400


def test_a_huge_cart_quantity_is_refused(client, store):
    variant = ProductPageFactory(store=store, title="Canvas tote", price="20.00", stock=5).variants.get()

    response = client.post("/cart/add/", {"variant_id": variant.pk, "quantity": 10**12}, HTTP_ACCEPT="application/json")

    assert 400 <= response.status_code < 500
    assert response.json()["field"] == "quantity"


def test_a_huge_page_number_on_the_shop_is_bounded(client, store, shop_index):
    ProductPageFactory(store=store, title="Canvas tote", price="20.00", stock=5)

    response = client.get(shop_index.url, {"page": 10**9})

    assert response.status_code < 500


def test_a_huge_page_number_in_search_is_bounded(client, store):
    ProductPageFactory(store=store, title="Canvas tote", price="20.00", stock=5)

    response = client.get("/search/", {"q": "tote", "page": 10**9})

    assert response.status_code < 500
