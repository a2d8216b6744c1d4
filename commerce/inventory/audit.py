"""Checking the stock figures against what should explain them.

For every level: on hand equals the sum of its movements, the latest movement's ``on_hand_after``
equals on hand, and reserved equals what active order reservations hold at that location.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from .models import StockLevel, StockLocation, StockMovement


@dataclass(frozen=True)
class LevelMismatch:
    level_id: int
    sku: str
    location: str
    problem: str


def _reservations_model():
    # orders.StockReservation points at locations; inventory is the lower floor and does not import it.
    return StockLocation._meta.get_field("reservations").related_model


def audited_levels(*, chunk_size: int = 2000):
    """Levels annotated with their ledger sum, last recorded figure and active reservations."""
    movements = StockMovement.objects.filter(level=OuterRef("pk"))
    reservations = _reservations_model().objects.filter(
        variant_id=OuterRef("variant_id"), location_id=OuterRef("location_id"), status="active"
    )
    return (
        StockLevel.objects.select_related("variant", "location")
        .annotate(
            ledger=Coalesce(
                Subquery(movements.order_by().values("level").annotate(t=Sum("quantity")).values("t")[:1]), Value(0)
            ),
            last_after=Subquery(movements.order_by("-created_at", "-pk").values("on_hand_after")[:1]),
            held=Coalesce(
                Subquery(reservations.order_by().values("location").annotate(t=Sum("quantity")).values("t")[:1]),
                Value(0),
            ),
        )
        .order_by("pk")
        .iterator(chunk_size=chunk_size)
    )


def level_mismatches(level: StockLevel) -> Iterator[LevelMismatch]:
    def mismatch(problem: str) -> LevelMismatch:
        return LevelMismatch(level.pk, level.variant.sku, level.location.name, problem)

    if level.on_hand != level.ledger:
        yield mismatch(f"on hand {level.on_hand}, movements sum to {level.ledger}")
    if level.last_after is not None and level.last_after != level.on_hand:
        yield mismatch(f"on hand {level.on_hand}, the last movement left {level.last_after}")
    if level.reserved != level.held:
        yield mismatch(f"reserved {level.reserved}, active reservations hold {level.held}")
