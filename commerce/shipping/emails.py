"""The customer's tracking emails (delivered, a delivery problem), each sent once per shipment.
The "shipped, with tracking link" email is the fulfilment's (``orders.fulfilment_emails``), sent
when a bought label marks the fulfilment shipped: one path, never two emails."""

from __future__ import annotations

from django.db import transaction

from commerce.core.locking import locked
from commerce.orders.emails import send_order_email
from commerce.orders.links import order_guest_url
from commerce.orders.models import Order, OrderEvent

from .models import Shipment

SUBJECTS = {
    "delivered": "order {number} was delivered",
    "exception": "a problem delivering order {number}",
    "return_label": "your return label for order {number}",
}


def shipment_email_send(*, shipment_id: int, kind: str) -> bool:
    with transaction.atomic():
        shipment = Shipment.objects.filter(pk=shipment_id).first()
        if shipment is None or kind not in SUBJECTS:
            return False
        order = locked(Order.objects).select_related("store", "store__site").get(pk=shipment.order_id)
        sent = order.events.filter(type=OrderEvent.Type.EMAIL_SENT, data__kind=kind, data__shipment=shipment_id)
        if sent.exists():
            return False
        context = {"order": order, "shipment": shipment, "order_url": order_guest_url(order)}
        send_order_email(
            order, kind=f"shipment_{kind}", subject=SUBJECTS[kind].format(number=order.number), context=context
        )
        OrderEvent.objects.create(
            order=order,
            type=OrderEvent.Type.EMAIL_SENT,
            message=f"{kind.capitalize()} email sent to {order.email}.",
            data={"kind": kind, "shipment": shipment_id},
        )
    return True
