"""The admin home's "Returns waiting" panel: returns the store still has to act on (requested, or
approved and not yet received), oldest first, each linked to its order's screen, in the staff
member's stores. Shown to whoever may view orders (Owners, Managers, Customer service)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Sum

from commerce.orders.fulfilment_models import ReturnRequest
from commerce.orders.models import Order
from commerce.stores.admin_scope import scope_queryset

from .metrics_scope import metric_query
from .order_panels import order_url
from .panel_guard import TimeoutGuardedPanel

WAITING = (ReturnRequest.Status.REQUESTED, ReturnRequest.Status.APPROVED)


@dataclass(frozen=True)
class WaitingReturn:
    order_id: int
    order_number: str
    label: str
    store: str
    status: str
    units: int
    opened_at: datetime


@dataclass(frozen=True)
class ReturnsWaiting:
    total: int
    oldest: list[WaitingReturn]


def returns_waiting(*, user: Any, shown: int = 8) -> ReturnsWaiting:
    """How many returns wait (requested, or approved but not received) in the user's stores, and the
    ``shown`` oldest of them. Two queries whatever the number of returns."""
    with metric_query(user=user):
        waiting = ReturnRequest.objects.filter(
            status__in=WAITING, order__in=scope_queryset(Order.objects.all(), user).values("pk")
        )
        total = waiting.count()
        oldest = [
            WaitingReturn(
                order_id=r.order_id,
                order_number=r.order.number,
                label=r.label,
                store=r.order.store.name,
                status=r.get_status_display(),
                units=r.units or 0,
                opened_at=r.created_at,
            )
            for r in waiting.select_related("order__store")
            .annotate(units=Sum("lines__quantity"))
            .order_by("created_at", "pk")[:shown]
        ]
    return ReturnsWaiting(total=total, oldest=oldest)


class ReturnsWaitingPanel(TimeoutGuardedPanel):
    name = "returns_waiting"
    heading = "Returns waiting"
    order = 65
    template_name = "insights/returns_panel.html"

    def get_context_data(self, parent_context: Any = None) -> dict[str, Any]:
        waiting = returns_waiting(user=self.user)
        return {"waiting": waiting, "rows": [(r, order_url(r.order_id)) for r in waiting.oldest]}
