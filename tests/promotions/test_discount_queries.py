"""``discounts_evaluate`` reads with a fixed number of queries, however many lines the cart has."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser

from tests.factories import CategoryFactory, CollectionPageFactory
from tests.promotions.conftest import categorise, line_for, make_discount

pytestmark = [pytest.mark.django_db, pytest.mark.benchmark]

# The codes; automatic discounts; the target links (products, categories, collections in one
# query); for the targeted collection: the store's root page, the collection, its rule categories,
# the view restrictions ``public()`` excludes, its hand-picked products and the cart products it
# lists; once per customer; first order.
QUERIES = 11


@pytest.fixture
def everything(store):
    """Discounts that need every kind of fact: targets of each kind, shopper checks."""
    knitwear = CategoryFactory()
    collection = CollectionPageFactory(parent=store.site.root_page)
    collection.rule_categories.add(knitwear)
    collection.save()
    by_product = make_discount(store, name="Products", target="products", combinable=True, once_per_customer=True)
    by_category = make_discount(store, name="Category", target="products", combinable=True, first_order_only=True)
    by_collection = make_discount(store, name="Collection", codes=("SUMMER",), target="products", combinable=True)
    make_discount(store, name="Order", codes=("TENOFF",), value_type="fixed", value=Decimal("10"), combinable=True)
    return by_product, by_category, by_collection, knitwear, collection


@pytest.mark.parametrize("line_count", [1, 10])
def test_evaluate_query_count_does_not_grow_with_lines(
    store, everything, discount_product, discount_evaluate, django_assert_num_queries, line_count
):
    by_product, by_category, by_collection, knitwear, collection = everything
    products = [categorise(discount_product(f"{10 + i}.00"), knitwear) for i in range(line_count)]
    by_product.products.add(*products)
    by_category.categories.add(knitwear)
    by_collection.collections.add(collection)
    lines = [line_for(product, 2) for product in products]

    with django_assert_num_queries(QUERIES):
        result = discount_evaluate(lines, codes=("SUMMER", "tenoff"), customer=AnonymousUser(), email="a@example.com")

    assert [a.discount.name for a in result.applied] == ["Products", "Category", "Collection", "Order"]
    assert all(len(a.application.line_amounts) == line_count for a in result.applied)


def test_a_cart_without_codes_or_conditions_costs_one_query(
    store, discount_product, discount_evaluate, django_assert_num_queries
):
    make_discount(store, name="Everything")
    lines = [line_for(discount_product()) for _ in range(3)]

    with django_assert_num_queries(1):
        result = discount_evaluate(lines)

    assert len(result.applied) == 1
