"""Stock held for orders: the orders' side of ``commerce.inventory``.

Reserving asks inventory to allocate each line's quantity from the store's locations (row-locked,
conditional, all or nothing) and records on each reservation the location it came from; paying
turns the reservations into ``sold`` movements at those locations; a restock returns units to the
location they were sold from.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from commerce.core.exceptions import OutOfStock
from commerce.core.locking import locked
from commerce.inventory.services import (
    Allocation,
    InsufficientStock,
    default_location,
    stock_allocate,
    stock_deallocate,
    stock_return,
    stock_sell,
    stock_transfer,
)

from .models import Order, OrderEvent, StockReservation


def _reservation_ttl() -> timedelta:
    return timedelta(minutes=getattr(settings, "MAGPIE_RESERVATION_MINUTES", 15))


@transaction.atomic
def stock_reserve_for_order(*, order: Order) -> list[StockReservation]:
    """Reserve every line's quantity, all or nothing; raises ``OutOfStock`` naming the item."""
    wanted: dict[int, int] = {}
    for line in order.lines.all():
        if line.variant_id is None:
            raise OutOfStock(f"{line.product_title} is no longer sold.")
        wanted[line.variant_id] = wanted.get(line.variant_id, 0) + line.quantity
    already = set(
        StockReservation.objects.filter(order=order, status=StockReservation.Status.ACTIVE).values_list(
            "variant_id", flat=True
        )
    )
    wanted = {variant_id: qty for variant_id, qty in wanted.items() if variant_id not in already}
    if not wanted:
        return []
    try:
        allocations = stock_allocate(store_id=order.store_id, wanted=wanted)
    except InsufficientStock as exc:  # raised in this transaction, which is now to be rolled back
        raise OutOfStock(exc.message) from None
    expires_at = timezone.now() + _reservation_ttl()
    reservations = StockReservation.objects.bulk_create(
        [
            StockReservation(
                order=order,
                variant_id=a.variant_id,
                location_id=a.location_id,
                quantity=a.quantity,
                expires_at=expires_at,
            )
            for a in allocations
        ]
    )
    OrderEvent.objects.create(
        order=order,
        type=OrderEvent.Type.STOCK_RESERVED,
        message=f"Stock reserved until {expires_at:%H:%M} UTC.",
        data={
            "variants": {str(k): v for k, v in wanted.items()},
            "locations": [[a.variant_id, a.location_id, a.quantity] for a in allocations],
        },
    )
    return reservations


def _active(order: Order) -> list[StockReservation]:
    return list(
        locked(StockReservation.objects)
        .filter(order=order, status=StockReservation.Status.ACTIVE)
        .order_by("variant_id", "location_id")
    )


def _allocations(reservations: list[StockReservation]) -> list[Allocation]:
    return [Allocation(r.variant_id, r.location_id, r.quantity) for r in reservations]


@transaction.atomic
def stock_release_for_order(*, order: Order, reason: str) -> int:
    """Give reserved stock back; returns how many reservations were released."""
    reservations = _active(order)
    stock_deallocate(allocations=_allocations(reservations))
    StockReservation.objects.filter(pk__in=[r.pk for r in reservations]).update(status=StockReservation.Status.RELEASED)
    if reservations:
        OrderEvent.objects.create(order=order, type=OrderEvent.Type.STOCK_RELEASED, message=reason)
    return len(reservations)


@transaction.atomic
def stock_commit_sold(*, order: Order) -> int:
    """The order is paid: reserved stock leaves the shelf, a ``sold`` movement per location. Returns
    how many active reservations it converted (0: the order held nothing)."""
    reservations = _active(order)
    if not reservations:
        return 0
    stock_sell(allocations=_allocations(reservations), reference=f"order {order.number}")
    StockReservation.objects.filter(pk__in=[r.pk for r in reservations]).update(
        status=StockReservation.Status.CONVERTED
    )
    return len(reservations)


@transaction.atomic
def stock_restock(
    *, order: Order, variant_id: int, quantity: int, actor: Any = None, location_id: int | None = None
) -> None:
    """Units of a refunded or returned line back on the shelf: at ``location_id`` (a return goes back
    where it was shipped from), else where they were sold from, else the store's first location."""
    location_id = (
        location_id
        or (
            StockReservation.objects.filter(
                order=order, variant_id=variant_id, status=StockReservation.Status.CONVERTED
            )
            .order_by("-pk")
            .values_list("location_id", flat=True)
            .first()
        )
        or default_location(store_id=order.store_id).pk
    )
    stock_return(
        variant_id=variant_id,
        location_id=location_id,
        quantity=quantity,
        reference=f"order {order.number}",
        actor=actor,
    )


def stock_sold_at(*, order: Order) -> dict[int, dict[int, int]]:
    """Where the order's paid units left the shelf: variant id → {location id: quantity}."""
    sold: dict[int, dict[int, int]] = {}
    for variant_id, location_id, quantity in StockReservation.objects.filter(
        order=order, status=StockReservation.Status.CONVERTED
    ).values_list("variant_id", "location_id", "quantity"):
        sold.setdefault(variant_id, {})
        sold[variant_id][location_id] = sold[variant_id].get(location_id, 0) + quantity
    return sold


@transaction.atomic
def stock_ship_from(
    *,
    order: Order,
    location_id: int,
    units: dict[int, int],
    shipped: dict[int, dict[int, int]],
    reference: str,
    actor: Any = None,
) -> int:
    """Units (variant id → quantity) leave in a fulfilment from ``location_id``.

    Paid stock already left the shelf (a ``sold`` movement where it was reserved), so units shipped
    from the location they were sold at move nothing. Units sold at another location but shipped
    from this one move the sale: a transfer from here to there, so both shelves match what is on
    them. ``shipped`` is what earlier fulfilments took per variant and location. Returns the units
    transferred; raises ``StockChangeRefused`` when this location has too few."""
    sold = stock_sold_at(order=order)
    moved = 0
    for variant_id, quantity in sorted(units.items()):
        done = shipped.get(variant_id, {})
        left = {loc: q - done.get(loc, 0) for loc, q in sold.get(variant_id, {}).items()}
        rest = quantity - min(quantity, max(left.get(location_id, 0), 0))
        for other, available in sorted(left.items()):
            if rest <= 0:
                break
            if other == location_id or available <= 0:
                continue
            count = min(rest, available)
            stock_transfer(
                variant_id=variant_id,
                from_location_id=location_id,
                to_location_id=other,
                quantity=count,
                note=f"{reference}: sold at another location, shipped from here"[:255],
                actor=actor,
            )
            rest -= count
            moved += count
    return moved


def expired_reservation_order_ids(*, now: datetime | None = None) -> list[int]:
    """Orders holding stock past their reservation's expiry."""
    return list(
        StockReservation.objects.filter(status=StockReservation.Status.ACTIVE, expires_at__lte=now or timezone.now())
        .values_list("order_id", flat=True)
        .distinct()
    )
