"""Which stores a member of staff may see in the back office (``StaffProfile``). The RLS context
carries them; ``commerce.stores.admin_scope`` narrows every admin screen to them.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model

from commerce.accounts.models import StaffProfile

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
