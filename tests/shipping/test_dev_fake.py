"""The development fake: `manage.py fakeshippo` serves it only when Shippo points at it, and moves
parcels along, posting Shippo's webhook to the site."""

import io

import pytest
from django.core.management import call_command

from commerce.shipping.labels import shipment_buy_label
from commerce.shipping.management.commands.fakeshippo import Command
from commerce.shipping.models import ShipmentStatus
from tests.shipping.conftest import WEBHOOK_SECRET

pytestmark = pytest.mark.shipping


def test_not_started_unless_shippo_points_at_the_fake(settings):
    settings.SHIPPO_API_BASE = None
    out = io.StringIO()

    call_command("fakeshippo", "--webhook", "http://127.0.0.1:9/x/", "--once", stdout=out)

    assert "not started" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_parcels_move_on_and_the_site_hears_of_it(live_server, fulfilment, fake_shippo):
    shipment = shipment_buy_label(fulfilment=fulfilment)
    fake_shippo.webhook_url = f"{live_server.url}/shipping/shippo/webhook/?token={WEBHOOK_SECRET}"
    command = Command(stdout=io.StringIO(), stderr=io.StringIO())

    for _ in range(4):  # three steps of the journey, then nothing more to do
        command._move_parcels(fake_shippo, step=0)

    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.DELIVERED
    assert shipment.tracking_events.count() == 3
