"""Which carrier platform this process talks to, from settings (None: rate tables only)."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings

from .interface import ShippingProvider


@lru_cache(maxsize=4)
def _build(api_key: str, api_base: str, timeout: float) -> ShippingProvider:
    from .providers.shippo import ShippoProvider

    return ShippoProvider(api_key=api_key, api_base=api_base or None, timeout=timeout)


def get_provider() -> ShippingProvider | None:
    if not settings.SHIPPO_API_KEY:
        return None
    return _build(settings.SHIPPO_API_KEY, settings.SHIPPO_API_BASE or "", settings.SHIPPO_TIMEOUT_SECONDS)
