"""Returns (RMA): requested by the customer or created by staff, approved or rejected, received
(units back on the shelf where staff choose), then refunded — the refund step lives in
``commerce.checkout.return_actions``, above payments, and goes through the one refund path.

Every step runs under the order's row lock, writes the timeline (and, for staff, Wagtail's audit
log) and emails the customer after commit, once per return and status."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F, Max, Sum

from commerce.core.exceptions import CommerceError
from commerce.core.locking import locked

from .audit import order_log_staff_action
from .models import (
    FulfilmentLine,
    Order,
    OrderEvent,
    OrderLine,
    OrderStatus,
    ReturnLine,
    ReturnReason,
    ReturnRequest,
)
from .services import order_add_event
from .stock import stock_restock


@dataclass(frozen=True)
class ReturnLineRequest:
    order_line_id: int
    quantity: int
    reason: str


def returnable_quantities(*, order: Order) -> dict[int, int]:
    """Per order line, the shipped units not already in a return (rejected returns do not count)."""
    claimed = dict(
        ReturnLine.objects.filter(return_request__order=order)
        .exclude(return_request__status=ReturnRequest.Status.REJECTED)
        .values("order_line_id")
        .annotate(units=Sum("quantity"))
        .values_list("order_line_id", "units")
    )
    return {
        line.pk: max(line.quantity_fulfilled - claimed.get(line.pk, 0), 0)
        for line in order.lines.all()
        if line.quantity_fulfilled
    }


def _email_later(return_request: ReturnRequest, status: str) -> None:
    from .tasks import send_return_email

    order_id, return_id = return_request.order_id, return_request.pk
    transaction.on_commit(lambda: send_return_email.enqueue(order_id, return_id, status))


def _record(
    return_request: ReturnRequest, *, action: str, type: str, message: str, actor: Any, by_staff: bool = True
) -> None:
    data = {"return_request": return_request.pk}
    if by_staff:
        order_log_staff_action(
            order=return_request.order, action=action, type=type, message=message, actor=actor, data=data
        )
    else:
        order_add_event(order=return_request.order, type=type, message=message, data=data, actor=actor)


@transaction.atomic
def return_request_create(
    *, order: Order, lines: Sequence[ReturnLineRequest], note: str = "", actor: Any, by_staff: bool
) -> ReturnRequest:
    """A return of shipped units. The customer's starts *requested*; one staff create starts
    *approved* (staff are the ones who approve). At most the shipped units not already returned."""
    order = locked(Order.objects.select_related("store")).get(pk=order.pk)
    if order.status == OrderStatus.CANCELLED or not order.is_paid:
        raise CommerceError("Only items of a paid, shipped order can be returned.", field="lines")
    returnable = returnable_quantities(order=order)
    wanted: dict[int, ReturnLineRequest] = {}
    for request in lines:
        if request.quantity < 0:
            raise CommerceError("Quantities cannot be negative.", field="lines")
        if request.quantity == 0:
            continue
        if request.order_line_id in wanted:
            raise CommerceError("List each item once.", field="lines")
        if request.order_line_id not in returnable:
            raise CommerceError("Only shipped items of this order can be returned.", field="lines")
        if request.quantity > returnable[request.order_line_id]:
            raise CommerceError(
                f"At most {returnable[request.order_line_id]} of that item can be returned.", field="lines"
            )
        if request.reason not in ReturnReason.values:
            raise CommerceError("Choose a reason for each item.", field="reason")
        wanted[request.order_line_id] = request
    if not wanted:
        raise CommerceError("Choose at least one item to return.", field="lines")
    status = ReturnRequest.Status.APPROVED if by_staff else ReturnRequest.Status.REQUESTED
    return_request = ReturnRequest.objects.create(
        order=order,
        sequence=(order.returns.aggregate(last=Max("sequence"))["last"] or 0) + 1,
        status=status,
        note=note.strip()[:500],
        requested_by=actor if getattr(actor, "is_authenticated", False) else None,
        created_by_staff=by_staff,
    )
    ReturnLine.objects.bulk_create(
        ReturnLine(return_request=return_request, order_line_id=r.order_line_id, quantity=r.quantity, reason=r.reason)
        for r in wanted.values()
    )
    units = sum(r.quantity for r in wanted.values())
    who = "staff" if by_staff else "the customer"
    _record(
        return_request,
        action="magpie.order.return_create",
        type=OrderEvent.Type.RETURN_REQUESTED if not by_staff else OrderEvent.Type.RETURN_APPROVED,
        message=f"Return {return_request.label} of {units} unit{'s' if units != 1 else ''} "
        f"{'created and approved by staff' if by_staff else 'requested by ' + who}.",
        actor=actor,
        by_staff=by_staff,
    )
    _email_later(return_request, status)
    return return_request


def _locked_return(return_request: ReturnRequest, allowed: Sequence[str], doing: str) -> ReturnRequest:
    locked(Order.objects).get(pk=return_request.order_id)  # one writer per order
    return_request = ReturnRequest.objects.select_related("order", "order__store").get(pk=return_request.pk)
    if return_request.status not in allowed:
        raise CommerceError(
            f"Return {return_request.label} is {return_request.get_status_display().lower()}: it cannot be {doing}.",
            field="action",
        )
    return return_request


@transaction.atomic
def return_approve(*, return_request: ReturnRequest, actor: Any) -> ReturnRequest:
    return_request = _locked_return(return_request, [ReturnRequest.Status.REQUESTED], "approved")
    return_request.status = ReturnRequest.Status.APPROVED
    return_request.save(update_fields=["status", "updated_at"])
    _record(
        return_request,
        action="magpie.order.return_approve",
        type=OrderEvent.Type.RETURN_APPROVED,
        message=f"Return {return_request.label} approved.",
        actor=actor,
    )
    _email_later(return_request, ReturnRequest.Status.APPROVED)
    return return_request


@transaction.atomic
def return_reject(*, return_request: ReturnRequest, reason: str, actor: Any) -> ReturnRequest:
    reason = reason.strip()
    if not reason:
        raise CommerceError("Say why, for the customer.", field="reason")
    return_request = _locked_return(
        return_request, [ReturnRequest.Status.REQUESTED, ReturnRequest.Status.APPROVED], "rejected"
    )
    return_request.status = ReturnRequest.Status.REJECTED
    return_request.staff_reason = reason[:300]
    return_request.save(update_fields=["status", "staff_reason", "updated_at"])
    _record(
        return_request,
        action="magpie.order.return_reject",
        type=OrderEvent.Type.RETURN_REJECTED,
        message=f"Return {return_request.label} rejected: {return_request.staff_reason}",
        actor=actor,
    )
    _email_later(return_request, ReturnRequest.Status.REJECTED)
    return return_request


def _shipped_from(order_line_id: int) -> int | None:
    return (
        FulfilmentLine.objects.filter(order_line_id=order_line_id)
        .order_by("-pk")
        .values_list("fulfilment__location_id", flat=True)
        .first()
    )


@transaction.atomic
def return_receive(*, return_request: ReturnRequest, restock: dict[int, int], actor: Any) -> ReturnRequest:
    """The goods are back. ``restock`` maps return line ids to the units put back in stock (a
    ``returned`` movement at the location they were shipped from); the rest are written off."""
    return_request = _locked_return(return_request, [ReturnRequest.Status.APPROVED], "received")
    order = return_request.order
    lines = list(return_request.lines.select_related("order_line").order_by("pk"))
    unknown = set(restock) - {line.pk for line in lines}
    if unknown:
        raise CommerceError("That line is not in this return.", field="restock")
    for line in lines:
        units = restock.get(line.pk, 0)
        if units < 0 or units > line.quantity:
            raise CommerceError(f"Restock between 0 and {line.quantity} of {line.order_line.sku}.", field="restock")
        OrderLine.objects.filter(pk=line.order_line_id).update(quantity_returned=F("quantity_returned") + line.quantity)
        if units:
            if line.order_line.variant_id:
                stock_restock(
                    order=order,
                    variant_id=line.order_line.variant_id,
                    quantity=units,
                    actor=actor,
                    location_id=_shipped_from(line.order_line_id),
                )
            ReturnLine.objects.filter(pk=line.pk).update(restocked=units)
            order_add_event(
                order=order,
                type=OrderEvent.Type.RESTOCKED,
                message=f"Restocked {units} × {line.order_line.sku} from return {return_request.label}.",
                actor=actor,
            )
    return_request.status = ReturnRequest.Status.RECEIVED
    return_request.save(update_fields=["status", "updated_at"])
    restocked = sum(restock.values())
    _record(
        return_request,
        action="magpie.order.return_receive",
        type=OrderEvent.Type.RETURN_RECEIVED,
        message=f"Return {return_request.label} received; {restocked} unit{'s' if restocked != 1 else ''} restocked.",
        actor=actor,
    )
    _email_later(return_request, ReturnRequest.Status.RECEIVED)
    return return_request


@transaction.atomic
def return_mark_refunded(*, return_request: ReturnRequest, refund_key: str, message: str, actor: Any) -> ReturnRequest:
    """Close a received return once its refund went through (called by the refund step, once)."""
    return_request = _locked_return(
        return_request, [ReturnRequest.Status.RECEIVED, ReturnRequest.Status.REFUNDED], "refunded"
    )
    if return_request.status == ReturnRequest.Status.REFUNDED:
        return return_request
    return_request.status = ReturnRequest.Status.REFUNDED
    return_request.refund_key = refund_key[:40]
    return_request.save(update_fields=["status", "refund_key", "updated_at"])
    _record(
        return_request,
        action="magpie.order.return_refund",
        type=OrderEvent.Type.RETURN_REFUNDED,
        message=message,
        actor=actor,
    )
    return return_request
