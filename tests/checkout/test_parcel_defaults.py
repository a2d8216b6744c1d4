"""A variant's weight and size are optional (issue 17): left empty, the store's parcel defaults
apply, so shipping rates by weight still see a weight (no required zeros in the product editor)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from commerce.cart.services import cart_add_line, cart_create
from commerce.checkout.selectors import checkout_summary
from commerce.checkout.services import checkout_for_cart, checkout_set_shipping_address
from commerce.shipping.models import ShippingMethod
from commerce.stores.models import Store
from tests.checkout.conftest import ADDRESS

pytestmark = [pytest.mark.django_db, pytest.mark.catalogue]


def test_a_variant_without_weight_ships_at_the_stores_default(store, variant):
    Store.objects.filter(pk=store.pk).update(default_weight_grams=800)
    store.refresh_from_db()
    assert variant.weight_grams is None  # the factory leaves it empty, as the editor does
    ShippingMethod.objects.create(store=store, name="Letter", code="letter", price=Decimal("2"), max_weight_grams=1000)
    ShippingMethod.objects.create(store=store, name="Parcel", code="parcel", price=Decimal("6"), min_weight_grams=1001)
    cart = cart_create(store=store)
    cart_add_line(cart=cart, variant_id=variant.pk, quantity=2)
    checkout = checkout_for_cart(cart=cart)
    checkout_set_shipping_address(checkout=checkout, address=ADDRESS)

    summary = checkout_summary(checkout=checkout)

    assert summary.weight_grams == 1600
    assert [rate.code for rate in summary.rates] == ["parcel"]


def test_a_variants_own_weight_and_size_win_over_the_defaults(store, variant):
    store.default_weight_grams, store.default_length_mm = 800, 300
    store.default_width_mm, store.default_height_mm = 200, 100
    variant.weight_grams, variant.length_mm = 250, 0
    assert variant.shipping_weight_grams(store) == 250
    assert variant.parcel_mm(store) == (0, 200, 100)  # 0 typed by hand is kept; empty means the default
