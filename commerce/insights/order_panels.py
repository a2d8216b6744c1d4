"""The admin home's orders panel: how many paid orders wait to be fulfilled (and since when) and
the latest orders, in the staff member's stores. Shown to whoever may view orders (Owners,
Managers, Customer service); Marketers have no order access and do not see it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Min
from django.urls import NoReverseMatch, reverse

from commerce.orders.models import Order, OrderStatus
from commerce.stores.admin_scope import scope_queryset

from .metrics_scope import metric_query
from .panel_guard import TimeoutGuardedPanel

TO_FULFIL = (OrderStatus.PAID, OrderStatus.PARTIALLY_FULFILLED)
ORDER_PAGE = "orders_order_modeladmin_inspect"


@dataclass(frozen=True)
class RecentOrder:
    pk: int
    number: str
    store: str
    status: str
    total: Decimal
    currency: str
    placed_at: datetime


@dataclass(frozen=True)
class OrdersOverview:
    to_fulfil: int
    waiting_since: datetime | None
    recent: list[RecentOrder]


def orders_overview(*, user: Any, recent: int = 5) -> OrdersOverview:
    """Paid orders not yet (fully) fulfilled and the latest ``recent`` orders in the user's stores.
    Two queries whatever the number of orders."""
    with metric_query(user=user):
        orders = scope_queryset(Order.objects.all(), user)
        waiting = orders.filter(status__in=TO_FULFIL).aggregate(n=Count("pk"), since=Min("paid_at"))
        latest = [
            RecentOrder(
                pk=order.pk,
                number=order.number,
                store=order.store.name,
                status=order.get_status_display(),
                total=order.total,
                currency=order.currency,
                placed_at=order.created_at,
            )
            for order in orders.select_related("store").order_by("-created_at", "-pk")[:recent]
        ]
    return OrdersOverview(to_fulfil=waiting["n"], waiting_since=waiting["since"], recent=latest)


def order_url(pk: int) -> str:
    try:
        return reverse(ORDER_PAGE, args=[pk])
    except NoReverseMatch:  # the order screens are not registered (e.g. a trimmed URL conf)
        return ""


class OrdersPanel(TimeoutGuardedPanel):
    name = "orders"
    heading = "Orders"
    order = 60
    template_name = "insights/orders_panel.html"

    def get_context_data(self, parent_context: Any = None) -> dict[str, Any]:
        overview = orders_overview(user=self.user)
        return {
            "overview": overview,
            "recent": [(order, order_url(order.pk)) for order in overview.recent],
        }
