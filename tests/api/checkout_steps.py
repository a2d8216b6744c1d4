"""A shopper's checkout over the API only, step by step (shared by the checkout API tests)."""

from __future__ import annotations

from typing import Any

from tests.localstripe import browser_confirms_card

ADDRESS = {
    "full_name": "Gus Guest",
    "line1": "2 Side St",
    "city": "Shelbyville",
    "region": "WI",
    "postal_code": "54321",
    "country": "US",
}


def send(client, method: str, url: str, body: Any = None, **extra: Any):
    return getattr(client, method)(url, body, content_type="application/json", **extra)


def ok(response) -> dict:
    assert response.status_code in (200, 201), response.json()
    return response.json()


def ready_to_pay(client, variant, *, quantity: int = 2, email: str = "gus@example.com") -> dict:
    """Cart, contact, address and shipping choice; returns the checkout as the API shows it."""
    ok(send(client, "post", "/api/v1/cart/lines/", {"variant_id": variant.pk, "quantity": quantity}))
    ok(send(client, "put", "/api/v1/checkout/contact/", {"email": email}))
    ok(send(client, "put", "/api/v1/checkout/shipping-address/", ADDRESS))
    return ok(send(client, "put", "/api/v1/checkout/shipping-method/", {"shipping_method": "standard"}))


def card_confirmed(client, stripe_url: str, *, number: str = "4242424242424242") -> str:
    """Start paying and do what Stripe.js does with the client secret; returns the SetupIntent's status."""
    setup = client.post("/api/v1/checkout/payment/setup/")
    assert setup.status_code == 200, setup.json()
    secret = setup.json()["client_secret"]
    return browser_confirms_card(stripe_url, secret.split("_secret_")[0], number=number)
