"""The checkout of the cart a request is using, and the per-visitor limit on holding stock.

Shared by the HTML checkout pages and the JSON API, so both find the same checkout and count the
same holds."""

from __future__ import annotations

import uuid

from django.http import HttpRequest

from commerce.cart.session import request_cart
from commerce.core.rls import grant, runs_as_system
from commerce.core.throttle import ThrottleResult, throttle_attempt
from commerce.orders.models import Order
from commerce.stores.models import Store

from .models import Checkout
from .services import HoldRefused, checkout_for_cart

_CHECKOUT_KEY = "magpie.checkout.{store_id}"


def request_checkout(request: HttpRequest, store: Store) -> Checkout | None:
    """The checkout of the session's (or customer's) cart in ``store``, made on first use; None when
    the cart is missing or empty."""
    cart = request_cart(request, store)
    if cart is None or not cart.lines.exists():
        return None
    checkout = checkout_for_cart(cart=cart, customer=request.user)
    checkout.cart = cart  # already read (with its store): the steps do not read them again
    if checkout.store_id == cart.store_id:
        checkout.store = cart.store
    key = _CHECKOUT_KEY.format(store_id=store.pk)
    if request.session.get(key) != str(checkout.token):
        request.session[key] = str(checkout.token)  # to find its order once the cart is gone
    return checkout


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


@runs_as_system("checkout: the session's own placed order")
def _placed_order_id(*, checkout_token: uuid.UUID, store: Store) -> int | None:
    # Once paid, the checkout's cart is deleted, and with it what lets a guest's context see the
    # checkout. The token comes from the server-side session, which only ever holds the checkout
    # this session started: proof enough, as a signed order link is.
    return Checkout.objects.filter(token=checkout_token, store=store).values_list("order_id", flat=True).first()


def placed_order(request: HttpRequest, store: Store) -> Order | None:
    """The order the session's checkout in ``store`` placed (granted to the request, as the signed
    link grants it), or None. Works after payment, when the cart is gone."""
    try:
        checkout_token = uuid.UUID(str(request.session.get(_CHECKOUT_KEY.format(store_id=store.pk))))
    except ValueError:
        return None
    order_id = _placed_order_id(checkout_token=checkout_token, store=store)
    if order_id is None:
        return None
    grant(order_ids=[order_id])
    return Order.objects.select_related("store").filter(pk=order_id).first()
