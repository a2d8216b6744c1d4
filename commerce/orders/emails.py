"""Order emails, rendered from templates (HTML and text) and sent once."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string

from commerce.core.locking import locked

from .links import order_guest_url
from .models import Order, OrderEvent


def send_order_email(order: Order, *, kind: str, subject: str, context: dict) -> None:
    message = EmailMultiAlternatives(
        subject=f"{order.store.name}: {subject}",
        body=render_to_string(f"orders/email/{kind}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[order.email],
        reply_to=[order.store.contact_email] if order.store.contact_email else None,
    )
    message.attach_alternative(render_to_string(f"orders/email/{kind}.html", context), "text/html")
    message.send()


def order_refund_email_send(*, order_id: int, event_id: int) -> bool:
    """Tell the customer about one refund (the ``refunded`` timeline entry ``event_id``), once."""
    with transaction.atomic():
        order = locked(Order.objects).select_related("store", "store__site").filter(pk=order_id).first()
        event = OrderEvent.objects.filter(pk=event_id, order_id=order_id, type=OrderEvent.Type.REFUNDED).first()
        if order is None or event is None:
            return False
        if order.events.filter(type=OrderEvent.Type.EMAIL_SENT, data__kind="refund", data__event=event_id).exists():
            return False
        context = {"order": order, "message": event.message, "order_url": order_guest_url(order)}
        send_order_email(order, kind="refund", subject=f"refund on order {order.number}", context=context)
        OrderEvent.objects.create(
            order=order,
            type=OrderEvent.Type.EMAIL_SENT,
            message=f"Refund email sent to {order.email}.",
            data={"kind": "refund", "event": event_id},
        )
    return True


def order_confirmation_send(*, order_id: int) -> bool:
    """Send the confirmation unless it was sent already; returns whether it was sent now."""
    with transaction.atomic():
        order = locked(Order.objects).select_related("store", "store__site").filter(pk=order_id).first()
        if order is None or not order.is_paid:
            return False
        if order.events.filter(type=OrderEvent.Type.EMAIL_SENT, data__kind="confirmation").exists():
            return False
        context = {"order": order, "lines": list(order.lines.all()), "order_url": order_guest_url(order)}
        subject = f"{order.store.name}: order {order.number} confirmed"
        message = EmailMultiAlternatives(
            subject=subject,
            body=render_to_string("orders/email/confirmation.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[order.email],
            reply_to=[order.store.contact_email] if order.store.contact_email else None,
        )
        message.attach_alternative(render_to_string("orders/email/confirmation.html", context), "text/html")
        message.send()
        OrderEvent.objects.create(
            order=order,
            type=OrderEvent.Type.EMAIL_SENT,
            message=f"Confirmation sent to {order.email}.",
            data={"kind": "confirmation"},
        )
    return True
