"""Stock held for orders. Variant rows are locked in primary-key order, so two checkouts that
want the same variants never deadlock, and every change is a conditional update backed by the
CHECK constraints on ``catalog_productvariant`` (stock never negative, reserved never above
on hand)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, IntegerField, Value, When
from django.utils import timezone

from commerce.catalog.models import ProductVariant
from commerce.core.exceptions import OutOfStock
from commerce.core.locking import locked

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
    variants = list(locked(ProductVariant.objects).select_related("product").filter(pk__in=wanted).order_by("pk"))
    for variant in variants:
        if variant.available_quantity < wanted[variant.pk] or not variant.is_active:
            left = max(variant.available_quantity, 0) if variant.is_active else 0
            raise OutOfStock(
                f"Only {left} of {variant.product.title} ({variant.label}) left."
                if left
                else f"{variant.product.title} ({variant.label}) is sold out."
            )
    expires_at = timezone.now() + _reservation_ttl()
    # One statement for every line; the WHERE re-checks availability under the row locks.
    updated = (
        ProductVariant.objects.filter(pk__in=wanted)
        .filter(stock_on_hand__gte=F("stock_reserved") + _per_variant(wanted))
        .update(stock_reserved=F("stock_reserved") + _per_variant(wanted))
    )
    if updated != len(wanted):  # cannot happen under the row locks; kept as a guard
        raise OutOfStock("An item in your cart just sold out.")
    reservations = [
        StockReservation(order=order, variant=variant, quantity=wanted[variant.pk], expires_at=expires_at)
        for variant in variants
    ]
    StockReservation.objects.bulk_create(reservations)
    OrderEvent.objects.create(
        order=order,
        type=OrderEvent.Type.STOCK_RESERVED,
        message=f"Stock reserved until {expires_at:%H:%M} UTC.",
        data={"variants": {str(k): v for k, v in wanted.items()}},
    )
    return reservations


def _per_variant(quantities: dict[int, int]) -> Case:
    """A SQL expression worth each variant's quantity, so one UPDATE serves many variants."""
    return Case(
        *(When(pk=variant_id, then=Value(quantity)) for variant_id, quantity in quantities.items()),
        default=Value(0),
        output_field=IntegerField(),
    )


def _active(order: Order) -> list[StockReservation]:
    return list(
        locked(StockReservation.objects)
        .filter(order=order, status=StockReservation.Status.ACTIVE)
        .order_by("variant_id")
    )


@transaction.atomic
def stock_release_for_order(*, order: Order, reason: str) -> int:
    """Give reserved stock back; returns how many reservations were released."""
    reservations = _active(order)
    held = {r.variant_id: r.quantity for r in reservations}
    if held:
        ProductVariant.objects.filter(pk__in=held).update(stock_reserved=F("stock_reserved") - _per_variant(held))
    StockReservation.objects.filter(pk__in=[r.pk for r in reservations]).update(status=StockReservation.Status.RELEASED)
    if reservations:
        OrderEvent.objects.create(order=order, type=OrderEvent.Type.STOCK_RELEASED, message=reason)
    return len(reservations)


@transaction.atomic
def stock_convert_for_order(*, order: Order) -> int:
    """The order is paid: reserved stock leaves the shelf."""
    reservations = _active(order)
    held = {r.variant_id: r.quantity for r in reservations}
    if held:
        ProductVariant.objects.filter(pk__in=held).update(
            stock_on_hand=F("stock_on_hand") - _per_variant(held),
            stock_reserved=F("stock_reserved") - _per_variant(held),
        )
    StockReservation.objects.filter(pk__in=[r.pk for r in reservations]).update(
        status=StockReservation.Status.CONVERTED
    )
    return len(reservations)


@transaction.atomic
def stock_restock(*, variant_id: int, quantity: int) -> None:
    ProductVariant.objects.filter(pk=variant_id).update(stock_on_hand=F("stock_on_hand") + quantity)


def expired_reservation_order_ids(*, now: datetime | None = None) -> list[int]:
    """Orders holding stock past their reservation's expiry."""
    return list(
        StockReservation.objects.filter(status=StockReservation.Status.ACTIVE, expires_at__lte=now or timezone.now())
        .values_list("order_id", flat=True)
        .distinct()
    )
