"""Locust scenario for the storefront: visitors browse, search, add to cart and buy with localstripe.

Started by ``make locust`` (``python -m bench.load``), which prepares the benchmark database, starts
localstripe and gunicorn (production settings) and passes, in the environment: ``MAGPIE_LOCUST_STORE_HOST``
(the store's hostname), ``MAGPIE_LOCUST_LOCALSTRIPE`` (its URL) and ``MAGPIE_LOCUST_TARGETS`` (JSON: the
pages to browse and the products to buy, whose stock is ample so no buyer is refused).

Every visitor comes from its own address (``X-Forwarded-For``, trusted by the runner's gunicorn as from
a proxy), and a checkout starts as a new visitor with a new address, so per-visitor throttles apply to
each as in production. The buyer's card is confirmed on localstripe as Stripe.js does, and the payment
POST is the one the payment page's script sends.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re

from locust import HttpUser, between, task

from commerce.payments.localstripe import confirm_test_card

STORE_HOST = os.environ.get("MAGPIE_LOCUST_STORE_HOST", "localhost")
LOCALSTRIPE = os.environ.get("MAGPIE_LOCUST_LOCALSTRIPE", "http://127.0.0.1:8420")
TARGETS = json.loads(os.environ.get("MAGPIE_LOCUST_TARGETS", '{"pages": {}, "products": []}'))
SEARCH_WORDS = ("shirt", "mug", "jacket", "blanket", "tote", "lantern", "alpine", "coastal")
ADDRESS = {
    "full_name": "Locust Buyer",
    "line1": "1 Main St",
    "city": "Springfield",
    "postal_code": "12345",
    "region": "NY",
}
_CLIENT_SECRET = re.compile(r'"clientSecret":\s*"([^"]+)"')
_SHIPPING_CHOICE = re.compile(r'name="shipping_method" value="([^"]+)"')
_COUNTRY_CHOICE = re.compile(r'<option value="([A-Z]{2})"[^>]*selected')
_addresses = itertools.count(1)


def _new_address() -> str:
    n = next(_addresses)
    return f"10.{n // 62500 % 250 + 16}.{n // 250 % 250}.{n % 250 + 1}"


class Shopper(HttpUser):
    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        self._new_visitor()

    def _new_visitor(self) -> None:
        self.client.cookies.clear()
        self.client.headers.update({"Host": STORE_HOST, "X-Forwarded-For": _new_address()})
        self.adds = 0

    def _csrf(self) -> str:
        return self.client.cookies.get("csrftoken", "")

    def _product(self) -> dict:
        return random.choice(TARGETS["products"])

    @task(6)
    def browse(self) -> None:
        for name in ("home", "shop", "collection", "product"):
            path = TARGETS["pages"].get(name)
            if path:
                self.client.get(path, name=name)

    @task(3)
    def search(self) -> None:
        word = random.choice(SEARCH_WORDS)
        self.client.get(f"/search/?q={word}", name="search")

    @task(2)
    def add_to_cart(self) -> None:
        if self.adds >= 5:  # a cart has at most 99 of a line: a visitor this keen starts over
            self._new_visitor()
        self._add_to_cart()
        self.client.get("/cart/", name="cart")

    @task(1)
    def checkout(self) -> None:
        self._new_visitor()
        self._add_to_cart()
        self.client.get("/checkout/", name="checkout start")
        address_page = self._form("/checkout/contact/", {"email": "locust@example.com"})
        country = _COUNTRY_CHOICE.search(address_page.text)
        shipping_page = self._form("/checkout/address/", {**ADDRESS, "country": country.group(1) if country else "US"})
        choice = _SHIPPING_CHOICE.search(shipping_page.text)
        if choice is None:
            self._fail("no shipping choice offered")
            return
        self._form("/checkout/shipping/", {"shipping_method": choice.group(1)})
        payment_page = self.client.get("/checkout/payment/", name="checkout payment page")
        secret = _CLIENT_SECRET.search(payment_page.text)
        if secret is None:
            self._fail("the payment page offered no card form")
            return
        # The browser's Stripe.js talks to the provider, not to the store: not counted in the store's figures.
        if confirm_test_card(LOCALSTRIPE, secret.group(1).split("_secret_")[0]) != "succeeded":
            self._fail("localstripe refused the test card")
            return
        with self.client.post(
            "/checkout/payment/",
            headers={"Accept": "application/json", "X-CSRFToken": self._csrf()},
            name="checkout pay",
            catch_response=True,
        ) as paid:
            body = paid.json() if paid.headers.get("Content-Type", "").startswith("application/json") else {}
            if body.get("status") != "paid":
                paid.failure(f"payment answered {paid.status_code}: {body}")
                return
        self.client.get(body["redirect"], name="checkout thank-you")

    def _add_to_cart(self) -> None:
        product = self._product()
        self.client.get(product["path"], name="product (to buy)")
        headers = {"Accept": "application/json", "X-CSRFToken": self._csrf()}
        data = {"variant_id": product["variant_id"], "quantity": 1}
        self.client.post("/cart/add/", data=data, headers=headers, name="cart add")
        self.adds += 1

    def _fail(self, message: str) -> None:
        """A step the store's answers made impossible: counted as a failure, never skipped quietly."""
        self.environment.events.request.fire(
            request_type="CHECKOUT",
            name="checkout flow",
            response_time=0,
            response_length=0,
            exception=RuntimeError(message),
            context={},
        )

    def _form(self, path: str, data: dict[str, str]):
        return self.client.post(path, data={"csrfmiddlewaretoken": self._csrf(), **data}, name=path)
