"""Orders for the back-office tests, placed through the same services checkout uses."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from commerce.cart.services import cart_add_line, cart_create
from commerce.checkout.services import (
    checkout_for_cart,
    checkout_set_email,
    checkout_set_shipping_address,
    checkout_set_shipping_method,
)
from commerce.core.addresses import PostalAddress
from commerce.core.money import Money
from commerce.orders.models import Order
from commerce.orders.services import NewOrderLine, NewOrderTotals, order_place
from commerce.shipping.models import ShippingMethod
from tests.factories import ProductPageFactory

ADDRESS = PostalAddress(
    full_name="Ada Shopper", line1="1 Main St", city="Springfield", postal_code="12345", country="US"
)
SHIPPING = Decimal("5.00")


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser(email="admin@example.com", password="x" * 12)


@pytest.fixture
def superuser_client(client: Client, superuser) -> Client:
    client.force_login(superuser)
    return client


@pytest.fixture
def make_staff(django_user_model) -> Callable[..., object]:
    """A staff member who may enter the Wagtail admin, with the given extra permissions."""

    def make(email: str, *codenames: str):
        user = django_user_model.objects.create_user(email=email, password="x" * 12, is_staff=True)
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
            *Permission.objects.filter(codename__in=codenames),
        )
        return user

    return make


@pytest.fixture
def variant(store):
    return ProductPageFactory(store=store, title="Canvas tote", price="20.00", stock=500).variants.get()


@pytest.fixture
def place_order(variant) -> Callable[..., Order]:
    """``place_order(email=..., quantity=..., variants=[...])``: a pending order with one line per
    variant (default: the Canvas tote), ``quantity`` of each, plus 5.00 shipping."""

    def place(*, email: str = "ada@example.com", quantity: int = 1, variants: list | None = None) -> Order:
        chosen = variants or [variant]
        store = chosen[0].store
        currency = store.currency
        zero = Money(Decimal("0"), currency)
        lines = [
            NewOrderLine(
                variant=item,
                quantity=quantity,
                unit_price=Money(item.price, currency),
                subtotal=Money(item.price * quantity, currency),
                discount=zero,
                tax=zero,
                total=Money(item.price * quantity, currency),
            )
            for item in chosen
        ]
        subtotal = sum((line.total.amount for line in lines), Decimal("0"))
        totals = NewOrderTotals(
            subtotal=Money(subtotal, currency),
            shipping=Money(SHIPPING, currency),
            discount=zero,
            tax=zero,
            total=Money(subtotal + SHIPPING, currency),
            prices_include_tax=False,
        )
        return order_place(
            store=store,
            checkout_token=None,
            customer=None,
            email=email,
            shipping_address=ADDRESS,
            shipping_method_code="standard",
            shipping_method_name="Standard",
            lines=lines,
            totals=totals,
        )

    return place


@pytest.fixture
def ready_checkout(store, variant):
    """A guest checkout with ``quantity`` of the variant (20.00 each), an address and 5.00 shipping."""
    ShippingMethod.objects.create(store=store, name="Standard", code="standard", price=SHIPPING)

    def make(quantity: int = 2, *, email: str = "ada@example.com"):
        cart = cart_create(store=store)
        cart_add_line(cart=cart, variant_id=variant.pk, quantity=quantity)
        checkout = checkout_for_cart(cart=cart)
        checkout_set_email(checkout=checkout, email=email)
        checkout_set_shipping_address(checkout=checkout, address=ADDRESS)
        checkout_set_shipping_method(checkout=checkout, code="standard")
        return checkout

    return make
