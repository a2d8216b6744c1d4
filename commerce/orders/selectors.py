"""Reads for the shopper's order pages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .models import Fulfilment, Order, ReturnRequest


def orders_for_customer(*, user, store=None) -> QuerySet[Order]:
    orders = Order.objects.filter(customer=user).select_related("store").order_by("-created_at", "-pk")
    return orders.filter(store=store) if store is not None else orders


def order_for_customer(*, user, number: str, store) -> Order | None:
    return (
        Order.objects.filter(customer=user, number=number, store=store)
        .select_related("store")
        .prefetch_related("lines")
        .first()
    )


def order_shipments_and_returns(*, order: Order) -> dict[str, Any]:
    """What the customer's order page shows beside the receipt: parcels with tracking, returns, and
    whether shipped items are left to return (three queries whatever the number of lines)."""
    fulfilments = list(
        Fulfilment.objects.filter(order=order)
        .exclude(status=Fulfilment.Status.PENDING)
        .prefetch_related("lines__order_line")
        .order_by("sequence")
    )
    returns = list(ReturnRequest.objects.filter(order=order).prefetch_related("lines__order_line").order_by("sequence"))
    shipped = sum(line.quantity_fulfilled for line in order.lines.all())
    claimed = sum(line.quantity for r in returns if r.status != ReturnRequest.Status.REJECTED for line in r.lines.all())
    return {"fulfilments": fulfilments, "returns": returns, "can_request_return": shipped > claimed}
