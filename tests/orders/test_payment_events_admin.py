"""Payment events (stored webhooks) are listed read-only in the Sales menu."""

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from commerce.payments.models import PaymentEvent

pytestmark = pytest.mark.django_db

LIST_URL = reverse("payments_paymentevent_modeladmin_index")


@pytest.fixture
def events(place_order) -> tuple[PaymentEvent, PaymentEvent]:
    order = place_order()
    applied = PaymentEvent.objects.create(
        event_id="evt_applied",
        type="payment_intent.succeeded",
        payload={"id": "evt_applied"},
        order=order,
        processed_at=timezone.now(),
        result="Order marked paid.",
    )
    waiting = PaymentEvent.objects.create(event_id="evt_waiting", type="charge.refunded", payload={"id": "evt_waiting"})
    return applied, waiting


def test_events_are_listed_with_their_outcome(superuser_client, events):
    applied, _ = events

    response = superuser_client.get(LIST_URL)

    html = response.content.decode()
    assert response.status_code == 200
    for text in ("evt_applied", "evt_waiting", "payment_intent.succeeded", "Order marked paid.", str(applied.order)):
        assert text in html


def test_filter_unprocessed_events_and_search_by_event_id(superuser_client, events):
    unprocessed = superuser_client.get(LIST_URL, {"processed_at__isnull": "True"})
    found = superuser_client.get(LIST_URL, {"q": "evt_applied"})

    assert [event.event_id for event in unprocessed.context["object_list"]] == ["evt_waiting"]
    assert [event.event_id for event in found.context["object_list"]] == ["evt_applied"]


def test_an_event_can_be_inspected_but_not_changed(superuser_client, events):
    applied, _ = events

    response = superuser_client.get(reverse("payments_paymentevent_modeladmin_inspect", args=[applied.pk]))

    assert response.status_code == 200 and "evt_applied" in response.content.decode()
    for action in ("create", "edit", "delete"):
        with pytest.raises(NoReverseMatch):
            reverse(f"payments_paymentevent_modeladmin_{action}")


@pytest.mark.backoffice
def test_the_waiting_filter_lists_events_that_wait_for_their_payment(superuser_client, events):
    """Issue 18 (webhook race): an event naming a payment of ours not recorded yet is unprocessed
    with a ``waiting:`` result; unprocessed events that merely crashed mid-way are not "waiting"."""
    PaymentEvent.objects.create(
        event_id="evt_early",
        type="payment_intent.succeeded",
        payload={"id": "evt_early"},
        result="waiting: payment 41 not found yet",
    )

    response = superuser_client.get(LIST_URL, {"outcome": "waiting"})

    assert response.status_code == 200
    assert [event.event_id for event in response.context["object_list"]] == ["evt_early"]
    assert "Waiting" in response.content.decode()
