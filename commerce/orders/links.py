"""Signed links that let a guest see their own order without an account."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core import signing
from django.urls import reverse

from commerce.core.links import site_url
from commerce.core.rls import grant, granted
from commerce.stores.models import Store

from .models import Order

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

_SALT = "magpie.orders.guest-link"


def order_guest_token(order: Order) -> str:
    """The same token every time for an order (no timestamp): the email and the thank-you page
    carry one link. Revoke it by changing the order's ``access_key``."""
    return signing.Signer(salt=_SALT).sign_object({"o": order.pk, "k": str(order.access_key)}, compress=True)


def order_from_guest_token(token: str, *, store: Store | None) -> Order | None:
    """The order a guest's signed link names, when it belongs to ``store`` (the store serving the
    request): a link opens only on its own store's host. None for anything else."""
    if store is None:
        return None
    try:
        data = signing.Signer(salt=_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("o"), int):
        return None
    # The signature proves we issued the link: its order may be read to check the access key...
    with granted(order_ids=[data["o"]]):
        order = Order.objects.filter(pk=data["o"]).select_related("store").first()
    if order is None or str(order.access_key) != data.get("k") or order.store_id != store.pk:
        return None
    # ...and, the key matching, for the rest of the request (its lines, payments, events).
    grant(order_ids=[order.pk])
    return order


def order_guest_path(order: Order) -> str:
    return reverse("orders:guest_detail", kwargs={"token": order_guest_token(order)})


def order_guest_url(order: Order) -> str:
    return site_url(order.store.site, order_guest_path(order))


def order_page_path(order: Order, *, user: AbstractBaseUser | AnonymousUser) -> str:
    """Where the thank-you page sends a shopper to see ``order``: its own signed-in customer to the
    account order page, anyone else to the signed guest link the confirmation email carries (the
    holder of the thank-you link holds that token already: no other order is revealed)."""
    if user.is_authenticated and order.customer_id == user.pk:
        return reverse("orders:detail", kwargs={"number": order.number})
    return order_guest_path(order)
