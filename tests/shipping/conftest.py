"""Shipping tests drive the real ``shippo`` SDK against a fake Shippo API on loopback."""

from decimal import Decimal

import pytest

from commerce.core.addresses import PostalAddress
from commerce.inventory.services import default_location
from commerce.shipping.models import ShippingMethod
from tests.conftest import SHIPPO_WEBHOOK_SECRET
from tests.factories import ProductPageFactory

DESTINATION = PostalAddress(
    full_name="Ada Shopper", line1="1 Main St", city="Springfield", postal_code="62701", country="US", region="IL"
)
# DESTINATION as the checkout's address step (page or API) takes it: its filled-in fields.
ADDRESS = {name: value for name, value in DESTINATION.as_dict().items() if value}
# The fake Shippo fixtures (``fake_shippo``, ``fake_shippo_server``) live in tests/conftest.py:
# the browser journeys use them too.
WEBHOOK_SECRET = SHIPPO_WEBHOOK_SECRET


@pytest.fixture
def warehouse(store):
    """The store's first stock location, with a ship-from address."""
    location = default_location(store_id=store.pk)
    location.address_line1 = "500 Dock Rd"
    location.city = "Chicago"
    location.region = "IL"
    location.postal_code = "60601"
    location.country = "US"
    location.save()
    return location


@pytest.fixture
def table_rate(store):
    return ShippingMethod.objects.create(store=store, name="Standard", code="standard", price=Decimal("5.00"))


@pytest.fixture
def heavy_product(store):
    product = ProductPageFactory(store=store, title="Cast-iron pan", price="40.00", stock=20)
    variant = product.variants.get()
    variant.weight_grams = 2000
    variant.length_mm, variant.width_mm, variant.height_mm = 300, 300, 80
    variant.save()
    return product


@pytest.fixture
def fulfilment(store, warehouse, heavy_product):
    """A paid order of one pan, its shopper's service Priority Mail, fulfilled from the warehouse
    (not shipped yet)."""
    from commerce.core.money import Money
    from commerce.orders.fulfilment import order_fulfil
    from commerce.orders.models import Order
    from commerce.orders.services import order_mark_paid
    from tests.factories import place_order

    order = place_order(store=store, variant=heavy_product.variants.get(), email="ada@example.com")
    Order.objects.filter(pk=order.pk).update(
        shipping_address=DESTINATION.as_dict(),
        shipping_method_code="usps-usps_priority",
        shipping_method_name="USPS Priority Mail",
        shipping_provider="shippo",
        shipping_carrier="USPS",
        shipping_service="Priority Mail",
    )
    order = order_mark_paid(order=Order.objects.get(pk=order.pk), amount=Money(order.total, "USD"), reference="pi_1")
    return order_fulfil(order=order, location_id=warehouse.pk)
