"""What the checkout pages need, in one read: lines, address, rates and totals."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest

from commerce.cart.pricing import Totals
from commerce.cart.selectors import CartLineView, cart_lines, cart_totals
from commerce.core.addresses import PostalAddress
from commerce.core.money import Money
from commerce.shipping.rates import ShippingRate, available_rates

from .models import Checkout


@dataclass(frozen=True)
class CheckoutSummary:
    checkout: Checkout
    lines: list[CartLineView]
    address: PostalAddress | None
    rates: list[ShippingRate]
    shipping_rate: ShippingRate | None
    weight_grams: int
    totals: Totals


def checkout_summary(*, checkout: Checkout, request: HttpRequest | None = None) -> CheckoutSummary:
    cart = checkout.cart
    lines = cart_lines(cart=cart, request=request) if cart is not None else []
    address = PostalAddress.from_dict(checkout.shipping_address)
    weight = sum(line.variant.weight_grams * line.quantity for line in lines)
    store = checkout.store
    subtotal = sum((line.unit_price * line.quantity for line in lines), Money.zero(store.currency))
    rates = (
        available_rates(store=store, address=address, subtotal=subtotal, weight_grams=weight)
        if address is not None and lines
        else []
    )
    chosen = next((rate for rate in rates if rate.code == checkout.shipping_method_code), None)
    if cart is not None:
        totals = cart_totals(cart=cart, lines=lines, shipping=chosen.price if chosen else None)
    else:
        from commerce.cart.pricing import price

        totals = price([], currency=store.currency)
    return CheckoutSummary(
        checkout=checkout,
        lines=lines,
        address=address,
        rates=rates,
        shipping_rate=chosen,
        weight_grams=weight,
        totals=totals,
    )
