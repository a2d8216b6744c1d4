"""Which stores a member of staff may see in the back office, and narrowing a queryset to them.

Screens that list or show store-owned rows (orders, gift cards, discounts) pass their queryset
through :func:`scope_to_staff_stores`; ``StaffProfile`` says which stores a person works on.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, QuerySet

from .models import StaffProfile

_M = TypeVar("_M", bound=Model)


def staff_store_ids(user: Any) -> list[int] | None:
    """The ids of the stores ``user`` may see, or ``None`` for all of them.

    All stores: superusers, staff without a ``StaffProfile``, and profiles with ``all_stores``.
    Nobody signed in, inactive users and customers (not staff) get an empty list.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return None
    try:
        profile = StaffProfile.objects.get(user_id=user.pk)
    except StaffProfile.DoesNotExist:
        return None if user.is_staff else []
    if profile.all_stores:
        return None
    return sorted(profile.stores.values_list("pk", flat=True))


def scope_to_staff_stores(queryset: QuerySet[_M], user: Any, *, field: str = "store") -> QuerySet[_M]:
    """``queryset`` limited to rows whose ``field`` (a store foreign key or path) is one of the user's stores."""
    store_ids = staff_store_ids(user)
    if store_ids is None:
        return queryset
    return queryset.filter(**{f"{field}__in": store_ids})
