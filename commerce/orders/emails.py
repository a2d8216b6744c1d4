"""Order emails, rendered from templates (HTML and text) and sent once."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string

from commerce.core.locking import locked

from .links import order_guest_url
from .models import Order, OrderEvent


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
