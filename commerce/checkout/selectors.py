"""What the checkout pages need, in one read: lines, address, rates, discounts and totals."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest

from commerce.cart.offers import CartPricing, cart_pricing
from commerce.cart.pricing import Totals, price
from commerce.cart.selectors import CartLineView, cart_lines
from commerce.core.addresses import PostalAddress
from commerce.core.money import Money
from commerce.shipping.quotes import shipping_quote
from commerce.shipping.rates import ShippingRate, rate_for_code

from .models import Checkout


@dataclass(frozen=True)
class CheckoutSummary:
    checkout: Checkout
    lines: list[CartLineView]
    address: PostalAddress | None
    rates: list[ShippingRate]
    shipping_rate: ShippingRate | None
    weight_grams: int
    pricing: CartPricing | None
    shipping_note: str = ""

    @property
    def totals(self) -> Totals:
        if self.pricing is not None:
            return self.pricing.totals
        return price([], currency=self.checkout.store.currency)


def checkout_summary(*, checkout: Checkout, request: HttpRequest | None = None, images: bool = True) -> CheckoutSummary:
    """``images=False`` when the caller shows no product images (the HTML steps, the services)."""
    store = checkout.store
    cart = checkout.cart
    if cart is not None and cart.store_id == store.pk:
        cart.store = store  # one Store for both: the cart's is not read again
    lines = cart_lines(cart=cart, request=request, images=images) if cart is not None else []
    address = PostalAddress.from_dict(checkout.shipping_address)
    weight = sum(line.variant.shipping_weight_grams(store) * line.quantity for line in lines)
    subtotal = sum((line.unit_price * line.quantity for line in lines), Money.zero(store.currency))
    quote = (
        shipping_quote(
            store=store,
            address=address,
            items=[(line.variant, line.quantity) for line in lines],
            subtotal=subtotal,
            weight_grams=weight,
        )
        if address is not None and lines
        else None
    )
    rates = quote.rates if quote is not None else []
    chosen = rate_for_code(rates, checkout.shipping_method_code)
    pricing = (
        cart_pricing(
            cart=cart,
            lines=lines,
            shipping=chosen.price if chosen else None,
            customer=checkout.customer,
            email=checkout.email,
            replaces_order_id=checkout.order_id,
        )
        if cart is not None
        else None
    )
    return CheckoutSummary(
        checkout=checkout,
        lines=lines,
        address=address,
        rates=rates,
        shipping_rate=chosen,
        weight_grams=weight,
        pricing=pricing,
        shipping_note=quote.note if quote is not None else "",
    )


# The steps in the order a shopper takes them; a step cannot be reached while an earlier one is
# missing. The HTML pages and the API both ask here.
CHECKOUT_STEPS = ("contact", "address", "shipping", "review", "payment")


def checkout_details_missing(checkout: Checkout) -> str | None:
    """The first of contact and address that the checkout still lacks: known without reading the
    cart, so the steps up to the shipping choice need no summary to know they may be shown."""
    if not checkout.email:
        return "contact"
    if PostalAddress.from_dict(checkout.shipping_address) is None:
        return "address"
    return None


def checkout_missing_step(summary: CheckoutSummary) -> str | None:
    """The first step whose data the checkout still lacks, or None when it can be paid for."""
    missing = checkout_details_missing(summary.checkout)
    if missing is None and summary.shipping_rate is None:
        return "shipping"
    return missing


def checkout_blocking_step(summary: CheckoutSummary, step: str) -> str | None:
    """The earlier step that must be done before ``step`` can be, or None."""
    missing = checkout_missing_step(summary)
    if missing is not None and CHECKOUT_STEPS.index(step) > CHECKOUT_STEPS.index(missing):
        return missing
    return None


def checkout_blocking_detail(checkout: Checkout, step: str) -> str | None:
    """``checkout_blocking_step`` for the steps up to the shipping choice, from the checkout alone."""
    if CHECKOUT_STEPS.index(step) > CHECKOUT_STEPS.index("shipping"):
        raise ValueError(f"{step!r} depends on the shipping rates: use checkout_blocking_step")
    missing = checkout_details_missing(checkout)
    if missing is not None and CHECKOUT_STEPS.index(step) > CHECKOUT_STEPS.index(missing):
        return missing
    return None


def checkout_line_problems(summary: CheckoutSummary) -> list[str]:
    """Why lines cannot be bought as they are (sold out, fewer left...): the shopper fixes the cart first."""
    return [line.problem for line in summary.lines if line.problem]
