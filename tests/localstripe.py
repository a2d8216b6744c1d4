"""localstripe on loopback: a real HTTP server speaking Stripe's API, started once per test run.

The helpers here stand in for the shopper's browser: Stripe.js would send the card to the
provider and confirm the SetupIntent; the tests do the same calls with the real SDK."""

from __future__ import annotations

import json
import socket
import subprocess
import time
from pathlib import Path

import stripe

from commerce.payments import localstripe
from commerce.payments.localstripe import register_webhook

__all__ = ["browser_confirms_card", "client", "register_webhook", "signed_event", "start_localstripe"]

BASE_DIR = Path(__file__).resolve().parent.parent


def start_localstripe() -> tuple[subprocess.Popen, str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    return localstripe.start(url, log_path=BASE_DIR / "var" / "localstripe-test.log"), url


def client(url: str) -> stripe.StripeClient:
    return stripe.StripeClient("sk_test_localstripe", base_addresses={"api": url})


def browser_confirms_card(url: str, setup_intent_id: str, number: str = "4242424242424242") -> str:
    """What Stripe.js's confirmCardSetup does: the card goes to the provider, which attaches a
    PaymentMethod to the SetupIntent. Returns the SetupIntent's status."""
    c = client(url)
    method = c.v1.payment_methods.create(
        params={"type": "card", "card": {"number": number, "exp_month": 12, "exp_year": 2034, "cvc": "123"}}
    )
    try:
        intent = c.v1.setup_intents.confirm(setup_intent_id, params={"payment_method": method.id})
    except stripe.StripeError:
        return "declined"
    return intent.status


def signed_event(payload: dict, *, secret: str, timestamp: int | None = None) -> tuple[bytes, str]:
    """An event signed the way Stripe signs webhooks (HMAC-SHA256 over "t.payload")."""
    import hashlib
    import hmac

    body = json.dumps(payload).encode()
    ts = int(time.time()) if timestamp is None else timestamp
    signature = hmac.new(secret.encode(), f"{ts}.".encode() + body, hashlib.sha256).hexdigest()
    return body, f"t={ts},v1={signature}"
