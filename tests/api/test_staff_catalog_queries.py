"""The staff catalogue lists cost the same number of queries for one row as for many."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commerce.accounts.roles import MANAGER
from commerce.core.money import Money
from commerce.promotions.gift_cards import gift_card_issue
from tests.factories import ProductPageFactory
from tests.promotions.conftest import make_discount

pytestmark = [pytest.mark.api, pytest.mark.django_db]


def queries(client, path: str) -> int:
    client.get(path)  # warm: the session, the user, their permissions
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured)


def add_rows(store, n: int, *, start: int = 0) -> None:
    for i in range(start, start + n):
        product = ProductPageFactory(store=store, title=f"Thing {i}")
        make_discount(store, name=f"Sale {i}", codes=(f"CODE{i}X",), target="products").products.add(product)
        gift_card_issue(store=store, value=Money(Decimal("10"), store.currency), recipient_email=f"r{i}@example.com")


@pytest.mark.parametrize(
    "path",
    ["/api/v1/staff/inventory/levels/", "/api/v1/staff/discounts/", "/api/v1/staff/gift-cards/"],
)
def test_a_list_page_does_not_grow_with_its_rows(staff_client, store, path):
    manager = staff_client(MANAGER, stores=[store])
    add_rows(store, 1)
    one = queries(manager, path)

    add_rows(store, 5, start=1)
    many = queries(manager, path)

    assert many == one
