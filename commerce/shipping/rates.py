"""Shipping rates behind one interface. Today: the store's own rate table (providers/flat.py);
live carrier rates plug in beside it as another provider returning the same ``ShippingRate``."""

from __future__ import annotations

from dataclasses import dataclass

from commerce.core.addresses import PostalAddress
from commerce.core.money import Money
from commerce.stores.models import Store


@dataclass(frozen=True)
class ShippingRate:
    code: str
    name: str
    price: Money
    estimated_days: str = ""
    provider: str = "flat"


def available_rates(*, store: Store, address: PostalAddress, subtotal: Money, weight_grams: int) -> list[ShippingRate]:
    from .providers.flat import flat_rates

    return flat_rates(store=store, address=address, subtotal=subtotal, weight_grams=weight_grams)


def rate_for_code(
    *, store: Store, address: PostalAddress, subtotal: Money, weight_grams: int, code: str
) -> ShippingRate | None:
    for rate in available_rates(store=store, address=address, subtotal=subtotal, weight_grams=weight_grams):
        if rate.code == code:
            return rate
    return None
