"""Store choices in staff API queries: a ``store`` filter names one of the caller's stores.

Who may call a staff view is ``commerce.api.model_permissions`` (the admin screens' permissions);
which rows they see is the admin's store scope (``commerce.stores.admin_scope``), RLS underneath.
"""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import ValidationError

from commerce.stores.admin_scope import scope_queryset
from commerce.stores.models import Store


def staff_store(user: Any, store_id: int | None) -> Store | None:
    """The store ``store_id`` if it is one of ``user``'s stores (None when no id is given); an
    unknown store, or another's, is a 400 naming ``store`` (the admin's filter offers only theirs)."""
    if store_id is None:
        return None
    store = scope_queryset(Store.objects.all(), user).filter(pk=store_id).first()
    if store is None:
        raise ValidationError({"store": ["Not one of your stores."]})
    return store
