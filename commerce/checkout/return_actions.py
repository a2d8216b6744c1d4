"""The refund step of a return: the received units' value goes back through the one refund path
(``order_actions.order_staff_refund``: Stripe with an idempotency key, or store credit; the
refund limit, the refund email, the ``order_refunded`` signal), then the return is closed.

The request key is the return's own (``return-<id>``), so refunding the same return twice — a
double click, a retry, two members of staff at once — refunds once."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from commerce.core.exceptions import CommerceError
from commerce.orders.models import Order, ReturnRequest
from commerce.orders.returns import return_mark_refunded
from commerce.payments.refunds import RefundLineRequest, line_refund_value

from .order_actions import TO_CARD, TO_GIFT_CARD, order_staff_refund


def return_refund(*, return_request: ReturnRequest, to: str, actor: Any) -> ReturnRequest:
    """Refund a received return's units to the card (by line) or as store credit (their value).
    Units were restocked when received, so the refund restocks nothing."""
    return_request = ReturnRequest.objects.select_related("order", "order__store").get(pk=return_request.pk)
    if return_request.status == ReturnRequest.Status.REFUNDED:
        return return_request  # refunded already (the same request again)
    if return_request.status != ReturnRequest.Status.RECEIVED:
        raise CommerceError(
            f"Return {return_request.label} is {return_request.get_status_display().lower()}: "
            "receive the goods before refunding.",
            field="action",
        )
    key = f"return-{return_request.pk}"
    lines = list(return_request.lines.select_related("order_line"))
    order: Order = return_request.order
    if to == TO_CARD:
        order_staff_refund(
            order=order,
            to=TO_CARD,
            amount=None,
            lines=[RefundLineRequest(line.order_line_id, line.quantity, restock=False) for line in lines],
            reason=f"Return {return_request.label}",
            actor=actor,
            request_key=key,
        )
    elif to == TO_GIFT_CARD:
        value = sum((line_refund_value(line.order_line, line.quantity) for line in lines), Decimal(0))
        order_staff_refund(
            order=order,
            to=TO_GIFT_CARD,
            amount=order.money(value),
            lines=[],
            reason=f"Return {return_request.label}",
            actor=actor,
            request_key=key,
        )
    else:
        raise CommerceError("Choose the card or a gift card.", field="to")
    where = "the card" if to == TO_CARD else "a gift card"
    return return_mark_refunded(
        return_request=return_request,
        refund_key=key,
        message=f"Return {return_request.label} refunded to {where}.",
        actor=actor,
    )
