"""Writes to stock. Every change of on hand is a movement row written in the same transaction as
the level, under a row lock, so on hand always equals the sum of the level's movements.

Levels are locked in primary-key order (two transactions wanting the same levels never deadlock),
and the CHECK constraints on ``inventory_stocklevel`` keep on hand and reserved at or above zero
and reserved within on hand. Adjustments are deltas applied to the figure found under the lock,
never an absolute number copied from an old form; a count records the difference.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Case, F, IntegerField, OuterRef, Q, Subquery, Value, When

from commerce.catalog.models import ProductVariant
from commerce.core.exceptions import CommerceError
from commerce.core.locking import locked

from .alerts import low_stock_record_opening, low_stock_refresh
from .models import AdjustmentReason, InventorySettings, MovementKind, StockLevel, StockLocation, StockMovement


class InsufficientStock(CommerceError):
    """Not enough stock to reserve ``wanted`` of a variant; ``available`` is the most that could be."""

    def __init__(self, message: str, *, variant_id: int, wanted: int, available: int) -> None:
        super().__init__(message, field="quantity", code="out_of_stock")
        self.variant_id = variant_id
        self.wanted = wanted
        self.available = available


def _insufficient(variant_id: int, wanted: int, available: int) -> InsufficientStock:
    """The refusal, naming the product and variant for the shopper (read before the transaction aborts)."""
    variant = ProductVariant.objects.select_related("product").filter(pk=variant_id).first()
    name = f"{variant.product.title} ({variant.label})" if variant else "This item"
    message = f"Only {available} of {name} left." if available else f"{name} is sold out."
    return InsufficientStock(message, variant_id=variant_id, wanted=wanted, available=available)


class StockChangeRefused(CommerceError):
    """An adjustment, count or transfer that would break a rule (negative stock, below reserved)."""


@dataclass(frozen=True)
class Allocation:
    """Stock of one variant held at (or taken from) one location."""

    variant_id: int
    location_id: int
    quantity: int


@dataclass(frozen=True)
class StockChange:
    """One requested change of a level: a signed ``delta``, or a counted figure (``count``)."""

    variant_id: int
    location_id: int
    delta: int = 0
    count: int | None = None


# --- Reservations ---------------------------------------------------------------------------------


def _split_allowed_sql() -> Subquery:
    """Whether the level's store allows splitting a line across locations (a subquery, no extra round trip)."""
    return Subquery(
        InventorySettings.objects.filter(site_id=OuterRef("location__store__site_id")).values("split_reservations")[:1]
    )


@transaction.atomic(savepoint=False)
def stock_allocate(*, store_id: int, wanted: dict[int, int]) -> list[Allocation]:
    """Reserve ``wanted`` (variant id → quantity) from the store's active locations, all or nothing.

    Per variant: the highest-priority location that has enough; failing that, when the store allows
    splitting (``InventorySettings``, default yes), the locations in priority order. Raises
    ``InsufficientStock`` for the first variant that cannot be served (an inactive variant has none).
    Runs in its caller's transaction without a savepoint: a refusal fails the whole reservation.
    """
    if not wanted:
        return []
    levels = list(
        locked(StockLevel.objects)
        .filter(variant_id__in=wanted, variant__is_active=True, location__store_id=store_id, location__is_active=True)
        .select_related("location")
        .annotate(split_allowed=_split_allowed_sql())
        .order_by("pk")
    )
    split = next((lv.split_allowed for lv in levels if lv.split_allowed is not None), True)
    allocations: list[Allocation] = []
    for variant_id in sorted(wanted):
        allocations += _plan(
            variant_id, wanted[variant_id], [lv for lv in levels if lv.variant_id == variant_id], split
        )
    # One statement for every level; the WHERE re-checks availability under the row locks.
    amounts = {(a.variant_id, a.location_id): a.quantity for a in allocations}
    updated = (
        StockLevel.objects.filter(_pairs(amounts))
        .filter(on_hand__gte=F("reserved") + _per_pair(amounts))
        .update(reserved=F("reserved") + _per_pair(amounts))
    )
    if updated != len(amounts):  # cannot happen under the row locks; kept as a guard
        raise _insufficient(allocations[0].variant_id, allocations[0].quantity, 0)
    low_stock_refresh(variant_ids=wanted.keys(), may_have_risen=False)
    return allocations


def _plan(variant_id: int, quantity: int, levels: list[StockLevel], split: bool) -> list[Allocation]:
    ranked = sorted(levels, key=lambda lv: (-lv.location.priority, lv.location_id))
    for level in ranked:
        if level.available >= quantity:
            return [Allocation(variant_id, level.location_id, quantity)]
    if not split:
        raise _insufficient(variant_id, quantity, max((lv.available for lv in ranked), default=0))
    total = sum(lv.available for lv in ranked)
    if total < quantity:
        raise _insufficient(variant_id, quantity, total)
    plan, left = [], quantity
    for level in ranked:
        take = min(level.available, left)
        if take:
            plan.append(Allocation(variant_id, level.location_id, take))
            left -= take
        if not left:
            break
    return plan


