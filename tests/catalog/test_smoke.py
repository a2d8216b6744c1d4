from decimal import Decimal

import pytest

from commerce.core.money import Money
from tests.factories import ProductPageFactory

pytestmark = pytest.mark.django_db


def test_product_page_renders_title_and_price(client, store):
    product = ProductPageFactory(store=store, title="Linen shirt", price="49.50", images=1)

    response = client.get(product.url)

    assert response.status_code == 200
    assert "Linen shirt" in response.content.decode()
    assert str(Money(Decimal("49.50"), "USD")) in response.content.decode()
