from __future__ import annotations

from .models import Address, User


def addresses_for(*, user: User) -> list[Address]:
    """The customer's address book, default first."""
    return list(Address.objects.filter(customer=user).order_by("-is_default", "-created_at"))


def address_for_customer(*, user: User, address_id: int) -> Address | None:
    """One of the customer's own addresses; None for an unknown id or someone else's address."""
    return Address.objects.filter(customer=user, pk=address_id).first()


def default_address_for(*, user: User) -> Address | None:
    return Address.objects.filter(customer=user, is_default=True).first()