@transaction.atomic
def stock_deallocate(*, allocations: Sequence[Allocation]) -> None:
    """Give reserved stock back (an unpaid order expired, failed or changed)."""
    amounts = _merge(allocations)
    if not amounts:
        return
    _lock_in_order(amounts)
    StockLevel.objects.filter(_pairs(amounts)).update(reserved=F("reserved") - _per_pair(amounts))
    low_stock_refresh(variant_ids={variant_id for variant_id, _ in amounts})


@transaction.atomic
def stock_sell(*, allocations: Sequence[Allocation], reference: str) -> list[StockMovement]:
    """Reserved stock leaves the shelf: on hand and reserved drop together, one ``sold`` movement per level."""
    amounts = _merge(allocations)
    if not amounts:
        return []
    levels = list(locked(StockLevel.objects).filter(_pairs(amounts)).order_by("pk"))
    movements = []
    for level in levels:
        quantity = amounts[(level.variant_id, level.location_id)]
        level.on_hand -= quantity
        level.reserved -= quantity
        movements.append(_movement(level, MovementKind.SOLD, -quantity, reference=reference))
    StockLevel.objects.bulk_update(levels, ["on_hand", "reserved"])
    return StockMovement.objects.bulk_create(movements)


# --- Changes of on hand ---------------------------------------------------------------------------


@transaction.atomic
def stock_change(
    *,
    changes: Sequence[StockChange],
    kind: str = MovementKind.ADJUSTMENT,
    reason: str = "",
    note: str = "",
    reference: str = "",
    actor: Any = None,
) -> list[StockMovement]:
    """Apply adjustments or counts to the current figures, all or nothing; returns the movements written.

    A ``StockChange`` with ``count`` records the difference from what is on hand as a ``count``
    movement (none when nothing differs, so re-applying a count changes nothing). Raises
    ``StockChangeRefused`` naming the SKU when a change would leave less than zero, or less than
    unpaid orders hold.
    """
    adjusting = kind == MovementKind.ADJUSTMENT and any(c.count is None for c in changes)
    if adjusting and reason not in AdjustmentReason.values:
        raise StockChangeRefused("Choose a reason for the adjustment.", field="reason")
    levels = _levels_for_update({(c.variant_id, c.location_id) for c in changes})
    movements = []
    for change in changes:
        level = levels[(change.variant_id, change.location_id)]
        if level.location.store_id != level.variant.store_id:
            raise StockChangeRefused(
                f"{level.variant.sku} is not sold by the store of {level.location.name}.", field="location"
            )
        delta = change.count - level.on_hand if change.count is not None else change.delta
        if not delta:
            continue
        if level.on_hand + delta < level.reserved:
            raise StockChangeRefused(
                f"{level.variant.sku} at {level.location.name}: {level.on_hand} on hand, {level.reserved} held by "
                f"unpaid orders; it cannot go to {level.on_hand + delta}.",
                field="quantity",
            )
        level.on_hand += delta
        movement_kind = MovementKind.COUNT if change.count is not None else kind
        movements.append(
            _movement(level, movement_kind, delta, reason=reason, note=note, reference=reference, actor=actor)
        )
    StockLevel.objects.bulk_update(levels.values(), ["on_hand"])
    low_stock_refresh(variant_ids={variant_id for variant_id, _ in levels})
    return StockMovement.objects.bulk_create(movements)


@transaction.atomic
def stock_transfer(
    *, variant_id: int, from_location_id: int, to_location_id: int, quantity: int, note: str = "", actor: Any = None
) -> list[StockMovement]:
    """Move ``quantity`` between two locations of the same store: a ``transfer_out`` and a ``transfer_in``."""
    if quantity <= 0:
        raise StockChangeRefused("Transfer at least one unit.", field="quantity")
    if from_location_id == to_location_id:
        raise StockChangeRefused("Choose two different locations.", field="to_location")
    stores = set(
        StockLocation.objects.filter(pk__in=[from_location_id, to_location_id]).values_list("store_id", flat=True)
    )
    if len(stores) != 1:
        raise StockChangeRefused("Both locations must belong to the same store.", field="to_location")
    levels = _levels_for_update({(variant_id, from_location_id), (variant_id, to_location_id)})
    source, target = levels[(variant_id, from_location_id)], levels[(variant_id, to_location_id)]
    if source.available < quantity:
        raise StockChangeRefused(
            f"{source.variant.sku}: only {source.available} available at {source.location.name}.", field="quantity"
        )
    source.on_hand -= quantity
    target.on_hand += quantity
    reference = f"transfer {source.location.name} → {target.location.name}"
    movements = [
        _movement(source, MovementKind.TRANSFER_OUT, -quantity, note=note, reference=reference, actor=actor),
        _movement(target, MovementKind.TRANSFER_IN, quantity, note=note, reference=reference, actor=actor),
    ]
    StockLevel.objects.bulk_update([source, target], ["on_hand"])
    low_stock_refresh(variant_ids=[variant_id])  # to or from an inactive location changes what is sellable
    return StockMovement.objects.bulk_create(movements)


