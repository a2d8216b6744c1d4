"""Issue 11: returns (RMA) — the customer asks from their order page, staff approve, receive (with
restock) and refund through the one refund path; or reject; each step emails the customer."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from wagtail.models import ModelLogEntry

from commerce.accounts.models import User
from commerce.accounts.roles import CUSTOMER_SERVICE, MANAGER, MARKETER, OWNER
from commerce.checkout.return_actions import return_refund
from commerce.core.exceptions import CommerceError
from commerce.orders.fulfilment import FulfilLine, order_fulfil
from commerce.orders.models import OrderEvent, ReturnRequest
from commerce.orders.returns import ReturnLineRequest, return_receive, return_request_create
from commerce.payments.models import Refund
from commerce.promotions.models import GiftCard
from tests.factories import stock_of

pytestmark = [pytest.mark.django_db, pytest.mark.backoffice]


@pytest.fixture
def customer(db) -> User:
    return User.objects.create_user(email="ada@example.com", password="x" * 12)


@pytest.fixture
def shipped_order(paid_order, staff, customer):
    """``shipped_order(quantity, shipped)``: the customer's paid order with ``shipped`` units fulfilled."""

    def make(quantity: int = 2, shipped: int = 2):
        order = paid_order(quantity)
        order.customer = customer
        order.save(update_fields=["customer"])
        _client, manager = staff(MANAGER)
        order_fulfil(order=order, lines=[FulfilLine(order.lines.get().pk, shipped)], ship_now=True, actor=manager)
        return order

    return make


def customer_client(customer: User) -> Client:
    client = Client()
    client.force_login(customer)
    return client


def subjects() -> list[str]:
    return [message.subject.split(": ", 1)[1] for message in mail.outbox]


def test_the_return_flow_end_to_end(shipped_order, customer, staff, variant, django_capture_on_commit_callbacks):
    order = shipped_order(2, 2)
    line = order.lines.get()
    manager_client, _owner = staff(OWNER)
    shopper = customer_client(customer)
    mail.outbox.clear()
    assert stock_of(variant) == (3, 0)

    # The customer asks from their order page.
    page = shopper.get(reverse("orders:detail", args=[order.number])).content.decode()
    assert reverse("orders:return_request", args=[order.number]) in page
    with django_capture_on_commit_callbacks(execute=True):
        response = shopper.post(
            reverse("orders:return_request", args=[order.number]),
            {f"quantity_{line.pk}": "1", f"reason_{line.pk}": "damaged", "note": "The strap tore"},
        )
    assert response.status_code == 302
    return_request = ReturnRequest.objects.get(order=order)
    assert (return_request.status, return_request.requested_by, return_request.note) == (
        "requested", customer, "The strap tore",
    )  # fmt: skip

    # Staff approve, receive (one unit back on the shelf) and refund to the card.
    base = f"/admin/orders/{order.pk}/returns/{return_request.pk}"
    with django_capture_on_commit_callbacks(execute=True):
        assert manager_client.post(f"{base}/approve/").status_code == 302
    receive_form = manager_client.get(f"{base}/receive/")
    return_line = return_request.lines.get()
    with django_capture_on_commit_callbacks(execute=True):
        assert receive_form.status_code == 200
        assert manager_client.post(f"{base}/receive/", {f"restock_{return_line.pk}": "1"}).status_code == 302
    assert stock_of(variant) == (4, 0)
    with django_capture_on_commit_callbacks(execute=True):
        assert manager_client.post(f"{base}/refund/", {"to": "card"}).status_code == 302
        assert manager_client.post(f"{base}/refund/", {"to": "card"}).status_code == 302  # a double click

    return_request.refresh_from_db()
    order.refresh_from_db()
    line.refresh_from_db()
    refund = Refund.objects.get()
    assert return_request.status == "refunded"
    assert (refund.amount, refund.status, refund.idempotency_key) == (
        Decimal("20.00"), "succeeded", f"magpie-refund-{order.pk}-return-{return_request.pk}",
    )  # fmt: skip
    assert (line.quantity_returned, line.quantity_refunded, order.amount_refunded) == (1, 1, Decimal("20.00"))
    assert subjects() == [
        f"order {order.number}: we have your return request",
        f"order {order.number}: your return is approved",
        f"order {order.number}: we received your return",
        f"refund on order {order.number}",
    ]
    assert "1 × Canvas tote: Arrived damaged" in mail.outbox[0].body
    types = list(order.events.values_list("type", flat=True))
    for step in ("return_requested", "return_approved", "restocked", "return_received", "refunded", "return_refunded"):
        assert step in types
    logged = set(ModelLogEntry.objects.filter(object_id=str(order.pk)).values_list("action", flat=True))
    assert {"magpie.order.return_approve", "magpie.order.return_receive", "magpie.order.return_refund"} <= logged
    page = shopper.get(reverse("orders:detail", args=[order.number])).content.decode()
    assert "Refunded" in page


