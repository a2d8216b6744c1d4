"""Reads for the Customers screens. Row-level security already hides customers who never ordered
from a store-limited member of staff's stores; these selectors apply the same scope in the
application (and count and total only the orders of those stores)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Max, Q, QuerySet, Sum

from commerce.accounts.models import Address, User
from commerce.core.money import Money
from commerce.orders.models import Order
from commerce.promotions.models import GiftCard
from commerce.stores.staff_scope import staff_store_ids

from .models import CustomerNote


def _order_scope(viewer: Any, prefix: str = "") -> Q:
    store_ids = staff_store_ids(viewer)
    if store_ids is None:
        return Q()
    return Q(**{f"{prefix}store_id__in": store_ids})


def customers_for(viewer: Any) -> QuerySet[User]:
    """Customers (accounts that are not staff) ``viewer`` may see, each with ``order_count`` and
    ``last_order_at`` over the viewer's stores. One query, whatever the number of orders."""
    scope = _order_scope(viewer, "orders__")
    queryset = User.objects.filter(is_staff=False, is_superuser=False)
    if scope:
        queryset = queryset.filter(pk__in=Order.objects.filter(_order_scope(viewer)).values("customer_id"))
    return queryset.annotate(
        order_count=Count("orders", filter=scope or None, distinct=True),
        last_order_at=Max("orders__created_at", filter=scope or None),
    ).order_by("email")


def customers_search(queryset: QuerySet[User], query: str) -> QuerySet[User]:
    """Email and name, case-insensitive, in the database (no search index holds customers): every
    word (the first five) must match one of them."""
    condition = Q()
    for word in query.split()[:5]:
        condition &= Q(email__icontains=word) | Q(first_name__icontains=word) | Q(last_name__icontains=word)
    return queryset.filter(condition)


def customers_ordered_from(queryset: QuerySet[User], store: Any) -> QuerySet[User]:
    """Customers with at least one order from ``store``."""
    return queryset.filter(orders__store=store).distinct()


def customer_for(viewer: Any, customer_id: int) -> User | None:
    return customers_for(viewer).filter(pk=customer_id).first()


@dataclass(frozen=True)
class CustomerPage:
    customer: User
    orders: list[Order]
    lifetime_value: list[Money]  # one per currency, never summed across currencies
    addresses: list[Address]
    gift_cards: list[GiftCard]
    notes: list[CustomerNote]


def lifetime_value(orders: QuerySet[Order]) -> list[Money]:
    """Money received net of refunds, per currency, over the orders that were paid."""
    rows = (
        orders.filter(paid_at__isnull=False)
        .values("currency")
        .annotate(net=Sum(F("amount_paid") + F("gift_card_total") - F("amount_refunded")))
        .order_by("currency")
    )
    return [Money(row["net"] or Decimal("0"), row["currency"]) for row in rows]


def customer_page(viewer: Any, customer: User) -> CustomerPage:
    """Everything the customer page shows, in a fixed number of queries."""
    orders = Order.objects.filter(_order_scope(viewer), customer=customer)
    store_ids = staff_store_ids(viewer)
    cards = GiftCard.objects.filter(customer=customer).select_related("store")
    notes = CustomerNote.objects.filter(customer=customer).select_related("author", "store")
    if store_ids is not None:
        cards = cards.filter(store_id__in=store_ids)
        notes = notes.filter(store_id__in=store_ids)
    return CustomerPage(
        customer=customer,
        orders=list(orders.select_related("store").order_by("-created_at")),
        lifetime_value=lifetime_value(orders),
        addresses=list(Address.objects.filter(customer=customer)),
        gift_cards=list(cards),
        notes=list(notes),
    )
