"""Which payment gateway this process talks to, from settings."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings

from .interface import PaymentGateway


@lru_cache(maxsize=4)
def _build(secret: str, publishable: str, webhook_secret: str, api_base: str, js_url: str) -> PaymentGateway:
    from .gateways.stripe import StripeGateway

    return StripeGateway(
        secret_key=secret,
        publishable_key=publishable,
        webhook_secret=webhook_secret,
        api_base=api_base or None,
        js_url=js_url or None,
        timeout=settings.STRIPE_TIMEOUT_SECONDS,
    )


def get_gateway() -> PaymentGateway:
    return _build(
        settings.STRIPE_SECRET_KEY,
        settings.STRIPE_PUBLISHABLE_KEY,
        settings.STRIPE_WEBHOOK_SECRET,
        settings.STRIPE_API_BASE or "",
        settings.STRIPE_JS_URL or "",
    )