def test_a_customer_returns_only_shipped_units_of_their_own_order(shipped_order, customer, paid_order):
    order = shipped_order(3, 1)  # one of three shipped
    line = order.lines.get()
    shopper = customer_client(customer)
    url = reverse("orders:return_request", args=[order.number])

    too_many = shopper.post(url, {f"quantity_{line.pk}": "2", f"reason_{line.pk}": "size"})
    no_reason = shopper.post(url, {f"quantity_{line.pk}": "1"})
    nothing = shopper.post(url, {f"quantity_{line.pk}": "0", f"reason_{line.pk}": "size"})
    assert (too_many.status_code, no_reason.status_code, nothing.status_code) == (400, 400, 400)
    assert "Choose a reason" in no_reason.content.decode()

    someone_else = paid_order(1)  # a guest's order in the same store
    assert shopper.get(reverse("orders:return_request", args=[someone_else.number])).status_code == 404
    assert shopper.post(reverse("orders:return_request", args=[someone_else.number])).status_code == 404
    anonymous = Client().post(url, {f"quantity_{line.pk}": "1", f"reason_{line.pk}": "size"})
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    assert not ReturnRequest.objects.exists()

    with pytest.raises(CommerceError, match="At most 1"):
        return_request_create(
            order=order, lines=[ReturnLineRequest(line.pk, 2, "size")], actor=customer, by_staff=False
        )
    return_request_create(order=order, lines=[ReturnLineRequest(line.pk, 1, "size")], actor=customer, by_staff=False)
    with pytest.raises(CommerceError, match="At most 0"):
        return_request_create(
            order=order, lines=[ReturnLineRequest(line.pk, 1, "size")], actor=customer, by_staff=False
        )


def test_staff_reject_a_return_with_a_reason_the_customer_reads(
    shipped_order, staff, django_capture_on_commit_callbacks
):
    order = shipped_order(1, 1)
    client, _agent = staff(CUSTOMER_SERVICE)
    line = order.lines.get()
    created = client.post(
        reverse("orders_return_create", args=[order.pk]), {f"quantity_{line.pk}": "1", f"reason_{line.pk}": "other"}
    )
    return_request = ReturnRequest.objects.get()
    assert created.status_code == 302 and return_request.status == "approved" and return_request.created_by_staff
    mail.outbox.clear()
    url = reverse("orders_return_reject", args=[order.pk, return_request.pk])

    assert client.post(url, {"reason": ""}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"reason": "Worn, past 30 days"}).status_code == 302

    return_request.refresh_from_db()
    assert (return_request.status, return_request.staff_reason) == ("rejected", "Worn, past 30 days")
    assert subjects() == [f"order {order.number}: about your return request"]
    assert "Worn, past 30 days" in mail.outbox[0].body
    receive = client.post(reverse("orders_return_receive", args=[order.pk, return_request.pk]))
    assert receive.status_code == 400 and "rejected" in receive.content.decode()


def test_a_received_return_refunded_as_store_credit_once(shipped_order, staff):
    order = shipped_order(2, 2)
    _client, manager = staff(OWNER)
    line = order.lines.get()
    return_request = return_request_create(
        order=order, lines=[ReturnLineRequest(line.pk, 2, "changed_mind")], actor=manager, by_staff=True
    )
    with pytest.raises(CommerceError, match="receive the goods"):
        return_refund(return_request=return_request, to="gift_card", actor=manager)
    return_receive(return_request=return_request, restock={}, actor=manager)

    return_refund(return_request=return_request, to="gift_card", actor=manager)
    return_refund(return_request=return_request, to="gift_card", actor=manager)

    order.refresh_from_db()
    card = GiftCard.objects.get()
    assert (card.balance, order.amount_refunded) == (Decimal("40.00"), Decimal("40.00"))
    assert order.events.filter(type=OrderEvent.Type.RETURN_REFUNDED).count() == 1


def test_customer_service_above_the_limit_cannot_refund_a_return(shipped_order, staff, store):
    store.customer_service_refund_limit = Decimal("10.00")
    store.save()
    order = shipped_order(1, 1)
    client, agent = staff(CUSTOMER_SERVICE)
    line = order.lines.get()
    return_request = return_request_create(
        order=order, lines=[ReturnLineRequest(line.pk, 1, "damaged")], actor=agent, by_staff=True
    )
    return_receive(return_request=return_request, restock={}, actor=agent)

    response = client.post(reverse("checkout_return_refund", args=[order.pk, return_request.pk]), {"to": "card"})

    assert response.status_code == 400 and "need a manager" in response.content.decode()
    return_request.refresh_from_db()
    assert return_request.status == "received" and not Refund.objects.exists()


@pytest.mark.parametrize(
    ("role", "allowed"), [(OWNER, True), (MANAGER, True), (CUSTOMER_SERVICE, True), (MARKETER, False)]
)
def test_permission_matrix_for_returns(shipped_order, staff, role, allowed):
    order = shipped_order(2, 2)
    client, _user = staff(role)
    line = order.lines.get()
    manager = User.objects.get(email="manager@example.com")
    requested = return_request_create(
        order=order, lines=[ReturnLineRequest(line.pk, 1, "size")], actor=order.customer, by_staff=False
    )
    to_receive = return_request_create(
        order=order, lines=[ReturnLineRequest(line.pk, 1, "size")], actor=manager, by_staff=True
    )

    def answer(response) -> object:
        return "denied" if response.status_code == 302 and response["Location"] == "/admin/" else response.status_code

    answers = {
        "create form": answer(client.get(reverse("orders_return_create", args=[order.pk]))),
        "approve": answer(client.post(reverse("orders_return_approve", args=[order.pk, requested.pk]))),
        "receive": answer(
            client.post(
                reverse("orders_return_receive", args=[order.pk, to_receive.pk]),
                {f"restock_{to_receive.lines.get().pk}": "0"},
            )
        ),
        "refund": answer(
            client.post(reverse("checkout_return_refund", args=[order.pk, to_receive.pk]), {"to": "card"})
        ),
    }

    requested.refresh_from_db()
    to_receive.refresh_from_db()
    if allowed:
        # Nothing left to return, so the create form sends staff back to the order with a message.
        assert answers == {"create form": 302, "approve": 302, "receive": 302, "refund": 302}
        assert (requested.status, to_receive.status) == ("approved", "refunded")
    else:
        assert set(answers.values()) == {"denied"}
        assert (requested.status, to_receive.status) == ("requested", "approved") and not Refund.objects.exists()
