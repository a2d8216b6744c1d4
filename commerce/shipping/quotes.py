"""Rates for a checkout: live carrier rates, cached per parcel and address, or the store's tables.

A carrier failure never blocks a checkout the tables can serve: a timeout, a 5xx or a refusal
falls back to the tables with a note for the shopper (and the failure is remembered for a minute,
so each page does not wait for the timeout again). Only an address the carrier's validation
rejects is the shopper's to fix (``AddressRejected``, when the caller asks to validate).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable
from dataclasses import asdict

from django.conf import settings
from django.core.cache import cache

from commerce.catalog.models import ProductVariant
from commerce.core.addresses import PostalAddress
from commerce.core.money import Money
from commerce.stores.models import Store

from .interface import AddressRejected, LiveRate, ShippingError
from .parcels import parcel_for_items, ship_from_for_store, shipping_settings
from .provider import get_provider
from .rates import RateQuote, ShippingRate, available_rates

logger = logging.getLogger(__name__)
FALLBACK_NOTE = "Live carrier rates are unavailable right now, so these are our standard rates."
UNCONFIRMED_NOTE = "The carrier could not confirm this address, so these are our standard rates."


def _days(days: int | None) -> str:
    if days is None:
        return ""
    return "1 business day" if days == 1 else f"{days} business days"


def _as_shipping_rate(rate: LiveRate, provider: str) -> ShippingRate:
    return ShippingRate(
        code=rate.code,
        name=f"{rate.carrier} {rate.service}",
        price=rate.price,
        estimated_days=_days(rate.estimated_days),
        provider=provider,
        rate_id=rate.rate_id,
        carrier=rate.carrier,
        service=rate.service,
    )


def _cache_key(*parts: object) -> str:
    text = json.dumps(parts, sort_keys=True, default=str)
    return "shipping:quote:" + hashlib.sha256(text.encode()).hexdigest()


def shipping_quote(
    *,
    store: Store,
    address: PostalAddress,
    items: Iterable[tuple[ProductVariant, int]],
    subtotal: Money,
    weight_grams: int,
    validate: bool = False,
) -> RateQuote:
    """The rates to offer for this cart and address. With ``validate``, an address the carrier
    rejects raises ``AddressRejected`` instead of falling back."""
    tables = available_rates(store=store, address=address, subtotal=subtotal, weight_grams=weight_grams)
    provider = get_provider()
    items = list(items)
    if provider is None or not items:
        return RateQuote(tables)
    options = shipping_settings(store)
    if not options.live_rates:
        return RateQuote(tables)
    origin = ship_from_for_store(store)
    if origin is None:
        logger.warning("store %s has no ship-from address: live rates skipped", store.pk)
        return RateQuote(tables)
    parcel = parcel_for_items(items=items, store=store, settings=options)
    key = _cache_key(provider.name, store.pk, store.currency, origin.as_dict(), address.as_dict(), asdict(parcel))
    cached = cache.get(key)
    if cached is None:
        cached = _fetch(provider, origin=origin, address=address, parcel=parcel, currency=store.currency)
        seconds = (
            settings.MAGPIE_SHIPPING_FAILURE_CACHE_SECONDS
            if cached.get("failed")
            else settings.MAGPIE_SHIPPING_RATE_CACHE_SECONDS
        )
        cache.set(key, cached, seconds)
    if cached.get("rejected"):
        if validate:
            raise AddressRejected(cached["rejected"])
        return RateQuote(tables, note=UNCONFIRMED_NOTE if tables else cached["rejected"])
    live = [_as_shipping_rate(_rate_from_cache(data), provider.name) for data in cached.get("rates", [])]
    if live:
        return RateQuote(live)
    return RateQuote(tables, note=FALLBACK_NOTE if tables else "")


def _fetch(provider, *, origin: PostalAddress, address: PostalAddress, parcel, currency: str) -> dict:
    try:
        rates = provider.rates(ship_from=origin, ship_to=address, parcel=parcel, currency=currency)
    except AddressRejected as exc:
        return {"rejected": str(exc)}
    except ShippingError as exc:
        logger.warning("live rates unavailable, using the rate tables: %s", exc)
        return {"failed": str(exc)}
    return {
        "rates": [{**asdict(rate), "price": str(rate.price.amount), "currency": rate.price.currency} for rate in rates]
    }


def _rate_from_cache(data: dict) -> LiveRate:
    return LiveRate(
        code=data["code"],
        rate_id=data["rate_id"],
        carrier=data["carrier"],
        service=data["service"],
        price=Money(data["price"], data["currency"]),
        estimated_days=data["estimated_days"],
    )
