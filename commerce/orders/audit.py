"""What staff did to an order: one timeline entry and one Wagtail audit-log entry, together.

The timeline (``OrderEvent``) is what the order page shows; Wagtail's log is the site-wide
history (Reports → Site history) that names the staff member. Every back-office action on an
order writes both through ``order_log_staff_action``.
"""

from __future__ import annotations

from typing import Any

from wagtail.log_actions import log

from commerce.core.exceptions import CommerceError

from .models import Order, OrderEvent

# action → (label in the site history, message); registered by ``wagtail_hooks``.
STAFF_ACTIONS: dict[str, tuple[str, str]] = {
    "magpie.order.refund": ("Refund order", "Refunded"),
    "magpie.order.cancel": ("Cancel order", "Cancelled"),
    "magpie.order.note": ("Add internal note", "Internal note added"),
    "magpie.order.fulfil": ("Fulfil order", "Fulfilment created"),
    "magpie.order.ship": ("Mark shipped", "Marked shipped"),
    "magpie.order.return_create": ("Create return", "Return created"),
    "magpie.order.return_approve": ("Approve return", "Return approved"),
    "magpie.order.return_reject": ("Reject return", "Return rejected"),
    "magpie.order.return_receive": ("Receive return", "Return received"),
    "magpie.order.return_refund": ("Refund return", "Return refunded"),
}


def order_log_staff_action(
    *, order: Order, action: str, type: str | None, message: str, actor: Any, data: dict | None = None
) -> OrderEvent | None:
    """``type=None``: the service already put the step on the timeline (e.g. ``refunded``); only
    the audit entry is written."""
    if action not in STAFF_ACTIONS:
        raise ValueError(f"Unknown order action {action!r}")
    user = actor if getattr(actor, "is_authenticated", False) else None
    event = None
    if type is not None:
        event = OrderEvent.objects.create(order=order, type=type, message=message[:500], data=data or {}, actor=user)
    log(instance=order, action=action, user=user, data={"order": order.number, "message": message, **(data or {})})
    return event


def order_add_staff_note(*, order: Order, text: str, actor: Any) -> OrderEvent:
    """An internal note: staff only (the customer's order page never shows the timeline)."""
    text = text.strip()
    if not text:
        raise CommerceError("Write the note first.", field="note")
    return order_log_staff_action(
        order=order, action="magpie.order.note", type=OrderEvent.Type.STAFF_NOTE, message=text, actor=actor
    )
