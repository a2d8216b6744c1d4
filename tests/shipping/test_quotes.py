"""Rates for a checkout: live carrier rates, their cache, and the fallback to the rate tables."""

from decimal import Decimal

import pytest

from commerce.core.addresses import PostalAddress
from commerce.core.money import Money
from commerce.shipping.fake_shippo import INVALID_STREET, REFUSED_STREET
from commerce.shipping.interface import AddressRejected
from commerce.shipping.models import ShippingSettings
from commerce.shipping.parcels import parcel_for_items
from commerce.shipping.quotes import FALLBACK_NOTE, UNCONFIRMED_NOTE, shipping_quote
from tests.shipping.conftest import DESTINATION

pytestmark = [pytest.mark.django_db, pytest.mark.shipping]


def quote(store, variant, *, address=DESTINATION, quantity=1, validate=False):
    return shipping_quote(
        store=store,
        address=address,
        items=[(variant, quantity)],
        subtotal=Money(variant.price * quantity, store.currency),
        weight_grams=variant.weight_grams * quantity,
        validate=validate,
    )


@pytest.fixture
def pan(heavy_product):
    return heavy_product.variants.get()


def test_live_rates_when_shippo_is_configured(store, warehouse, table_rate, pan, fake_shippo):
    result = quote(store, pan, quantity=2)

    assert result.note == ""
    assert [(r.name, r.provider, r.estimated_days) for r in result.rates][:2] == [
        ("USPS Ground Advantage", "shippo", "5 business days"),
        ("USPS Priority Mail", "shippo", "2 business days"),
    ]
    # 2 × 2 kg + 100 g of packaging = 4.1 kg → 4.90 + 1.10 × 4.1
    assert result.rates[0].price == Money("9.41", "USD")
    assert all(rate.rate_id for rate in result.rates)


def test_live_rates_are_cached_per_parcel_and_address(store, warehouse, table_rate, pan, fake_shippo):
    first = quote(store, pan)
    again = quote(store, pan)
    other_quantity = quote(store, pan, quantity=3)
    other_address = quote(store, pan, address=PostalAddress(**{**DESTINATION.as_dict(), "postal_code": "62702"}))

    assert again == first  # same rate ids: served from the cache
    assert other_quantity.rates[0].rate_id != first.rates[0].rate_id
    assert other_address.rates[0].rate_id != first.rates[0].rate_id
    assert fake_shippo.count("POST", "/shipments") == 3


@pytest.mark.parametrize("fault", [{"status": 500}, {"status": 503}, {"status": 0, "delay": 1.5}])
def test_a_failing_or_slow_carrier_falls_back_to_the_tables_with_a_note(
    store, warehouse, table_rate, pan, fake_shippo, fault
):
    fake_shippo.fail("/shipments", **fault)

    result = quote(store, pan)

    assert [(rate.code, rate.price.amount) for rate in result.rates] == [("standard", Decimal("5.00"))]
    assert result.note == FALLBACK_NOTE
    quote(store, pan)
    assert fake_shippo.count("POST", "/shipments") == 1  # the failure is remembered for a minute


def test_a_carrier_refusal_falls_back_too(store, warehouse, table_rate, pan, fake_shippo):
    refused = PostalAddress(**{**DESTINATION.as_dict(), "line1": f"2 {REFUSED_STREET} Rd"})

    result = quote(store, pan, address=refused)

    assert [rate.code for rate in result.rates] == ["standard"]
    assert result.note == FALLBACK_NOTE


def test_an_address_the_carrier_rejects_is_an_error_only_when_validating(
    store, warehouse, table_rate, pan, fake_shippo
):
    bad = PostalAddress(**{**DESTINATION.as_dict(), "line1": f"1 {INVALID_STREET} Lane"})

    with pytest.raises(AddressRejected, match="could not be found"):
        quote(store, pan, address=bad, validate=True)
    result = quote(store, pan, address=bad)
    assert [rate.code for rate in result.rates] == ["standard"]
    assert result.note == UNCONFIRMED_NOTE


def test_no_key_means_the_tables_and_no_request(store, warehouse, table_rate, pan, fake_shippo, settings):
    settings.SHIPPO_API_KEY = None

    result = quote(store, pan)

    assert [rate.code for rate in result.rates] == ["standard"]
    assert fake_shippo.requests == []


def test_a_store_may_turn_live_rates_off(store, warehouse, table_rate, pan, fake_shippo):
    ShippingSettings.objects.update_or_create(site=store.site, defaults={"live_rates": False})

    assert [rate.code for rate in quote(store, pan).rates] == ["standard"]
    assert fake_shippo.requests == []


def test_no_ship_from_address_means_the_tables(store, table_rate, pan, fake_shippo):
    assert [rate.code for rate in quote(store, pan).rates] == ["standard"]
    assert fake_shippo.requests == []


def test_parcels_use_store_defaults_where_the_variant_has_no_weight_or_size(store, pan):
    from commerce.catalog.models import ProductVariant

    store.default_weight_grams, store.default_length_mm, store.default_width_mm, store.default_height_mm = (
        300,
        100,
        400,
        20,
    )
    settings = ShippingSettings(packaging_weight_grams=50)
    unknown = ProductVariant(weight_grams=None, length_mm=None, width_mm=None, height_mm=None)

    parcel = parcel_for_items(items=[(pan, 1), (unknown, 2)], store=store, settings=settings)

    assert parcel.weight_grams == 2000 + 2 * 300 + 50
    assert (parcel.length_mm, parcel.width_mm, parcel.height_mm) == (300, 400, 80 + 2 * 20)
