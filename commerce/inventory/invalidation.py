"""New stock reaches cached storefront pages at once.

``low_stock_refresh`` (``alerts.py``) retires a store's cached pages when a variant's shown stock
status changes through the ledger services. A level row can also appear outside them — an ORM
``save``, a ``bulk_create`` (``stock_open``, imports, the shell) — and a new row holding stock can
turn a "Sold out" variant sellable. So every insert or save of a level that holds available stock
retires its store's cached pages once the transaction commits. Levels inserted empty (the ledger
creates them at zero before applying a change under the lock) show nothing new and bump nothing.
A stock location switched on or off, or deleted, changes what every variant of its store has to
sell (the listing summary follows it in the database), so it retires that store's cached pages too.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from commerce.core.page_cache import page_cache_invalidate_on_commit

if TYPE_CHECKING:
    from .models import StockLevel, StockLocation


def stock_shown_changed(*, variant_ids: Iterable[int], reason: str) -> None:
    """Retire the cached pages of the stores selling these variants once the transaction commits
    (a variant with no store: every store's)."""
    from commerce.catalog.models import ProductVariant

    variant_ids = sorted(set(variant_ids))
    if not variant_ids:
        return
    site_ids = set(ProductVariant.objects.filter(pk__in=variant_ids).values_list("store__site_id", flat=True))
    page_cache_invalidate_on_commit(reason=reason, site_ids=None if None in site_ids else site_ids)


def _level_saved(sender: object, instance: StockLevel, created: bool = False, **kwargs: object) -> None:
    """An ORM save of a level: a new one holding stock, or any change of an existing one (the ledger
    services write with ``bulk_update``/``update`` and decide themselves)."""
    if kwargs.get("raw"):
        return
    if not created or instance.on_hand > instance.reserved:
        stock_shown_changed(variant_ids=[instance.variant_id], reason="stock level saved")


def _level_deleted(sender: object, instance: StockLevel, **kwargs: object) -> None:
    if instance.on_hand > instance.reserved:
        stock_shown_changed(variant_ids=[instance.variant_id], reason="stock level deleted")


def _location_changed(sender: object, instance: StockLocation, created: bool = False, **kwargs: object) -> None:
    """A location saved (switched on or off, renamed, reprioritised) or deleted: its store's pages.
    A new location holds no stock yet, so it shows nothing new."""
    from commerce.stores.models import Store

    if kwargs.get("raw") or created:
        return
    site_ids = set(Store.objects.filter(pk=instance.store_id).values_list("site_id", flat=True))
    page_cache_invalidate_on_commit(reason="stock location changed", site_ids=None if None in site_ids else site_ids)


def connect() -> None:
    from django.db.models.signals import post_delete, post_save

    from .models import StockLevel, StockLocation

    post_save.connect(_level_saved, sender=StockLevel, dispatch_uid="magpie_stock_level_saved")
    post_delete.connect(_level_deleted, sender=StockLevel, dispatch_uid="magpie_stock_level_deleted")
    post_save.connect(_location_changed, sender=StockLocation, dispatch_uid="magpie_stock_location_saved")
    post_delete.connect(_location_changed, sender=StockLocation, dispatch_uid="magpie_stock_location_deleted")
