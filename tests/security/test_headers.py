"""The storefront's Content-Security-Policy: on every storefront response with the configured
Stripe origins, never on the admins (they need inline scripts)."""

from __future__ import annotations

import pytest

from commerce.core.security import content_security_policy, origin
from commerce.shipping.models import ShippingMethod
from tests.checkout.conftest import ADDRESS_FORM
from tests.factories import ProductPageFactory

pytestmark = [pytest.mark.django_db, pytest.mark.security]

CSP = "Content-Security-Policy"


def directives(header: str) -> dict[str, list[str]]:
    parsed: dict[str, list[str]] = {}
    for part in header.split(";"):
        name, *sources = part.split()
        parsed[name] = sources
    return parsed


def test_a_storefront_page_has_the_policy(client, store):
    response = client.get("/cart/")

    policy = directives(response[CSP])
    assert response.status_code == 200
    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["img-src"] == ["'self'", "data:"]


def test_not_found_and_rate_limited_answers_have_it_too(client, store):
    assert CSP in client.get("/no-such-page/")


def test_the_payment_step_allows_the_configured_stripe_origins(client, store, stripe_gateway):
    ShippingMethod.objects.create(store=store, name="Standard", code="standard", price="5.00")
    variant = ProductPageFactory(store=store, title="Canvas tote", price="20.00", stock=5).variants.get()
    client.post("/cart/add/", {"variant_id": variant.pk, "quantity": 1})
    client.post("/checkout/contact/", {"email": "ada@example.com"})
    client.post(
        "/checkout/address/",
        ADDRESS_FORM,
    )
    client.post("/checkout/shipping/", {"shipping_method": "standard"})

    response = client.get("/checkout/payment/")

    policy = directives(response[CSP])
    assert response.status_code == 200
    assert 'type="application/json"' in response.content.decode()  # the config is data, not script
    assert policy["script-src"] == ["'self'", stripe_gateway]
    assert policy["frame-src"] == [stripe_gateway, "https://js.stripe.com", "https://hooks.stripe.com"]
    assert policy["connect-src"] == ["'self'", stripe_gateway]


def test_production_stripe_origins(settings):
    settings.STRIPE_JS_URL = "https://js.stripe.com/v3/"
    settings.STRIPE_API_BASE = None
    settings.MEDIA_URL = "https://media.example-cdn.com/shop/"

    policy = directives(content_security_policy())

    assert policy["script-src"] == ["'self'", "https://js.stripe.com"]
    assert policy["frame-src"] == ["https://js.stripe.com", "https://hooks.stripe.com"]
    assert policy["connect-src"] == ["'self'", "https://api.stripe.com"]
    assert policy["img-src"] == ["'self'", "data:", "https://media.example-cdn.com"]


def test_the_admin_has_no_policy(client, store):
    response = client.get("/admin/login/")

    assert response.status_code == 200
    assert CSP not in response


def test_djangos_own_admin_is_not_mounted(client, store):
    assert client.get("/django-admin/login/").status_code == 404


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://js.stripe.com/v3/", "https://js.stripe.com"),
        ("http://127.0.0.1:8420/js.stripe.com/v3/", "http://127.0.0.1:8420"),
        ("/media/", None),
        ("", None),
        (None, None),
    ],
)
def test_origin(url, expected):
    assert origin(url) == expected
