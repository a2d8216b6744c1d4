"""The Shippo provider: the real SDK over HTTP to the loopback fake, every answer typed."""

import pytest

from commerce.core.addresses import PostalAddress
from commerce.core.money import Money
from commerce.shipping.interface import AddressRejected, CarrierRefused, Parcel, ProviderUnavailable
from commerce.shipping.providers.shippo import ShippoProvider, parse_track_webhook
from tests.shipping.conftest import DESTINATION

pytestmark = pytest.mark.shipping

ORIGIN = PostalAddress(full_name="Warehouse", line1="500 Dock Rd", city="Chicago", postal_code="60601", country="US")
BOX = Parcel(weight_grams=1500, length_mm=300, width_mm=200, height_mm=100)


@pytest.fixture
def provider(fake_shippo):
    return ShippoProvider(api_key="shippo_test_key", api_base=fake_shippo.url, timeout=1.0)


def quote(provider, to=DESTINATION, currency="USD"):
    return provider.rates(ship_from=ORIGIN, ship_to=to, parcel=BOX, currency=currency)


def test_rates_come_back_as_money_with_carrier_service_and_days_cheapest_first(provider):
    rates = quote(provider)

    assert [(r.carrier, r.service, r.estimated_days) for r in rates] == [
        ("USPS", "Ground Advantage", 5),
        ("USPS", "Priority Mail", 2),
        ("UPS", "Next Day Air", 1),
    ]
    assert rates[0].price == Money("6.55", "USD")  # 4.90 + 1.10 × 1.5 kg, read from the decimal string
    assert rates[0].code == "usps-usps_ground_advantage"
    assert len(rates[0].rate_id) == 32


def test_rates_in_the_local_currency_when_the_platform_converts(provider, fake_shippo):
    fake_shippo.local_currency = "EUR"
    try:
        rates = quote(provider, currency="EUR")
    finally:
        fake_shippo.local_currency = "USD"

    assert {rate.price.currency for rate in rates} == {"EUR"}
    assert quote(provider, currency="GBP") == []  # neither currency matches: nothing to offer


def test_an_address_the_carrier_cannot_find_is_rejected_with_its_message(provider):
    bad = PostalAddress(full_name="A", line1="1 Nowhere Lane", city="X", postal_code="1", country="US")

    with pytest.raises(AddressRejected, match="could not be found"):
        quote(provider, to=bad)


def test_a_carrier_refusal_is_typed(provider):
    refused = PostalAddress(full_name="A", line1="1 Unreachable Rd", city="X", postal_code="1", country="US")

    with pytest.raises(CarrierRefused, match="does not deliver"):
        quote(provider, to=refused)


@pytest.mark.parametrize("status", [500, 502, 503, 429])
def test_server_errors_are_provider_unavailable(provider, fake_shippo, status):
    fake_shippo.fail("/shipments", status=status)

    with pytest.raises(ProviderUnavailable):
        quote(provider)


def test_a_slow_answer_times_out(provider, fake_shippo):
    fake_shippo.fail("/shipments", status=0, delay=1.5)

    with pytest.raises(ProviderUnavailable, match="did not answer"):
        quote(provider)


def test_a_malformed_answer_is_provider_unavailable(provider, fake_shippo):
    fake_shippo.fail("/tracks", status=200)  # 200 with {"detail": ...}: not a track

    with pytest.raises(ProviderUnavailable):
        provider.track(carrier="usps", tracking_number="123")


def test_buy_find_track_and_void_a_label(provider, fake_shippo):
    rate = quote(provider)[0]

    label = provider.buy_label(rate_id=rate.rate_id, reference="magpie-shipment-1")

    assert label.status == "purchased"
    assert label.tracking_number and label.label_url.endswith(".pdf")
    assert label.tracking_url.startswith("https://")
    assert provider.find_label(rate_id=rate.rate_id, reference="magpie-shipment-1") == label
    assert provider.find_label(rate_id=rate.rate_id, reference="magpie-shipment-2") is None
    fake_shippo.advance(label.tracking_number, "TRANSIT", substatus="out_for_delivery")
    tracking = provider.track(carrier="usps", tracking_number=label.tracking_number)
    assert tracking.current.status == "TRANSIT"
    assert tracking.current.substatus == "out_for_delivery"
    assert provider.void_label(transaction_id=label.transaction_id).status == "voided"
    assert provider.void_label(transaction_id=label.transaction_id).status == "refused"  # already voided


def test_an_expired_rate_gives_a_failed_label_with_the_carriers_message(provider):
    label = provider.buy_label(rate_id="0" * 32, reference="magpie-shipment-9")

    assert label.status == "failed"
    assert label.messages == ("This rate does not exist or has expired.",)


def test_unknown_tracking_number_is_a_refusal(provider):
    with pytest.raises(CarrierRefused):
        provider.track(carrier="usps", tracking_number="nope")


def test_webhook_bodies_parse_into_tracking(provider, fake_shippo):
    label = provider.buy_label(rate_id=quote(provider)[0].rate_id, reference="r")
    fake_shippo.advance(label.tracking_number, "DELIVERED")

    event, test, tracking = parse_track_webhook(fake_shippo.webhook_body(label.tracking_number))

    assert (event, test, tracking.current.status) == ("track_updated", True, "DELIVERED")
    with pytest.raises(ValueError):
        parse_track_webhook(b'{"event": "track_updated", "data": {"carrier": 5}}')
