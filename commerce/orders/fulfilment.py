"""Fulfilling orders: units of lines packed at a location, then marked shipped with tracking.

Everything happens under the order's row lock, so two members of staff fulfilling the same order
at once never ship more than was ordered: each line allows at most
``OrderLine.quantity_to_fulfil`` (ordered, less shipped, less refunded units that never came back).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone

from commerce.core.exceptions import CommerceError
from commerce.core.locking import locked
from commerce.inventory.models import StockLocation

from .audit import order_log_staff_action
from .models import Fulfilment, FulfilmentLine, Order, OrderEvent, OrderLine, OrderStatus, StockReservation
from .stock import stock_ship_from

# Orders whose goods may leave: paid, possibly already partly shipped or partly refunded.
FULFILLABLE = {OrderStatus.PAID, OrderStatus.PARTIALLY_FULFILLED, OrderStatus.PARTIALLY_REFUNDED}

# Tracking pages of the common carriers; another carrier needs the URL typed in.
TRACKING_URLS = {
    "usps": "https://tools.usps.com/go/TrackConfirmAction?tLabels={}",
    "ups": "https://www.ups.com/track?tracknum={}",
    "fedex": "https://www.fedex.com/fedextrack/?trknbr={}",
    "dhl": "https://www.dhl.com/en/express/tracking.html?AWB={}",
}


@dataclass(frozen=True)
class FulfilLine:
    order_line_id: int
    quantity: int


def tracking_url_for(*, carrier: str, tracking_number: str) -> str:
    """The carrier's tracking page for a number, or "" for a carrier we do not know."""
    template = TRACKING_URLS.get(carrier.strip().lower())
    return template.format(quote(tracking_number.strip())) if template and tracking_number.strip() else ""


def fulfilment_default_location(*, order: Order) -> StockLocation | None:
    """Where the order's stock was reserved (most units first): fulfilment ships from there by default."""
    row = (
        StockReservation.objects.filter(order=order, location__is_active=True)
        .exclude(status=StockReservation.Status.RELEASED)
        .values("location_id")
        .annotate(units=Sum("quantity"))
        .order_by("-units", "location_id")
        .first()
    )
    if row is not None:
        return StockLocation.objects.get(pk=row["location_id"])
    return StockLocation.objects.filter(store_id=order.store_id, is_active=True).order_by("-priority", "pk").first()


def _clean_tracking(carrier: str, tracking_number: str, tracking_url: str) -> tuple[str, str, str]:
    carrier, tracking_number, tracking_url = carrier.strip()[:60], tracking_number.strip()[:100], tracking_url.strip()
    if tracking_url:
        try:
            URLValidator(schemes=["http", "https"])(tracking_url)
        except ValidationError:
            raise CommerceError("Enter the tracking page's full address (https://…).", field="tracking_url") from None
    if tracking_number and not carrier:
        raise CommerceError("Name the carrier of this tracking number.", field="carrier")
    return carrier, tracking_number, tracking_url or tracking_url_for(carrier=carrier, tracking_number=tracking_number)


def _wanted(lines: Sequence[FulfilLine] | None, by_id: dict[int, OrderLine]) -> dict[int, int]:
    if lines is None:  # fulfil everything still to ship
        return {pk: line.quantity_to_fulfil for pk, line in by_id.items() if line.quantity_to_fulfil > 0}
    wanted: dict[int, int] = {}
    for request in lines:
        if request.order_line_id not in by_id:
            raise CommerceError("That line is not on this order.", field="lines")
        if request.quantity < 0:
            raise CommerceError("Quantities cannot be negative.", field="lines")
        if request.quantity:
            wanted[request.order_line_id] = wanted.get(request.order_line_id, 0) + request.quantity
    for pk, quantity in wanted.items():
        line = by_id[pk]
        if quantity > line.quantity_to_fulfil:
            raise CommerceError(f"At most {line.quantity_to_fulfil} of {line.sku} can be fulfilled.", field="lines")
    return wanted


def _shipped_so_far(order: Order) -> dict[int, dict[int, int]]:
    shipped: dict[int, dict[int, int]] = {}
    rows = (
        FulfilmentLine.objects.filter(fulfilment__order=order, order_line__variant__isnull=False)
        .values_list("order_line__variant_id", "fulfilment__location_id")
        .annotate(units=Sum("quantity"))
    )
    for variant_id, location_id, units in rows:
        shipped.setdefault(variant_id, {})[location_id] = units
    return shipped


