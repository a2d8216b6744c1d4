"""Paid demo orders waiting to be shipped, so `make run` shows the back office at work: fulfil one
with tracking, refund a line with restock, take a return.

They are paid by card on localstripe through the real checkout (cart, checkout, SetupIntent,
PaymentIntent), so their refunds go back to the card. localstripe starts from scratch on every
run, so the orders are topped up after it starts: orders whose payment this localstripe run does
not know are left as they are (their card refunds would fail) and new ones are added."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings

from commerce.cart.services import cart_add_line, cart_create
from commerce.catalog.availability import with_available_stock
from commerce.catalog.models import ProductVariant
from commerce.checkout.services import (
    checkout_for_cart,
    checkout_pay,
    checkout_prepare_payment,
    checkout_set_email,
    checkout_set_shipping_address,
    checkout_set_shipping_method,
)
from commerce.core.addresses import PostalAddress
from commerce.orders.models import Order, OrderStatus
from commerce.payments import localstripe
from commerce.payments.models import Payment
from commerce.shipping.models import ShippingMethod
from commerce.stores.models import Store

DEMO_BUYER = "ready.to.ship@example.com"
ADDRESS = PostalAddress(
    full_name="Robin Demo", line1="12 Harbour Street", city="Portland", postal_code="04101", country="US", region="ME"
)


def _open_orders(store: Store) -> list[Order]:
    """The demo buyer's paid orders nothing has shipped from, refunded or returned from yet."""
    return list(
        Order.objects.filter(store=store, email=DEMO_BUYER, status=OrderStatus.PAID, amount_refunded=0)
        .exclude(lines__quantity_fulfilled__gt=0)
        .prefetch_related("payments")
    )


def _variants(store: Store, count: int) -> list[ProductVariant]:
    variants = with_available_stock(
        ProductVariant.objects.filter(store=store, is_active=True, product__live=True, product__is_gift_card=False)
    )
    return list(variants.filter(stock_available__gte=3).order_by("pk")[: count * 2])


def demo_ready_orders_ensure(*, store: Store, count: int = 3, say: Callable[[str], None] = print) -> int:
    """Top the store up to ``count`` paid orders waiting to ship; returns how many were added.
    Only against localstripe: with real Stripe keys it adds nothing (no real charges)."""
    url = settings.STRIPE_API_BASE or ""
    if url != settings.LOCALSTRIPE_URL or not localstripe.is_up(url):
        say("Ready-to-ship demo orders: localstripe is not running here; none added.")
        return 0
    live = [
        order
        for order in _open_orders(store)
        if any(p.intent_id and localstripe.knows_payment_intent(url, p.intent_id) for p in order.payments.all())
    ]
    method = ShippingMethod.objects.filter(store=store, is_active=True).order_by("sort_order", "price").first()
    variants = _variants(store, count)
    added = 0
    for index in range(max(count - len(live), 0)):
        if method is None or len(variants) < 2:
            say("Ready-to-ship demo orders: the store has no shipping method or stock; none added.")
            break
        cart = cart_create(store=store)
        first, second = variants[(2 * index) % len(variants)], variants[(2 * index + 1) % len(variants)]
        cart_add_line(cart=cart, variant_id=first.pk, quantity=2)
        cart_add_line(cart=cart, variant_id=second.pk, quantity=1)
        checkout = checkout_for_cart(cart=cart)
        checkout_set_email(checkout=checkout, email=DEMO_BUYER)
        checkout_set_shipping_address(checkout=checkout, address=ADDRESS)
        checkout_set_shipping_method(checkout=checkout, code=method.code)
        setup = checkout_prepare_payment(checkout=checkout)
        localstripe.confirm_test_card(url, setup.id)
        outcome = checkout_pay(checkout=checkout)
        paid = Payment.objects.filter(order=outcome.order, status=Payment.Status.SUCCEEDED).exists()
        say(f"Ready-to-ship demo order {outcome.order.number} in {store.name}: {'paid' if paid else outcome.status}.")
        added += 1
    return added
