"""Staff buy, void and print from the order screen; the customer sees tracking on their order page."""

import pytest
from django.contrib.auth.models import Permission
from django.core import mail

from commerce.orders.links import order_guest_url
from commerce.orders.models import Order
from commerce.orders.returns import ReturnLineRequest, return_request_create
from commerce.shipping.models import Shipment, ShipmentStatus
from commerce.shipping.providers.shippo import ShippoProvider
from commerce.shipping.tracking import shipment_apply_tracking

pytestmark = [pytest.mark.django_db, pytest.mark.shipping]


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_user(email="manager@example.com", password="x" * 12, is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        Permission.objects.get(content_type__app_label="orders", codename="add_fulfilment"),
        Permission.objects.get(content_type__app_label="orders", codename="view_order"),
    )
    client.force_login(user)
    return client


def order_page(client, order_id):
    return client.get(f"/admin/orders/order/inspect/{order_id}/")


def test_staff_buy_a_label_choosing_a_service_from_the_order_screen(staff_client, fulfilment, fake_shippo):
    url = f"/admin/orders/{fulfilment.order_id}/fulfilments/{fulfilment.pk}/label/"
    form = staff_client.get(url)
    assert form.status_code == 200
    html = form.content.decode()
    assert "USPS Priority Mail" in html and "UPS Next Day Air" in html
    assert form.context["form"].fields["service"].initial == "usps-usps_priority"  # the shopper's choice

    response = staff_client.post(url, {"service": "ups-ups_next_day_air"})

    assert response.status_code == 302
    shipment = Shipment.objects.get()
    assert (shipment.carrier, shipment.status) == ("UPS", ShipmentStatus.LABEL_CREATED)
    assert shipment.created_by.email == "manager@example.com"
    page = order_page(staff_client, fulfilment.order_id).content.decode()
    assert "Labels and tracking" in page and shipment.tracking_number in page and "Label (PDF)" in page


def test_a_service_not_offered_is_a_form_error_and_buys_nothing(staff_client, fulfilment, fake_shippo):
    url = f"/admin/orders/{fulfilment.order_id}/fulfilments/{fulfilment.pk}/label/"

    response = staff_client.post(url, {"service": "made-up"})

    assert response.status_code == 400
    assert response.context["form"].errors["service"]
    assert not Shipment.objects.exists() and fake_shippo.count("POST", "/transactions") == 0


def test_void_from_the_order_screen(staff_client, fulfilment, fake_shippo):
    staff_client.post(
        f"/admin/orders/{fulfilment.order_id}/fulfilments/{fulfilment.pk}/label/", {"service": "usps-usps_priority"}
    )
    shipment = Shipment.objects.get()
    url = f"/admin/orders/{fulfilment.order_id}/labels/{shipment.pk}/void/"

    assert staff_client.get(url).status_code == 200  # a confirmation, nothing voided
    assert Shipment.objects.get().status == ShipmentStatus.LABEL_CREATED
    assert staff_client.post(url).status_code == 302
    assert Shipment.objects.get().status == ShipmentStatus.VOIDED


def test_packing_slip_lists_the_fulfilment(staff_client, fulfilment, fake_shippo):
    response = staff_client.get(f"/admin/orders/{fulfilment.order_id}/fulfilments/{fulfilment.pk}/packing-slip/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "packing slip" in html and "Cast-iron pan" in html and "500 Dock Rd" in html and "Ada Shopper" in html


def test_staff_without_the_fulfil_permission_are_refused(client, django_user_model, fulfilment, fake_shippo):
    user = django_user_model.objects.create_user(email="cs@example.com", password="x" * 12, is_staff=True)
    user.user_permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    client.force_login(user)

    response = client.post(
        f"/admin/orders/{fulfilment.order_id}/fulfilments/{fulfilment.pk}/label/", {"service": "usps-usps_priority"}
    )

    assert response.status_code in (302, 403)
    assert not Shipment.objects.exists()


def test_a_return_label_for_an_approved_return_is_emailed(
    staff_client, fulfilment, fake_shippo, django_capture_on_commit_callbacks
):
    staff_client.post(
        f"/admin/orders/{fulfilment.order_id}/fulfilments/{fulfilment.pk}/label/", {"service": "usps-usps_priority"}
    )
    order = Order.objects.get(pk=fulfilment.order_id)
    line = order.lines.get()
    return_request = return_request_create(
        order=order, lines=[ReturnLineRequest(line.pk, 1, "damaged")], actor=None, by_staff=True
    )
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(f"/admin/orders/{order.pk}/returns/{return_request.pk}/label/")

    assert response.status_code == 302
    label = Shipment.objects.get(kind=Shipment.Kind.RETURN)
    assert (label.status, label.location_id) == (ShipmentStatus.LABEL_CREATED, fulfilment.location_id)
    assert [m.subject for m in mail.outbox] == [f"{order.store.name}: your return label for order {order.number}"]
    assert label.label_url in mail.outbox[0].body


def test_the_customers_order_page_shows_tracking(client, fulfilment, fake_shippo, settings):
    from commerce.shipping.labels import shipment_buy_label

    shipment = shipment_buy_label(fulfilment=fulfilment)
    fake_shippo.advance(shipment.tracking_number, "TRANSIT", "Arrived at the Chicago hub")
    provider = ShippoProvider(api_key="k", api_base=fake_shippo.url)
    shipment_apply_tracking(
        shipment=shipment, tracking=provider.track(carrier="usps", tracking_number=shipment.tracking_number)
    )

    page = client.get(order_guest_url(Order.objects.get(pk=fulfilment.order_id)))

    html = page.content.decode()
    assert page.status_code == 200
    assert "Tracking" in html and "In transit" in html and "Arrived at the Chicago hub" in html
    assert shipment.tracking_number in html
