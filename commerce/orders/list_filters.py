"""Filters of the Orders list: fulfilment status, returns waiting, has a discount (the store
filter, shared with other lists, is ``commerce.stores.admin_scope.StoreFilter``).

Each is one ``EXISTS`` (or a column test) on the page's single query, so filtering never adds a
query per order. Fulfilment status is read from the lines, not from ``Order.status``: a shipped
order that was later partly refunded is still shipped. The ``orders_*`` functions are the filters
themselves; the admin's list filters and the staff API (``commerce.api``) both call them."""

from __future__ import annotations

from typing import Any

from django.contrib.admin import SimpleListFilter
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Greatest
from django.http import HttpRequest

from .models import OrderLine, PaymentStatus, ReturnRequest

PAID = [PaymentStatus.PAID, PaymentStatus.PARTIALLY_REFUNDED]


def _lines(**filters: Any) -> Exists:
    return Exists(OrderLine.objects.filter(order=OuterRef("pk"), **filters))


def _open_lines() -> Exists:
    """A line with units still to ship (ordered, less shipped, less refunded units never returned)."""
    not_to_ship = Greatest(F("quantity_refunded") - F("quantity_returned"), 0)
    return Exists(
        OrderLine.objects.filter(order=OuterRef("pk"))
        .alias(left=F("quantity") - F("quantity_fulfilled") - not_to_ship)
        .filter(left__gt=0)
    )


FULFILMENT_STATES = ("unfulfilled", "partial", "fulfilled")
RETURNS_WAITING = ("open", *ReturnRequest.OPEN)


def orders_by_fulfilment(queryset: QuerySet, value: str | None) -> QuerySet:
    """``unfulfilled`` (paid, nothing shipped yet), ``partial`` or ``fulfilled``; anything else: all."""
    shipped = _lines(quantity_fulfilled__gt=0)
    if value == "unfulfilled":
        return queryset.filter(Q(payment_status__in=PAID) & _open_lines() & ~shipped)
    if value == "partial":
        return queryset.filter(_open_lines() & shipped)
    if value == "fulfilled":
        return queryset.filter(shipped & ~_open_lines())
    return queryset


def orders_with_returns_waiting(queryset: QuerySet, value: str | None) -> QuerySet:
    """``open`` (any return not closed) or one open return status; anything else: all."""
    if value == "open":
        statuses = list(ReturnRequest.OPEN)
    elif value in ReturnRequest.OPEN:
        statuses = [value]
    else:
        return queryset
    return queryset.filter(Exists(ReturnRequest.objects.filter(order=OuterRef("pk"), status__in=statuses)))


def orders_by_discount(queryset: QuerySet, discounted: bool | None) -> QuerySet:
    if discounted is None:
        return queryset
    return queryset.filter(discount_total__gt=0) if discounted else queryset.filter(discount_total=0)


def orders_search(queryset: QuerySet, query: str) -> QuerySet:
    """The list's search box: every word must match the order number or the email (case-insensitive),
    as the admin's ``search_fields = ("number", "email")`` does."""
    for word in query.split()[:10]:
        queryset = queryset.filter(Q(number__icontains=word) | Q(email__icontains=word))
    return queryset


class FulfilmentStatusFilter(SimpleListFilter):
    title = "fulfilment"
    parameter_name = "fulfilment"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("unfulfilled", "To fulfil"), ("partial", "Partially fulfilled"), ("fulfilled", "Fulfilled")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return orders_by_fulfilment(queryset, self.value())


class ReturnsWaitingFilter(SimpleListFilter):
    title = "returns waiting"
    parameter_name = "returns"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [
            ("open", "Any open return"),
            (ReturnRequest.Status.REQUESTED, "To approve"),
            (ReturnRequest.Status.APPROVED, "Awaiting the goods"),
            (ReturnRequest.Status.RECEIVED, "To refund"),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return orders_with_returns_waiting(queryset, self.value())


class HasDiscountFilter(SimpleListFilter):
    title = "discount"
    parameter_name = "discounted"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "With a discount"), ("no", "Without")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return orders_by_discount(queryset, {"yes": True, "no": False}.get(self.value() or ""))
