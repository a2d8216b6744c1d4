"""The store's own rate table: flat prices, free over a threshold, weight bands, countries."""

from __future__ import annotations

from commerce.core.addresses import PostalAddress
from commerce.core.money import Money
from commerce.stores.models import Store

from ..models import ShippingMethod
from ..rates import ShippingRate


def flat_rates(*, store: Store, address: PostalAddress, subtotal: Money, weight_grams: int) -> list[ShippingRate]:
    rates = []
    for method in ShippingMethod.objects.filter(store=store, is_active=True):
        if method.country_codes and address.country.upper() not in method.country_codes:
            continue
        if weight_grams < method.min_weight_grams:
            continue
        if method.max_weight_grams is not None and weight_grams > method.max_weight_grams:
            continue
        free = method.free_over is not None and subtotal.amount >= method.free_over
        price = Money.zero(store.currency) if free else Money(method.price, store.currency)
        rates.append(ShippingRate(method.code, method.name, price, method.estimated_days, "flat"))
    return sorted(rates, key=lambda rate: (rate.price.amount, rate.name))
