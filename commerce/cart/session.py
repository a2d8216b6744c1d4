"""Which cart a request is using: the customer's for the store, or the visitor's by session token.

The item count for the header is kept in the session, so showing it costs no query."""

from __future__ import annotations

import uuid

from django.http import HttpRequest

from commerce.core.rls.middleware import remember_cart_token
from commerce.stores.models import Store

from .models import Cart
from .selectors import cart_item_count
from .services import cart_create, cart_merge

_TOKEN_KEY = "magpie.cart.{store_id}"  # noqa: S105 - a session key, not a secret
_COUNT_KEY = "magpie.cart_count.{store_id}"


def request_cart(request: HttpRequest, store: Store, *, create: bool = False) -> Cart | None:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        cart = Cart.objects.select_related("store").filter(store=store, customer=user).first()
        if cart is None and create:
            cart = cart_create(store=store, customer=user)
        return cart
    token = request.session.get(_TOKEN_KEY.format(store_id=store.pk))
    cart = (
        Cart.objects.select_related("store").filter(token=token, store=store, customer__isnull=True).first()
        if token
        else None
    )
    if cart is None and create:
        token = uuid.uuid4()
        remember_cart_token(request, str(token))
        cart = cart_create(store=store, token=token)
        request.session[_TOKEN_KEY.format(store_id=store.pk)] = str(cart.token)
    return cart


def remember_count(request: HttpRequest, store: Store, cart: Cart | None) -> None:
    request.session[_COUNT_KEY.format(store_id=store.pk)] = cart_item_count(cart=cart)


def session_count(request: HttpRequest, store: Store | None) -> int:
    if store is None or not hasattr(request, "session"):
        return 0
    return int(request.session.get(_COUNT_KEY.format(store_id=store.pk), 0) or 0)


def merge_visitor_cart(request: HttpRequest, user) -> None:
    """On log-in: the visitor's carts join the customer's, store by store."""
    prefix = _TOKEN_KEY.split("{", 1)[0]
    for key in [k for k in request.session.keys() if k.startswith(prefix)]:  # noqa: SIM118 - we delete keys
        guest = (
            Cart.objects.select_related("store").filter(token=request.session.get(key), customer__isnull=True).first()
        )
        if guest is None:
            continue
        own = cart_create(store=guest.store, customer=user)
        merged = cart_merge(source=guest, target=own)
        del request.session[key]
        remember_count(request, guest.store, merged)
