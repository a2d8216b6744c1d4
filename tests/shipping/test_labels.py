"""Labels for fulfilments: bought once (retries, timeouts and double clicks included), voided, refused."""

import pytest
from django.core import mail

from commerce.core.exceptions import CommerceError
from commerce.orders.models import Fulfilment, Order
from commerce.shipping.labels import shipment_buy_label, shipment_void_label
from commerce.shipping.models import Shipment, ShipmentStatus
from tests.threads import run_together

pytestmark = pytest.mark.shipping


def transactions_bought(fake_shippo) -> int:
    return sum(1 for t in fake_shippo.transactions.values() if t["status"] in {"SUCCESS", "REFUNDED"})


@pytest.mark.django_db
def test_buying_a_label_records_it_and_ships_the_fulfilment_with_one_email(
    fulfilment, fake_shippo, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        shipment = shipment_buy_label(fulfilment=fulfilment)

    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.LABEL_CREATED
    assert (shipment.carrier, shipment.service) == ("USPS", "Priority Mail")  # the shopper's service
    assert str(shipment.cost) == "12.06" and shipment.currency == "USD"
    assert shipment.tracking_number and shipment.label_url.endswith(".pdf")
    assert shipment.location_id == fulfilment.location_id
    fulfilment.refresh_from_db()
    assert fulfilment.status == Fulfilment.Status.SHIPPED
    assert (fulfilment.carrier, fulfilment.tracking_number) == ("USPS", shipment.tracking_number)
    assert Order.objects.get(pk=fulfilment.order_id).delivery_status == "label_created"
    assert len(mail.outbox) == 1  # "on its way", with the tracking link
    assert shipment.tracking_url in mail.outbox[0].body

    with django_capture_on_commit_callbacks(execute=True):
        assert shipment_buy_label(fulfilment=fulfilment).pk == shipment.pk  # again: the same label
    assert transactions_bought(fake_shippo) == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_retry_after_a_timeout_finds_the_label_instead_of_buying_another(fulfilment, fake_shippo):
    fake_shippo.fail("/transactions", status=0, delay=1.5)  # Shippo buys it, but answers too late

    with pytest.raises(CommerceError, match="will not be bought twice"):
        shipment_buy_label(fulfilment=fulfilment)
    pending = Shipment.objects.get()
    assert (pending.status, pending.purchase_attempts) == (ShipmentStatus.PURCHASING, 1)
    assert transactions_bought(fake_shippo) == 1

    shipment = shipment_buy_label(fulfilment=fulfilment)

    assert shipment.status == ShipmentStatus.LABEL_CREATED
    assert transactions_bought(fake_shippo) == 1
    assert fake_shippo.count("POST", "/transactions") == 1
    assert shipment.transaction_id == next(iter(fake_shippo.transactions))


@pytest.mark.django_db
def test_a_refused_label_is_recorded_and_a_new_one_may_be_bought(fulfilment, fake_shippo):
    fake_shippo.fail("/transactions", status=400)

    with pytest.raises(CommerceError, match="refused the label"):
        shipment_buy_label(fulfilment=fulfilment)
    assert Shipment.objects.get().status == ShipmentStatus.LABEL_FAILED
    fulfilment.refresh_from_db()
    assert fulfilment.status == Fulfilment.Status.PENDING

    shipment = shipment_buy_label(fulfilment=fulfilment)
    assert shipment.status == ShipmentStatus.LABEL_CREATED
    assert shipment.idempotency_key.endswith("-label-2")


@pytest.mark.django_db
def test_staff_may_choose_another_service_but_not_one_not_offered(fulfilment, fake_shippo):
    with pytest.raises(CommerceError, match="not offered"):
        shipment_buy_label(fulfilment=fulfilment, service_code="fedex-overnight")
    assert not Shipment.objects.exists()

    assert shipment_buy_label(fulfilment=fulfilment, service_code="ups-ups_next_day_air").carrier == "UPS"


@pytest.mark.django_db
def test_voiding_a_label_puts_the_fulfilment_back_and_allows_a_new_label(fulfilment, fake_shippo):
    shipment = shipment_buy_label(fulfilment=fulfilment)

    voided = shipment_void_label(shipment=shipment)

    assert voided.status == ShipmentStatus.VOIDED and voided.refund_id
    fulfilment.refresh_from_db()
    assert (fulfilment.status, fulfilment.tracking_number) == (Fulfilment.Status.PENDING, "")
    assert Order.objects.get(pk=fulfilment.order_id).delivery_status == ""
    with pytest.raises(CommerceError, match="not scanned"):
        shipment_void_label(shipment=voided)
    assert shipment_buy_label(fulfilment=fulfilment).status == ShipmentStatus.LABEL_CREATED


@pytest.mark.django_db
def test_a_void_shippo_refuses_changes_nothing(fulfilment, fake_shippo):
    shipment = shipment_buy_label(fulfilment=fulfilment)
    fake_shippo.transactions[shipment.transaction_id]["status"] = "ERROR"  # e.g. already scanned

    with pytest.raises(CommerceError, match="refused to void"):
        shipment_void_label(shipment=shipment)

    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.LABEL_CREATED


@pytest.mark.django_db
def test_without_shippo_labels_are_refused_clearly(fulfilment, settings):
    settings.SHIPPO_API_KEY = None

    with pytest.raises(CommerceError, match="SHIPPO_API_KEY"):
        shipment_buy_label(fulfilment=fulfilment)


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_two_purchases_at_once_buy_one_label(fulfilment, fake_shippo):
    results = run_together([lambda: shipment_buy_label(fulfilment=fulfilment) for _ in range(2)])

    assert not [r for r in results if isinstance(r, Exception)], results
    assert {r.pk for r in results} == {Shipment.objects.get().pk}
    assert transactions_bought(fake_shippo) == 1
    assert fake_shippo.count("POST", "/transactions") == 1