@transaction.atomic
def order_fulfil(
    *,
    order: Order,
    lines: Sequence[FulfilLine] | None = None,
    location_id: int | None = None,
    carrier: str = "",
    tracking_number: str = "",
    tracking_url: str = "",
    ship_now: bool = False,
    actor: Any = None,
) -> Fulfilment:
    """Create a fulfilment of ``lines`` (None: everything still to ship) from ``location_id`` (None:
    where the stock was reserved). With ``ship_now`` it is marked shipped at once and the customer
    is emailed. The order becomes partially fulfilled or fulfilled."""
    order = locked(Order.objects.select_related("store")).get(pk=order.pk)
    if not order.is_paid or order.status not in FULFILLABLE:
        raise CommerceError(
            "Only a paid order with something left to ship can be fulfilled "
            f"(this one is {order.get_status_display().lower()}).",
            field="lines",
        )
    by_id = {line.pk: line for line in locked(OrderLine.objects).filter(order=order).order_by("pk")}
    wanted = _wanted(lines, by_id)
    if not wanted:
        raise CommerceError("Choose at least one unit to fulfil.", field="lines")
    location = (
        StockLocation.objects.filter(pk=location_id, store_id=order.store_id, is_active=True).first()
        if location_id is not None
        else fulfilment_default_location(order=order)
    )
    if location is None:
        raise CommerceError("Choose an active location of this order's store.", field="location")
    carrier, tracking_number, tracking_url = _clean_tracking(carrier, tracking_number, tracking_url)
    sequence = (order.fulfilments.aggregate(last=Max("sequence"))["last"] or 0) + 1
    units: dict[int, int] = {}
    for pk, quantity in wanted.items():
        if by_id[pk].variant_id:
            units[by_id[pk].variant_id] = units.get(by_id[pk].variant_id, 0) + quantity
    stock_ship_from(
        order=order,
        location_id=location.pk,
        units=units,
        shipped=_shipped_so_far(order),
        reference=f"order {order.number} fulfilment #{sequence}",
        actor=actor,
    )
    fulfilment = Fulfilment.objects.create(
        order=order,
        sequence=sequence,
        location=location,
        carrier=carrier,
        tracking_number=tracking_number,
        tracking_url=tracking_url,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    FulfilmentLine.objects.bulk_create(
        FulfilmentLine(fulfilment=fulfilment, order_line_id=pk, quantity=quantity) for pk, quantity in wanted.items()
    )
    for pk, quantity in wanted.items():
        by_id[pk].quantity_fulfilled += quantity
    OrderLine.objects.bulk_update([by_id[pk] for pk in wanted], ["quantity_fulfilled"])
    complete = all(line.quantity_to_fulfil == 0 for line in by_id.values())
    order.status = OrderStatus.FULFILLED if complete else OrderStatus.PARTIALLY_FULFILLED
    order.save(update_fields=["status", "updated_at"])
    summary = ", ".join(f"{quantity} × {by_id[pk].sku}" for pk, quantity in wanted.items())
    order_log_staff_action(
        order=order,
        action="magpie.order.fulfil",
        type=OrderEvent.Type.FULFILLED,
        message=f"Fulfilment #{sequence} from {location.name}: {summary}.",
        actor=actor,
        data={"fulfilment": fulfilment.pk},
    )
    if ship_now:
        fulfilment = fulfilment_mark_shipped(
            fulfilment=fulfilment,
            carrier=carrier,
            tracking_number=tracking_number,
            tracking_url=tracking_url,
            actor=actor,
        )
    return fulfilment


@transaction.atomic
def fulfilment_mark_shipped(
    *, fulfilment: Fulfilment, carrier: str, tracking_number: str, tracking_url: str = "", actor: Any = None
) -> Fulfilment:
    """The parcel left: carrier and tracking recorded, the customer emailed once (after commit)."""
    locked(Order.objects).get(pk=fulfilment.order_id)  # one writer per order
    fulfilment = Fulfilment.objects.select_related("order").get(pk=fulfilment.pk)
    if fulfilment.status != Fulfilment.Status.PENDING:
        raise CommerceError(f"Fulfilment #{fulfilment.sequence} is already marked shipped.", field="tracking_number")
    carrier, tracking_number, tracking_url = _clean_tracking(carrier, tracking_number, tracking_url)
    fulfilment.carrier, fulfilment.tracking_number, fulfilment.tracking_url = carrier, tracking_number, tracking_url
    fulfilment.status = Fulfilment.Status.SHIPPED
    fulfilment.shipped_at = timezone.now()
    fulfilment.save()
    tracking = f" with {carrier} {tracking_number}" if tracking_number else (f" with {carrier}" if carrier else "")
    order_log_staff_action(
        order=fulfilment.order,
        action="magpie.order.ship",
        type=OrderEvent.Type.SHIPPED,
        message=f"Fulfilment #{fulfilment.sequence} shipped{tracking}.",
        actor=actor,
        data={"fulfilment": fulfilment.pk, "carrier": carrier, "tracking_number": tracking_number},
    )
    from .tasks import send_shipped_email

    order_id, fulfilment_id = fulfilment.order_id, fulfilment.pk
    transaction.on_commit(lambda: send_shipped_email.enqueue(order_id, fulfilment_id))
    return fulfilment
