"""Reads for the shopper's order pages."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Order


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
