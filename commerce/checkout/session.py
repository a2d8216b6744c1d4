"""The checkout of the cart a request is using, and the per-visitor limit on holding stock.

Shared by the HTML checkout pages and the JSON API, so both find the same checkout and count the
same holds."""

from __future__ import annotations

from django.http import HttpRequest

from commerce.cart.session import request_cart
from commerce.core.throttle import ThrottleResult, throttle_attempt
from commerce.orders.links import order_from_guest_token, order_guest_token
from commerce.orders.models import Order
from commerce.stores.models import Store

from .models import Checkout
from .services import HoldRefused, checkout_for_cart


def request_checkout(request: HttpRequest, store: Store) -> Checkout | None:
    """The checkout of the session's (or customer's) cart in ``store``, made on first use; None when
    the cart is missing or empty."""
    cart = request_cart(request, store)
    if cart is None or not cart.lines.exists():
        return None
    return checkout_for_cart(cart=cart, customer=request.user)


def existing_checkout(request: HttpRequest, store: Store) -> Checkout | None:
    """The checkout of the request's cart if one was started; never writes (for reads)."""
    cart = request_cart(request, store)
    if cart is None:
        return None
    return Checkout.objects.select_related("store", "cart").filter(cart=cart).first()


class StockHoldThrottle:
    """``before_hold`` for ``checkout_pay``: how often one visitor may put stock on hold (each hold
    lasts the reservation window). ``refused`` tells the caller a refusal was this limit's."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request
        self.refused: ThrottleResult | None = None

    def __call__(self) -> None:
        attempt = throttle_attempt(self.request, scope="stock_hold")
        if not attempt.allowed:
            self.refused = attempt
            raise HoldRefused("You have held items too often; please try again later.")


_PLACED_KEY = "magpie.checkout.placed_order.{store_id}"


def remember_placed_order(request: HttpRequest, store: Store, order: Order) -> None:
    """Keep the signed link of the order this session's checkout placed: once paid, its cart (and
    so the way to its checkout) is gone, and the shopper still asks how it went."""
    request.session[_PLACED_KEY.format(store_id=store.pk)] = order_guest_token(order)


def placed_order(request: HttpRequest, store: Store) -> Order | None:
    """The order this session's last checkout placed in ``store`` (granted to the request, as the
    signed link grants it), or None."""
    token = request.session.get(_PLACED_KEY.format(store_id=store.pk))
    return order_from_guest_token(token, store=store) if token else None
