"""The store's own rate tables, on their own: flat, free over a threshold, weight bands, zones."""

from decimal import Decimal

import pytest

from commerce.core.addresses import PostalAddress
from commerce.core.money import Money
from commerce.shipping.models import ShippingMethod
from commerce.shipping.rates import available_rates

pytestmark = [pytest.mark.django_db, pytest.mark.shipping]

US = PostalAddress(full_name="A", line1="1 Main", city="X", postal_code="1", country="US")
CA = PostalAddress(full_name="A", line1="1 Main", city="X", postal_code="1", country="ca")


def offered(store, address=US, subtotal="10.00", grams=0):
    rates = available_rates(store=store, address=address, subtotal=Money(subtotal, "USD"), weight_grams=grams)
    return [(rate.code, rate.price.amount) for rate in rates]


def method(store, code, price, **fields):
    return ShippingMethod.objects.create(store=store, name=code.title(), code=code, price=Decimal(price), **fields)


def test_flat_rates_cheapest_first_inactive_ones_hidden(store):
    method(store, "express", "15.00")
    method(store, "standard", "5.00")
    method(store, "retired", "1.00", is_active=False)

    assert offered(store) == [("standard", Decimal("5.00")), ("express", Decimal("15.00"))]


def test_free_over_a_threshold(store):
    method(store, "standard", "5.00", free_over=Decimal("50.00"))

    assert offered(store, subtotal="49.99") == [("standard", Decimal("5.00"))]
    assert offered(store, subtotal="50.00") == [("standard", Decimal("0.00"))]


def test_weight_bands_pick_the_band_the_parcel_falls_in(store):
    method(store, "light", "4.00", max_weight_grams=999)
    method(store, "heavy", "9.00", min_weight_grams=1000, max_weight_grams=9999)

    assert offered(store, grams=999) == [("light", Decimal("4.00"))]
    assert offered(store, grams=1000) == [("heavy", Decimal("9.00"))]
    assert offered(store, grams=10_000) == []


def test_zones_of_countries(store):
    method(store, "domestic", "5.00", countries="US")
    method(store, "north-america", "12.00", countries="US, CA,MX")

    assert offered(store) == [("domestic", Decimal("5.00")), ("north-america", Decimal("12.00"))]
    assert offered(store, address=CA) == [("north-america", Decimal("12.00"))]


def test_another_stores_rates_are_never_offered(store, other_store):
    method(other_store, "theirs", "1.00")

    assert offered(store) == []
