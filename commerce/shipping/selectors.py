"""Reads for shipping panels: what the order screen and the customer's order page show."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch

from commerce.orders.models import Fulfilment, Order, ReturnRequest

from .models import LIVE, Shipment, ShipmentStatus, TrackingEvent


@dataclass(frozen=True)
class OrderShippingPanel:
    shipments: list[Shipment]
    needs_label: list[Fulfilment]  # awaiting shipment, no live label
    returns_needing_label: list[ReturnRequest]


def order_shipping_panel(
    *,
    order: Order,
    fulfilments: Iterable[Fulfilment] | None = None,
    returns: Iterable[ReturnRequest] | None = None,
) -> OrderShippingPanel:
    """One query for the labels, whatever their number; the order's fulfilments and returns are
    read too unless the caller already has them."""
    shipments = list(
        Shipment.objects.filter(order=order).select_related("fulfilment", "return_request").order_by("created_at")
    )
    if fulfilments is None:
        fulfilments = Fulfilment.objects.filter(order=order)
    if returns is None:
        returns = ReturnRequest.objects.filter(order=order)
    labelled = {s.fulfilment_id for s in shipments if s.status in LIVE and s.fulfilment_id}
    returns_labelled = {s.return_request_id for s in shipments if s.status in LIVE and s.return_request_id}
    pending = [f for f in fulfilments if f.status == Fulfilment.Status.PENDING and f.pk not in labelled]
    approved = [r for r in returns if r.status == ReturnRequest.Status.APPROVED and r.pk not in returns_labelled]
    return OrderShippingPanel(shipments=shipments, needs_label=pending, returns_needing_label=approved)


@dataclass(frozen=True)
class Parcel:
    shipment: Shipment
    events: list[TrackingEvent]


def order_tracking(*, order: Order) -> list[Parcel]:
    """The customer's parcels with their carrier history, newest status first (two queries)."""
    shipments = (
        Shipment.objects.filter(order=order, kind=Shipment.Kind.OUTBOUND)
        .exclude(status__in=[ShipmentStatus.VOIDED, ShipmentStatus.LABEL_FAILED, ShipmentStatus.PURCHASING])
        .prefetch_related(Prefetch("tracking_events", queryset=TrackingEvent.objects.order_by("-occurred_at", "-pk")))
        .order_by("created_at")
    )
    return [Parcel(shipment, list(shipment.tracking_events.all())) for shipment in shipments]
