"""The customer's emails about shipments and returns, each sent once (recorded on the timeline)."""

from __future__ import annotations

from django.db import transaction

from commerce.core.locking import locked

from .emails import send_order_email
from .links import order_guest_url
from .models import Fulfilment, Order, OrderEvent, ReturnRequest

RETURN_SUBJECTS = {
    ReturnRequest.Status.REQUESTED: "we have your return request",
    ReturnRequest.Status.APPROVED: "your return is approved",
    ReturnRequest.Status.REJECTED: "about your return request",
    ReturnRequest.Status.RECEIVED: "we received your return",
}


def _already_sent(order: Order, **data: object) -> bool:
    lookup = {f"data__{key}": value for key, value in data.items()}
    return order.events.filter(type=OrderEvent.Type.EMAIL_SENT, **lookup).exists()


def order_shipped_email_send(*, order_id: int, fulfilment_id: int) -> bool:
    """Tell the customer fulfilment ``fulfilment_id`` is on its way, with the tracking link; once."""
    with transaction.atomic():
        order = locked(Order.objects).select_related("store", "store__site").filter(pk=order_id).first()
        fulfilment = (
            Fulfilment.objects.filter(pk=fulfilment_id, order_id=order_id, status=Fulfilment.Status.SHIPPED)
            .prefetch_related("lines__order_line")
            .first()
        )
        if order is None or fulfilment is None or _already_sent(order, kind="shipped", fulfilment=fulfilment_id):
            return False
        context = {"order": order, "fulfilment": fulfilment, "order_url": order_guest_url(order)}
        send_order_email(order, kind="shipped", subject=f"order {order.number} is on its way", context=context)
        OrderEvent.objects.create(
            order=order,
            type=OrderEvent.Type.EMAIL_SENT,
            message=f"Shipping email sent to {order.email}.",
            data={"kind": "shipped", "fulfilment": fulfilment_id},
        )
    return True


def return_email_send(*, order_id: int, return_id: int, status: str) -> bool:
    """Tell the customer their return reached ``status``; once per return and status."""
    with transaction.atomic():
        order = locked(Order.objects).select_related("store", "store__site").filter(pk=order_id).first()
        return_request = (
            ReturnRequest.objects.filter(pk=return_id, order_id=order_id).prefetch_related("lines__order_line").first()
        )
        if order is None or return_request is None or status not in RETURN_SUBJECTS:
            return False
        if _already_sent(order, kind="return", return_request=return_id, status=status):
            return False
        context = {
            "order": order,
            "return_request": return_request,
            "status": status,
            "order_url": order_guest_url(order),
        }
        subject = f"order {order.number}: {RETURN_SUBJECTS[status]}"
        send_order_email(order, kind="return", subject=subject, context=context)
        OrderEvent.objects.create(
            order=order,
            type=OrderEvent.Type.EMAIL_SENT,
            message=f"Return email ({status}) sent to {order.email}.",
            data={"kind": "return", "return_request": return_id, "status": status},
        )
    return True
