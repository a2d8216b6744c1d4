"""Issue 11: fulfilling paid orders from the order screen — line by line or fully, from a stock
location, marked shipped with carrier and tracking, the customer emailed once."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse
from wagtail.models import ModelLogEntry

from commerce.accounts.roles import CUSTOMER_SERVICE, MANAGER, MARKETER, OWNER
from commerce.checkout.services import checkout_place_order
from commerce.core.exceptions import CommerceError
from commerce.inventory.models import MovementKind, StockLevel, StockLocation, StockMovement
from commerce.inventory.services import StockChange, stock_change
from commerce.orders.fulfilment import FulfilLine, fulfilment_mark_shipped, order_fulfil
from commerce.orders.models import Fulfilment, OrderEvent, StockReservation

pytestmark = [pytest.mark.django_db, pytest.mark.backoffice]


def fulfil_url(order) -> str:
    return reverse("orders_fulfil", args=[order.pk])


def audit(order) -> list[str]:
    return list(ModelLogEntry.objects.filter(object_id=str(order.pk)).order_by("pk").values_list("action", flat=True))


def test_fulfil_one_unit_with_tracking_then_the_rest_then_mark_shipped(
    staff, paid_order, variant, django_capture_on_commit_callbacks
):
    client, manager = staff(MANAGER)
    order = paid_order(3)
    line = order.lines.get()
    sold_at = StockReservation.objects.get(order=order).location
    mail.outbox.clear()

    page = client.get(fulfil_url(order))
    assert page.status_code == 200
    assert page.context["form"]["location"].initial == sold_at.pk  # where the stock was reserved
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            fulfil_url(order),
            {
                f"quantity_{line.pk}": "1",
                "location": sold_at.pk,
                "carrier": "UPS",
                "tracking_number": "1Z999AA10123456784",
                "ship_now": "on",
            },
        )

    assert response.status_code == 302
    order.refresh_from_db()
    line.refresh_from_db()
    first = Fulfilment.objects.get(order=order)
    assert (order.status, line.quantity_fulfilled) == ("partially_fulfilled", 1)
    assert (first.status, first.carrier, first.created_by) == ("shipped", "UPS", manager)
    assert first.tracking_url == "https://www.ups.com/track?tracknum=1Z999AA10123456784"
    assert [m.subject for m in mail.outbox] == [f"{order.store.name}: order {order.number} is on its way"]
    assert first.tracking_url in mail.outbox[0].body and first.tracking_url in mail.outbox[0].alternatives[0][0]
    # Shipping from where it was sold moves no stock: the sale already took it off the shelf.
    assert not StockMovement.objects.exclude(kind__in=[MovementKind.OPENING, MovementKind.SOLD]).exists()

    with django_capture_on_commit_callbacks(execute=True):
        rest = order_fulfil(order=order, lines=None, actor=manager)  # everything left, not shipped yet
    order.refresh_from_db()
    line.refresh_from_db()
    assert (order.status, line.quantity_fulfilled, rest.status, rest.sequence) == ("fulfilled", 3, "pending", 2)
    assert len(mail.outbox) == 1  # nothing shipped yet, nothing said

    ship = reverse("orders_ship", args=[order.pk, rest.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            client.post(
                ship, {"carrier": "Royal Mail", "tracking_number": "RM1", "tracking_url": "http://rm.example/RM1"}
            ).status_code
            == 302
        )
        again = client.post(ship, {"carrier": "Royal Mail", "tracking_number": "RM1"})
    assert again.status_code == 400 and "already marked shipped" in again.content.decode()
    assert len(mail.outbox) == 2 and "http://rm.example/RM1" in mail.outbox[1].body
    assert order.events.filter(type=OrderEvent.Type.EMAIL_SENT, data__kind="shipped").count() == 2
    assert audit(order) == ["magpie.order.fulfil", "magpie.order.ship", "magpie.order.fulfil", "magpie.order.ship"]
    page = client.get(reverse("orders_order_modeladmin_inspect", args=[order.pk])).content.decode()
    assert "1Z999AA10123456784" in page and "RM1" in page and ">Fulfil<" not in page


def test_never_more_than_ordered_and_nothing_changes_on_a_refusal(staff, paid_order):
    client, manager = staff(MANAGER)
    order = paid_order(2)
    line = order.lines.get()

    too_many = client.post(
        fulfil_url(order), {f"quantity_{line.pk}": "3", "location": order.store.stock_locations.first().pk}
    )
    bad_url = client.post(
        fulfil_url(order),
        {
            f"quantity_{line.pk}": "1",
            "location": order.store.stock_locations.first().pk,
            "tracking_url": "javascript:alert(1)",
        },
    )
    none = client.post(
        fulfil_url(order), {f"quantity_{line.pk}": "0", "location": order.store.stock_locations.first().pk}
    )

    assert (too_many.status_code, bad_url.status_code, none.status_code) == (400, 400, 400)
    assert "Choose at least one unit" in none.content.decode()
    order_fulfil(order=order, lines=[FulfilLine(line.pk, 2)], actor=manager)
    with pytest.raises(CommerceError, match="something left to ship"):
        order_fulfil(order=order, lines=[FulfilLine(line.pk, 1)], actor=manager)
    line.refresh_from_db()
    assert line.quantity_fulfilled == 2 and Fulfilment.objects.count() == 1


def test_units_refunded_before_shipping_are_not_shipped(staff, paid_order):
    _client, manager = staff(MANAGER)
    order = paid_order(3)
    line = order.lines.get()
    from commerce.checkout.order_actions import order_staff_refund
    from commerce.payments.refunds import RefundLineRequest

    order_staff_refund(
        order=order, to="card", amount=None, lines=[RefundLineRequest(line.pk, 1)], reason="", actor=manager,
        request_key="before-shipping",
    )  # fmt: skip

    with pytest.raises(CommerceError, match="At most 2 of"):
        order_fulfil(order=order, lines=[FulfilLine(line.pk, 3)], actor=manager)
    fulfilment = order_fulfil(order=order, actor=manager)
    order.refresh_from_db()
    assert [fl.quantity for fl in fulfilment.lines.all()] == [2]
    assert order.status == "fulfilled"


def test_an_unpaid_order_cannot_be_fulfilled(staff, ready_checkout):
    client, manager = staff(MANAGER)
    order = checkout_place_order(checkout=ready_checkout(1))
    with pytest.raises(CommerceError, match="Only a paid order"):
        order_fulfil(order=order, actor=manager)
    assert client.get(fulfil_url(order)).status_code == 200  # the form shows, the POST is refused
    line = order.lines.get()
    response = client.post(
        fulfil_url(order), {f"quantity_{line.pk}": "1", "location": order.store.stock_locations.first().pk}
    )
    assert response.status_code == 400 and not Fulfilment.objects.exists()


def test_shipping_from_another_location_moves_the_sale_there(staff, paid_order, store, variant):
    _client, manager = staff(MANAGER)
    order = paid_order(2)
    sold_at = StockReservation.objects.get(order=order).location
    shop = StockLocation.objects.create(store=store, name="Shop floor", priority=0)
    stock_change(changes=[StockChange(variant.pk, shop.pk, delta=4)], reason="received")
    empty = StockLocation.objects.create(store=store, name="Empty", priority=0)

    with pytest.raises(CommerceError, match="only 0 available"):
        order_fulfil(order=order, location_id=empty.pk, actor=manager)
    order_fulfil(order=order, location_id=shop.pk, actor=manager)

    levels = {lv.location_id: lv.on_hand for lv in StockLevel.objects.filter(variant=variant)}
    assert levels[sold_at.pk] == 5  # the two sold units never left the warehouse: back on its books
    assert levels[shop.pk] == 2  # they left the shop floor instead
    moves = StockMovement.objects.filter(kind__in=["transfer_out", "transfer_in"]).values_list("kind", "quantity")
    assert sorted(moves) == [("transfer_in", 2), ("transfer_out", -2)]


def test_marking_a_fulfilment_shipped_twice_emails_once(staff, paid_order, django_capture_on_commit_callbacks):
    _client, manager = staff(MANAGER)
    order = paid_order(1)
    fulfilment = order_fulfil(order=order, actor=manager)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        fulfilment_mark_shipped(fulfilment=fulfilment, carrier="DHL", tracking_number="JD0001", actor=manager)
    with pytest.raises(CommerceError):
        fulfilment_mark_shipped(fulfilment=fulfilment, carrier="DHL", tracking_number="JD0001", actor=manager)
    from commerce.orders.tasks import send_shipped_email

    send_shipped_email.call(order.pk, fulfilment.pk)  # a retried job sends nothing more

    assert len(mail.outbox) == 1 and "https://www.dhl.com/en/express/tracking.html?AWB=JD0001" in mail.outbox[0].body


@pytest.mark.parametrize(
    ("role", "allowed"), [(OWNER, True), (MANAGER, True), (CUSTOMER_SERVICE, False), (MARKETER, False)]
)
def test_permission_matrix_for_fulfil_and_ship(staff, paid_order, role, allowed):
    client, _user = staff(role)
    order = paid_order(2)
    line = order.lines.get()
    location = order.store.stock_locations.first().pk
    _m, manager = staff(MANAGER)
    pending = order_fulfil(order=order, lines=[FulfilLine(line.pk, 1)], actor=manager)

    def answer(response) -> object:
        return "denied" if response.status_code == 302 and response["Location"] == "/admin/" else response.status_code

    answers = {
        "form": answer(client.get(fulfil_url(order))),
        "fulfil": answer(client.post(fulfil_url(order), {f"quantity_{line.pk}": "1", "location": location})),
        "ship": answer(client.post(reverse("orders_ship", args=[order.pk, pending.pk]), {"carrier": "UPS"})),
    }

    order.refresh_from_db()
    pending.refresh_from_db()
    if allowed:
        assert answers == {"form": 200, "fulfil": 302, "ship": 302}
        assert (order.status, pending.status) == ("fulfilled", "shipped")
    else:
        assert answers == {"form": "denied", "fulfil": "denied", "ship": "denied"}
        assert (order.status, pending.status, Fulfilment.objects.count()) == ("partially_fulfilled", "pending", 1)


def test_another_stores_order_is_not_found(staff, paid_order, other_store):
    client, _ = staff(MANAGER)
    order = paid_order(1)
    order.store = other_store
    order.save(update_fields=["store"])

    assert client.get(fulfil_url(order)).status_code == 404
    assert not Fulfilment.objects.exists()


def test_the_customer_sees_the_parcel_and_its_tracking_link_on_their_order_page(staff, paid_order):
    from django.test import Client

    from commerce.accounts.models import User

    _client, manager = staff(MANAGER)
    order = paid_order(2)
    customer = User.objects.create_user(email="ada@example.com", password="x" * 12)
    order.customer = customer
    order.save(update_fields=["customer"])
    order_fulfil(order=order, ship_now=True, carrier="FedEx", tracking_number="7489", actor=manager)
    shopper = Client()
    shopper.force_login(customer)

    html = shopper.get(reverse("orders:detail", args=[order.number])).content.decode()

    assert "with FedEx" in html and "https://www.fedex.com/fedextrack/?trknbr=7489" in html
    assert "Return items" in html
