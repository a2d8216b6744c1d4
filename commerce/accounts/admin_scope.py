"""Store scoping for admin object views: a member of staff limited to some stores gets a 404 for
another store's object, whatever URL they type (the index views filter their lists themselves)."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from .staff_scope import staff_store_ids

OBJECT_VIEWS = (
    "edit_view_class",
    "delete_view_class",
    "copy_view_class",
    "usage_view_class",
    "history_view_class",
    "inspect_view_class",
)


def in_staff_scope(user: Any, instance: Any, *, field: str = "store_id") -> bool:
    store_ids = staff_store_ids(user)
    return store_ids is None or getattr(instance, field) in store_ids


class StoreScopedObjectMixin:
    store_field = "store_id"

    def get_object(self, *args: Any, **kwargs: Any) -> Any:
        instance = super().get_object(*args, **kwargs)
        if not in_staff_scope(self.request.user, instance, field=self.store_field):
            raise Http404
        return instance


def scope_object_views_to_staff_stores(viewset_class: type) -> type:
    """Class decorator for a Wagtail (snippet) viewset whose model has a ``store``."""
    for attribute in OBJECT_VIEWS:
        base = getattr(viewset_class, attribute, None)
        if base is not None:
            setattr(viewset_class, attribute, type(f"StoreScoped{base.__name__}", (StoreScopedObjectMixin, base), {}))
    return viewset_class
