"""Shipping rates behind one interface: live carrier rates (Shippo) when the store uses them, the
store's own rate table (providers/flat.py) otherwise and as the fallback. Both give ``ShippingRate``."""

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
    rate_id: str = ""  # the provider's id of this quote (live rates only)
    carrier: str = ""
    service: str = ""

    @property
    def is_live(self) -> bool:
        return self.provider != "flat"


@dataclass(frozen=True)
class RateQuote:
    rates: list[ShippingRate]
    note: str = ""  # for the shopper: why the store's own rates are shown instead of carriers'


def available_rates(*, store: Store, address: PostalAddress, subtotal: Money, weight_grams: int) -> list[ShippingRate]:
    """The store's rate table (no carrier involved)."""
    from .providers.flat import flat_rates

    return flat_rates(store=store, address=address, subtotal=subtotal, weight_grams=weight_grams)


def rate_for_code(rates: list[ShippingRate], code: str) -> ShippingRate | None:
    return next((rate for rate in rates if rate.code == code), None)