def default_location(*, store_id: int) -> StockLocation:
    """The store's first active location by priority; created ("Main") when the store has none."""
    location = StockLocation.objects.filter(store_id=store_id, is_active=True).order_by("-priority", "pk").first()
    if location is None:
        location, _ = StockLocation.objects.get_or_create(store_id=store_id, name="Main", defaults={"priority": 0})
    return location


@transaction.atomic
def stock_receive(
    *, variant_id: int, quantity: int, location_id: int | None = None, store_id: int | None = None, reference: str = ""
) -> StockMovement:
    """Stock arriving (``received``), at a location or the store's default one."""
    if location_id is None:
        if store_id is None:
            raise StockChangeRefused("Say where the stock arrives.", field="location")
        location_id = default_location(store_id=store_id).pk
    return stock_change(
        changes=[StockChange(variant_id=variant_id, location_id=location_id, delta=quantity)],
        kind=MovementKind.RECEIVED,
        reason=AdjustmentReason.RECEIVED,
        reference=reference,
    )[0]


@transaction.atomic
def stock_return(*, variant_id: int, location_id: int, quantity: int, reference: str, actor: Any = None) -> None:
    """Sold units back on the shelf (a refund with restock)."""
    stock_change(
        changes=[StockChange(variant_id=variant_id, location_id=location_id, delta=quantity)],
        kind=MovementKind.RETURNED,
        reference=reference,
        actor=actor,
    )


# --- Helpers --------------------------------------------------------------------------------------


def _levels_for_update(pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], StockLevel]:
    """Locked levels for (variant, location) pairs, created at zero where missing."""
    pairs = set(pairs)
    if not pairs:
        return {}
    StockLevel.objects.bulk_create(
        [StockLevel(variant_id=v, location_id=loc) for v, loc in pairs], ignore_conflicts=True
    )
    levels = locked(StockLevel.objects).filter(_pairs(dict.fromkeys(pairs, 0))).select_related("variant", "location")
    return {(lv.variant_id, lv.location_id): lv for lv in levels.order_by("pk")}


def _lock_in_order(amounts: dict[tuple[int, int], int]) -> None:
    """Lock these levels in primary-key order before a bulk UPDATE (no deadlock with another transaction)."""
    list(locked(StockLevel.objects).filter(_pairs(amounts)).order_by("pk").values_list("pk", flat=True))


def _movement(level: StockLevel, kind: str, quantity: int, **fields: Any) -> StockMovement:
    return StockMovement(level=level, kind=kind, quantity=quantity, on_hand_after=level.on_hand, **fields)


def _merge(allocations: Sequence[Allocation]) -> dict[tuple[int, int], int]:
    amounts: dict[tuple[int, int], int] = {}
    for a in allocations:
        amounts[(a.variant_id, a.location_id)] = amounts.get((a.variant_id, a.location_id), 0) + a.quantity
    return amounts


def _pairs(amounts: dict[tuple[int, int], int]) -> Q:
    q = Q(pk__in=[])
    for variant_id, location_id in amounts:
        q |= Q(variant_id=variant_id, location_id=location_id)
    return q


def _per_pair(amounts: dict[tuple[int, int], int]) -> Case:
    """A SQL expression worth each level's quantity, so one UPDATE serves many levels."""
    return Case(
        *(
            When(variant_id=variant_id, location_id=location_id, then=Value(quantity))
            for (variant_id, location_id), quantity in amounts.items()
        ),
        default=Value(0),
        output_field=IntegerField(),
    )


@transaction.atomic
def stock_open(*, entries: Sequence[Allocation], note: str = "") -> int:
    """Opening balances for levels that do not exist yet (seeding, imports of a new catalogue), in bulk.

    Each new level gets an ``opening`` movement worth its quantity; existing levels are left alone,
    so running it again changes nothing. Returns the number of levels opened.
    """
    wanted = {(e.variant_id, e.location_id): e.quantity for e in entries if e.quantity >= 0}
    existing = set(StockLevel.objects.filter(_pairs(dict.fromkeys(wanted, 0))).values_list("variant_id", "location_id"))
    levels = StockLevel.objects.bulk_create(
        [
            StockLevel(variant_id=v, location_id=loc, on_hand=q)
            for (v, loc), q in wanted.items()
            if (v, loc) not in existing
        ]
    )
    StockMovement.objects.bulk_create(
        _movement(level, MovementKind.OPENING, level.on_hand, note=note) for level in levels
    )
    # The bulk insert retired the stores' cached pages (``StockLevelQuerySet``); this records who is not low.
    low_stock_record_opening(variant_ids={level.variant_id for level in levels})
    return len(levels)
