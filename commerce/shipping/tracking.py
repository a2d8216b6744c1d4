"""Tracking: what the carrier reports, from Shippo's ``track_updated`` webhook or the periodic
refresh, mapped onto the shipment, its fulfilment, the order and the customer's emails.

Every report is idempotent: each carrier status is stored once per shipment (its provider id is
unique), a status older than the newest one applied never moves the shipment back, and emails are
sent once per shipment and kind.
"""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from commerce.core.locking import locked
from commerce.orders.models import Fulfilment, OrderEvent
from commerce.orders.services import order_add_event

from .interface import ShippingError, Tracking, TrackingUpdate
from .models import TRACKED, Shipment, ShipmentStatus, ShippingEvent, TrackingEvent
from .provider import get_provider
from .rollup import order_delivery_status_refresh

logger = logging.getLogger(__name__)

_STATUS = {
    "PRE_TRANSIT": ShipmentStatus.LABEL_CREATED,
    "TRANSIT": ShipmentStatus.IN_TRANSIT,
    "DELIVERED": ShipmentStatus.DELIVERED,
    "RETURNED": ShipmentStatus.RETURNED,
    "FAILURE": ShipmentStatus.FAILURE,
}
FINAL = {ShipmentStatus.DELIVERED, ShipmentStatus.RETURNED, ShipmentStatus.VOIDED, ShipmentStatus.LABEL_FAILED}
EMAILS = {
    ShipmentStatus.DELIVERED: "delivered",
    ShipmentStatus.FAILURE: "exception",
    ShipmentStatus.RETURNED: "exception",
}


def status_for(update: TrackingUpdate) -> ShipmentStatus | None:
    """The platform's status (and substatus) as a shipment status; None for UNKNOWN."""
    if update.status == "TRANSIT" and update.substatus == "out_for_delivery":
        return ShipmentStatus.OUT_FOR_DELIVERY
    return _STATUS.get(update.status)


def shipment_apply_tracking(*, shipment: Shipment, tracking: Tracking) -> Shipment:
    """Record the carrier's statuses and move the shipment to the newest one."""
    with transaction.atomic():
        shipment = locked(Shipment.objects).select_related("order").get(pk=shipment.pk)
        shipment.tracked_at = timezone.now()
        if shipment.status in {ShipmentStatus.PURCHASING, ShipmentStatus.VOIDED, ShipmentStatus.LABEL_FAILED}:
            shipment.save(update_fields=["tracked_at", "updated_at"])
            return shipment
        newest = shipment.tracking_events.exclude(occurred_at=None).order_by("-occurred_at").first()
        updates = {update.event_id: update for update in (*tracking.history, tracking.current) if update is not None}
        TrackingEvent.objects.bulk_create(
            [
                TrackingEvent(
                    shipment=shipment,
                    event_id=update.event_id[:64],
                    status=update.status[:20],
                    substatus=update.substatus[:60],
                    details=update.details[:300],
                    location=update.location[:120],
                    occurred_at=update.occurred_at,
                )
                for update in updates.values()
            ],
            ignore_conflicts=True,
        )
        current = tracking.current
        is_newer = current is not None and (
            newest is None or current.occurred_at is None or current.occurred_at >= newest.occurred_at
        )
        status = status_for(current) if is_newer else None
        if status is not None and status != shipment.status and shipment.status not in FINAL:
            _move(shipment, status, current)
        shipment.save()
    return shipment


def _move(shipment: Shipment, status: ShipmentStatus, update: TrackingUpdate) -> None:
    shipment.status = status
    shipment.status_detail = update.details[:300]
    if status == ShipmentStatus.DELIVERED:
        shipment.delivered_at = update.occurred_at or timezone.now()
        if shipment.fulfilment_id:
            Fulfilment.objects.filter(pk=shipment.fulfilment_id).update(status=Fulfilment.Status.DELIVERED)
    where = f" ({update.location})" if update.location else ""
    order_add_event(
        order=shipment.order,
        type=OrderEvent.Type.TRACKING,
        message=f"{shipment.carrier} {shipment.tracking_number}: {status.label}{where}. {update.details}".strip(),
        data={"shipment": shipment.pk, "status": status.value},
    )
    shipment.save()
    order_delivery_status_refresh(order_id=shipment.order_id)
    kind = EMAILS.get(status)
    if kind is not None and shipment.kind == Shipment.Kind.OUTBOUND:
        from .tasks import send_tracking_email

        shipment_id = shipment.pk
        transaction.on_commit(lambda: send_tracking_email.enqueue(shipment_id, kind))


# -- webhooks ----------------------------------------------------------------------------------


def webhook_record(*, event_id: str, type: str, payload: object) -> ShippingEvent:
    """Store the event before acting on it; a duplicate delivery returns the stored row."""
    try:
        with transaction.atomic():
            return ShippingEvent.objects.create(
                provider="shippo", event_id=event_id[:100], type=type[:60], payload=payload
            )
    except IntegrityError:
        return ShippingEvent.objects.get(provider="shippo", event_id=event_id[:100])


def webhook_apply(*, record: ShippingEvent, tracking: Tracking | None) -> ShippingEvent:
    """Apply a stored event once (the row lock makes concurrent deliveries wait)."""
    with transaction.atomic():
        record = locked(ShippingEvent.objects).get(pk=record.pk)
        if record.processed_at is not None:
            return record
        shipment = None
        if tracking is None:
            result = "ignored: event type not handled"
        else:
            shipment = Shipment.objects.filter(tracking_number=tracking.tracking_number).order_by("-pk").first()
            if shipment is None:
                result = "ignored: no matching shipment"
            else:
                shipment = shipment_apply_tracking(shipment=shipment, tracking=tracking)
                result = f"applied: {shipment.status}"
        record.shipment = shipment
        record.order_id = shipment.order_id if shipment else None
        record.processed_at = timezone.now()
        record.result = result[:300]
        record.save()
        return record


# -- the periodic refresh ------------------------------------------------------------------------


def shipments_refresh(*, older_than_minutes: int = 60, limit: int = 200) -> int:
    """Ask the carrier about open shipments not heard of for a while (webhooks can be missed).
    Returns how many were refreshed; a carrier failure is logged and the rest carry on."""
    provider = get_provider()
    if provider is None:
        return 0
    cutoff = timezone.now() - timezone.timedelta(minutes=older_than_minutes)
    due = list(
        Shipment.objects.filter(status__in=TRACKED)
        .exclude(tracking_number="")
        .exclude(tracked_at__gt=cutoff)
        .order_by("tracked_at", "pk")[:limit]
    )
    refreshed = 0
    for shipment in due:
        try:
            tracking = provider.track(carrier=shipment.carrier.lower(), tracking_number=shipment.tracking_number)
        except ShippingError as exc:
            logger.warning("tracking refresh for shipment %s failed: %s", shipment.pk, exc)
            Shipment.objects.filter(pk=shipment.pk).update(tracked_at=timezone.now())
            continue
        shipment_apply_tracking(shipment=shipment, tracking=tracking)
        refreshed += 1
    return refreshed
