"""Query counts of the pages shipping adds to, which must not grow with lines or parcels."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commerce.orders.fulfilment import FulfilLine, order_fulfil
from commerce.orders.links import order_guest_url
from commerce.orders.models import Order
from commerce.shipping.labels import shipment_buy_label
from commerce.shipping.providers.shippo import ShippoProvider
from commerce.shipping.tracking import shipment_apply_tracking
from tests.factories import ProductPageFactory

pytestmark = [pytest.mark.benchmark, pytest.mark.shipping, pytest.mark.django_db]

# The shipping step with live rates served from the cache (the shipping settings and the ship-from location: 2).
# 14 since the checkout summary reads no product images and one Store serves the checkout and its cart.
SHIPPING_STEP_QUERIES = 14
# The customer's order page with its fulfilments, returns and tracking panel (shipments, tracking events: 2).
ORDER_PAGE_QUERIES = 15
JSON = {"HTTP_ACCEPT": "application/json"}
ADDRESS = {
    "full_name": "Ada",
    "line1": "1 Main St",
    "city": "Springfield",
    "postal_code": "62701",
    "region": "IL",
    "country": "US",
}


@pytest.mark.parametrize("lines", [1, 6])
def test_the_shipping_step_with_live_rates_does_not_grow_with_lines(client, store, warehouse, fake_shippo, lines):
    for i in range(lines):
        variant = ProductPageFactory(store=store, title=f"Item {i}").variants.get()
        client.post("/cart/add/", {"variant_id": variant.pk, "quantity": 1}, **JSON)
    client.post("/checkout/contact/", {"email": "bench@example.com"})
    client.post("/checkout/address/", ADDRESS)
    client.get("/checkout/shipping/")  # warm-up

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/checkout/shipping/")

    assert len(response.context["summary"].rates) == 3
    assert fake_shippo.count("POST", "/shipments") == 1
    assert len(queries) == SHIPPING_STEP_QUERIES, "\n".join(q["sql"][:150] for q in queries.captured_queries)


@pytest.mark.parametrize("parcels", [1, 3])
def test_the_order_page_does_not_grow_with_parcels_and_their_history(client, fulfilment, fake_shippo, parcels):
    order = Order.objects.get(pk=fulfilment.order_id)
    line = order.lines.get()
    Order.lines.rel.related_model.objects.filter(pk=line.pk).update(quantity=3)
    Order.objects.filter(pk=order.pk).update(status="partially_fulfilled")
    fulfilments = [fulfilment] + [
        order_fulfil(order=order, lines=[FulfilLine(line.pk, 1)], location_id=fulfilment.location_id)
        for _ in range(parcels - 1)
    ]
    provider = ShippoProvider(api_key="k", api_base=fake_shippo.url)
    for each in fulfilments:
        shipment = shipment_buy_label(fulfilment=each)
        for status in ("TRANSIT", "TRANSIT", "DELIVERED"):
            fake_shippo.advance(shipment.tracking_number, status)
        shipment_apply_tracking(
            shipment=shipment, tracking=provider.track(carrier="usps", tracking_number=shipment.tracking_number)
        )
    url = order_guest_url(order)
    client.get(url)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)

    assert response.content.decode().count("order-tracking__parcel") == parcels
    assert len(queries) == ORDER_PAGE_QUERIES, "\n".join(q["sql"][:150] for q in queries.captured_queries)
