"""The order's delivery status, rolled up from its outbound shipments."""

from __future__ import annotations

from commerce.orders.models import DeliveryStatus, Order

from .models import Shipment, ShipmentStatus

_ORDER = [  # the furthest a parcel can be behind; the order shows its least advanced parcel
    ShipmentStatus.LABEL_CREATED,
    ShipmentStatus.IN_TRANSIT,
    ShipmentStatus.OUT_FOR_DELIVERY,
    ShipmentStatus.DELIVERED,
]


def order_delivery_status_refresh(*, order_id: int) -> str:
    """A problem with any parcel shows first (failure, then returned); otherwise the least advanced
    parcel; "" when nothing has a label."""
    statuses = set(
        Shipment.objects.filter(order_id=order_id, kind=Shipment.Kind.OUTBOUND)
        .exclude(status__in=[ShipmentStatus.VOIDED, ShipmentStatus.LABEL_FAILED, ShipmentStatus.PURCHASING])
        .values_list("status", flat=True)
    )
    if ShipmentStatus.FAILURE in statuses:
        status = DeliveryStatus.FAILURE
    elif ShipmentStatus.RETURNED in statuses:
        status = DeliveryStatus.RETURNED
    elif statuses:
        status = DeliveryStatus(next(s for s in _ORDER if s in statuses).value)
    else:
        status = DeliveryStatus.NONE
    Order.objects.filter(pk=order_id).exclude(delivery_status=status).update(delivery_status=status)
    return status
