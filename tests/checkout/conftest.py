from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from commerce.accounts.models import StaffProfile, User
from commerce.accounts.roles import role_groups_sync
from commerce.cart.services import cart_add_line, cart_create
from commerce.checkout.services import (
    checkout_for_cart,
    checkout_pay,
    checkout_place_order,
    checkout_prepare_payment,
    checkout_set_email,
    checkout_set_shipping_address,
    checkout_set_shipping_method,
)
from commerce.core.addresses import PostalAddress
from commerce.orders.models import Order
from commerce.orders.roles import fulfilment_permissions_grant
from commerce.payments.models import Payment
from commerce.payments.services import payment_create_for_order
from commerce.shipping.models import ShippingMethod
from tests.conftest import ensure_wagtail_roots
from tests.factories import ProductPageFactory
from tests.localstripe import browser_confirms_card

ADDRESS = PostalAddress(
    full_name="Ada Shopper", line1="1 Main St", city="Springfield", postal_code="12345", country="US"
)
# The address step's form as a shopper fills it in (a US address needs its state).
ADDRESS_FORM = {
    "full_name": "Ada",
    "line1": "1 Main",
    "city": "Springfield",
    "postal_code": "12345",
    "region": "NY",
    "country": "US",
}


@pytest.fixture
def shipping(store):
    return ShippingMethod.objects.create(store=store, name="Standard", code="standard", price=Decimal("5.00"))


@pytest.fixture
def product(store):
    return ProductPageFactory(store=store, title="Canvas tote", price="20.00", stock=5)


@pytest.fixture
def variant(product):
    return product.variants.get()


@pytest.fixture
def ready_checkout(store, shipping, variant):
    """A guest checkout with one line (2 × 20.00), an address and a shipping method."""

    def make(quantity: int = 2, *, email: str = "ada@example.com", cart=None):
        cart = cart or cart_create(store=store)
        cart_add_line(cart=cart, variant_id=variant.pk, quantity=quantity)
        checkout = checkout_for_cart(cart=cart)
        checkout_set_email(checkout=checkout, email=email)
        checkout_set_shipping_address(checkout=checkout, address=ADDRESS)
        checkout_set_shipping_method(checkout=checkout, code="standard")
        return checkout

    return make


@pytest.fixture
def payment(ready_checkout, stripe_gateway):
    """An order of 45.00 with a payment waiting on the (fake) intent ``pi_test_1``: what webhooks act on."""
    order = checkout_place_order(checkout=ready_checkout(2))
    payment = payment_create_for_order(order=order)
    Payment.objects.filter(pk=payment.pk).update(intent_id="pi_test_1", status=Payment.Status.REQUIRES_ACTION)
    payment.refresh_from_db()
    return payment


def make_checkout(store, lines: list[tuple[int, int]], email: str):
    cart = cart_create(store=store)
    for variant_id, quantity in lines:
        cart_add_line(cart=cart, variant_id=variant_id, quantity=quantity)
    checkout = checkout_for_cart(cart=cart)
    checkout_set_email(checkout=checkout, email=email)
    checkout_set_shipping_address(checkout=checkout, address=ADDRESS)
    checkout_set_shipping_method(checkout=checkout, code="standard")
    return checkout


# Staff and paid orders for the back-office tests (issue 11).


@pytest.fixture
def roles(db):
    from django.apps import apps

    ensure_wagtail_roots()
    role_groups_sync(apps)
    fulfilment_permissions_grant(apps)


@pytest.fixture
def staff(roles, store):
    """``staff(role)``: a signed-in client for a member of that role, limited to ``store``."""

    def make(role: str) -> tuple[Client, User]:
        email = f"{role.lower().replace(' ', '-')}@example.com"
        user = User.objects.filter(email=email).first()  # asked for twice: the same member of staff
        if user is None:
            user = User.objects.create_user(email=email, password="x" * 12)
            user.is_staff = True
            user.save()
            user.groups.add(Group.objects.get(name=role))
            StaffProfile.objects.create(user=user, all_stores=False).stores.add(store)
        client = Client()
        client.force_login(user)
        return client, user

    return make


@pytest.fixture
def paid_order(ready_checkout, stripe_gateway):
    """``paid_order(quantity)``: a card-paid order of quantity × 20.00 plus 5.00 shipping."""

    def make(quantity: int = 2) -> Order:
        checkout = ready_checkout(quantity)
        setup = checkout_prepare_payment(checkout=checkout)
        assert browser_confirms_card(stripe_gateway, setup.id) == "succeeded"
        checkout_pay(checkout=checkout)
        return Order.objects.get(checkout_token=checkout.token)

    return make
