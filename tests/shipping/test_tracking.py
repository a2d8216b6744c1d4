"""Tracking: Shippo's webhook (authenticated, stored, applied once) and the periodic refresh."""

import json

import pytest
from django.core import mail

from commerce.orders.models import Fulfilment, Order
from commerce.shipping.labels import shipment_buy_label
from commerce.shipping.models import Shipment, ShipmentStatus, ShippingEvent, TrackingEvent
from commerce.shipping.tracking import shipments_refresh
from tests.shipping.conftest import WEBHOOK_SECRET

pytestmark = [pytest.mark.django_db, pytest.mark.shipping]
URL = "/shipping/shippo/webhook/"


@pytest.fixture
def shipped(fulfilment, fake_shippo):
    return shipment_buy_label(fulfilment=fulfilment)


def post(client, body: bytes, token: str | None = WEBHOOK_SECRET, **headers):
    url = f"{URL}?token={token}" if token is not None else URL
    return client.post(url, body, content_type="application/json", **headers)


@pytest.mark.parametrize("token", [None, "", "wrong-secret", WEBHOOK_SECRET + "x"])
def test_a_bad_secret_is_401_and_changes_nothing(client, shipped, fake_shippo, token):
    fake_shippo.advance(shipped.tracking_number, "DELIVERED")

    response = post(client, fake_shippo.webhook_body(shipped.tracking_number), token=token)

    assert response.status_code == 401
    assert response.json()["field"] == "token"
    assert not ShippingEvent.objects.exists()
    assert not TrackingEvent.objects.exists()
    shipped.refresh_from_db()
    assert shipped.status == ShipmentStatus.LABEL_CREATED


def test_the_secret_may_come_in_a_header(client, shipped, fake_shippo):
    fake_shippo.advance(shipped.tracking_number, "TRANSIT")

    response = post(
        client,
        fake_shippo.webhook_body(shipped.tracking_number),
        token=None,
        HTTP_X_MAGPIE_WEBHOOK_TOKEN=WEBHOOK_SECRET,
    )

    assert response.status_code == 200
    assert response.json()["result"] == "applied: in_transit"


def test_an_unconfigured_secret_refuses_everything(client, shipped, fake_shippo, settings):
    settings.SHIPPO_WEBHOOK_SECRET = ""

    assert post(client, fake_shippo.webhook_body(shipped.tracking_number), token="").status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [(b"not json", "body"), (b'{"event": "track_updated", "data": {"carrier": 1}}', "data")],
)
def test_malformed_bodies_are_400_naming_the_problem(client, shipped, body, field):
    response = post(client, body)

    assert response.status_code == 400
    assert response.json()["field"] == field
    assert not ShippingEvent.objects.exists()


def test_other_event_types_are_acknowledged_and_ignored(client, shipped):
    response = post(client, json.dumps({"event": "transaction_created", "data": {}}).encode())

    assert response.status_code == 200
    assert "ignored" in response.json()["result"]


def test_statuses_move_the_shipment_fulfilment_and_order_and_duplicates_apply_once(
    client, shipped, fake_shippo, django_capture_on_commit_callbacks
):
    number = shipped.tracking_number
    fake_shippo.advance(number, "TRANSIT", "Departed facility")
    assert post(client, fake_shippo.webhook_body(number)).json()["result"] == "applied: in_transit"
    fake_shippo.advance(number, "TRANSIT", "Out for delivery", substatus="out_for_delivery")
    assert post(client, fake_shippo.webhook_body(number)).json()["result"] == "applied: out_for_delivery"
    assert Order.objects.get(pk=shipped.order_id).delivery_status == "out_for_delivery"

    fake_shippo.advance(number, "DELIVERED", "Left at front door")
    body = fake_shippo.webhook_body(number)
    with django_capture_on_commit_callbacks(execute=True):
        first = post(client, body)
        again = post(client, body)

    assert first.json()["result"] == again.json()["result"] == "applied: delivered"
    assert ShippingEvent.objects.count() == 3
    assert TrackingEvent.objects.filter(shipment=shipped).count() == 3
    shipped.refresh_from_db()
    assert (shipped.status, shipped.status_detail) == (ShipmentStatus.DELIVERED, "Left at front door")
    assert shipped.delivered_at is not None
    assert Fulfilment.objects.get(pk=shipped.fulfilment_id).status == Fulfilment.Status.DELIVERED
    order = Order.objects.get(pk=shipped.order_id)
    assert order.delivery_status == "delivered"
    assert order.events.filter(type="tracking").count() == 3
    delivered = [m for m in mail.outbox if "was delivered" in m.subject]
    assert len(delivered) == 1
    assert order.number in delivered[0].body


def test_an_older_status_arriving_late_does_not_move_the_shipment_back(client, shipped, fake_shippo):
    number = shipped.tracking_number
    fake_shippo.advance(number, "TRANSIT")
    early = fake_shippo.webhook_body(number)
    fake_shippo.advance(number, "DELIVERED")
    post(client, fake_shippo.webhook_body(number))

    assert post(client, early).status_code == 200

    shipped.refresh_from_db()
    assert shipped.status == ShipmentStatus.DELIVERED


def test_a_delivery_failure_emails_the_customer_once(client, shipped, fake_shippo, django_capture_on_commit_callbacks):
    fake_shippo.advance(shipped.tracking_number, "FAILURE", "Address not accessible")
    with django_capture_on_commit_callbacks(execute=True):
        post(client, fake_shippo.webhook_body(shipped.tracking_number))

    assert Order.objects.get(pk=shipped.order_id).delivery_status == "failure"
    problem = [m for m in mail.outbox if "problem delivering" in m.subject]
    assert len(problem) == 1 and "Address not accessible" in problem[0].body


def test_a_webhook_for_an_unknown_parcel_is_stored_and_ignored(client, shipped, fake_shippo):
    fake_shippo.advance(shipped.tracking_number, "TRANSIT")
    Shipment.objects.filter(pk=shipped.pk).update(tracking_number="someone-else")

    response = post(client, fake_shippo.webhook_body(shipped.tracking_number))

    assert response.json()["result"] == "ignored: no matching shipment"
    assert ShippingEvent.objects.get().order_id is None


def test_the_refresh_asks_the_carrier_about_open_shipments_not_heard_of_lately(shipped, fake_shippo):
    Shipment.objects.filter(pk=shipped.pk).update(tracked_at=None)
    fake_shippo.advance(shipped.tracking_number, "TRANSIT", "Arrived at hub")

    assert shipments_refresh() == 1
    shipped.refresh_from_db()
    assert (shipped.status, shipped.status_detail) == (ShipmentStatus.IN_TRANSIT, "Arrived at hub")
    assert shipments_refresh() == 0  # just asked: not again within the hour


def test_the_refresh_carries_on_when_the_carrier_fails(shipped, fake_shippo):
    Shipment.objects.filter(pk=shipped.pk).update(tracked_at=None)
    fake_shippo.fail("/tracks", status=502)

    assert shipments_refresh() == 0
    shipped.refresh_from_db()
    assert shipped.status == ShipmentStatus.LABEL_CREATED and shipped.tracked_at is not None
