"""One parcel from what is in it: the variants' weights and sizes, the store's defaults where missing,
and where it ships from (the stock location's address)."""

from __future__ import annotations

from collections.abc import Iterable

from commerce.catalog.models import ProductVariant
from commerce.core.addresses import PostalAddress
from commerce.inventory.models import StockLocation
from commerce.stores.models import Store

from .interface import Parcel
from .models import ShippingSettings


def shipping_settings(store: Store) -> ShippingSettings:
    """The store's shipping settings, or the defaults (unsaved: a checkout page never writes)."""
    return ShippingSettings.objects.filter(site_id=store.site_id).first() or ShippingSettings(site_id=store.site_id)


def parcel_for_items(
    *, items: Iterable[tuple[ProductVariant, int]], store: Store, settings: ShippingSettings
) -> Parcel:
    """Items stacked in one box: the longest length and width, the heights added up, the weights
    added up plus the packaging. A variant without its own weight or size ships as the store's
    parcel defaults (``Store.default_*``, the one place they are set)."""
    weight, length, width, height = settings.packaging_weight_grams, 0, 0, 0
    for variant, quantity in items:
        weight += variant.shipping_weight_grams(store) * quantity
        item_length, item_width, item_height = variant.parcel_mm(store)
        length = max(length, item_length)
        width = max(width, item_width)
        height += item_height * quantity
    return Parcel(
        weight_grams=max(weight, 1), length_mm=max(length, 1), width_mm=max(width, 1), height_mm=max(height, 1)
    )


def ship_from_for_store(store: Store) -> PostalAddress | None:
    """The address of the store's first active location (by priority) that has one: checkout
    reserves from higher priorities first, so that is where parcels most often leave from."""
    for location in StockLocation.objects.filter(store=store, is_active=True).exclude(address_line1=""):
        address = location.ship_from_address
        if address is not None:
            return address
    return None
