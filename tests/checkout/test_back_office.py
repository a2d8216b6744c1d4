"""Issue 11 §1: staff run paid orders from the admin order screen — refund (card or gift card,
by amount or by line with restock), cancel, internal notes — each role only as far as it may."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.models import ModelLogEntry

from commerce.accounts.roles import CUSTOMER_SERVICE, MANAGER, MARKETER, OWNER
from commerce.checkout.order_actions import order_cancel, order_staff_refund
from commerce.checkout.services import checkout_place_order
from commerce.core.exceptions import CommerceError
from commerce.orders.models import Order, OrderEvent, StockReservation
from commerce.payments.models import Refund
from commerce.payments.refunds import RefundLimitExceeded
from commerce.promotions.models import GiftCard
from tests.factories import stock_of

pytestmark = [pytest.mark.django_db, pytest.mark.backoffice]


def refund_url(order: Order) -> str:
    return reverse("checkout_order_refund", args=[order.pk])


def form_key(client: Client, order: Order) -> str:
    page = client.get(refund_url(order))
    assert page.status_code == 200
    return page.context["form"]["request_key"].initial


def audit_actions(order: Order) -> list[tuple[str, str]]:
    entries = ModelLogEntry.objects.filter(object_id=str(order.pk)).select_related("user").order_by("pk")
    return [(entry.action, entry.user.email if entry.user else "") for entry in entries]


@pytest.mark.parametrize(
    ("role", "allowed"), [(OWNER, True), (MANAGER, True), (CUSTOMER_SERVICE, True), (MARKETER, False)]
)
def test_permission_matrix_for_refund_cancel_and_notes(staff, paid_order, role, allowed):
    client, user = staff(role)
    order = paid_order(1)
    page = reverse("orders_order_modeladmin_inspect", args=[order.pk])

    def answer(response) -> object:
        # Wagtail's admin answers a refused permission by sending the user to the dashboard.
        return "denied" if response.status_code == 302 and response["Location"] == "/admin/" else response.status_code

    answers = {
        "page": answer(client.get(page)),
        "refund form": answer(client.get(refund_url(order))),
        "refund": answer(client.post(refund_url(order), {"to": "card", "amount": "5.00", "request_key": "k1"})),
        "note": answer(client.post(reverse("checkout_order_note", args=[order.pk]), {"note": "Called the buyer"})),
        "cancel form": answer(client.get(reverse("checkout_order_cancel", args=[order.pk]))),
        "cancel": answer(client.post(reverse("checkout_order_cancel", args=[order.pk]))),
    }

    order.refresh_from_db()
    if allowed:
        assert answers == {
            "page": 200, "refund form": 200, "refund": 302, "note": 302, "cancel form": 200, "cancel": 302
        }  # fmt: skip
        assert (order.status, order.amount_refunded) == ("cancelled", Decimal("25.00"))
        assert [a for a, _ in audit_actions(order)] == [
            "magpie.order.refund",
            "magpie.order.note",
            "magpie.order.cancel",
        ]
        assert {email for _, email in audit_actions(order)} == {user.email}
    else:
        assert answers == {
            "page": "denied", "refund form": "denied", "refund": "denied", "note": "denied", "cancel form": "denied",
            "cancel": "denied",
        }  # fmt: skip
        assert (order.status, order.amount_refunded) == ("paid", Decimal("0.00"))
        assert not Refund.objects.exists() and audit_actions(order) == []


def test_customer_service_above_the_limit_is_sent_to_a_manager_and_nothing_is_refunded(staff, paid_order, store):
    store.customer_service_refund_limit = Decimal("30.00")
    store.save()
    client, _user = staff(CUSTOMER_SERVICE)
    order = paid_order(2)  # 45.00

    response = client.post(refund_url(order), {"to": "card", "amount": "30.01", "request_key": form_key(client, order)})

    assert response.status_code == 400
    assert "need a manager" in response.content.decode()
    order.refresh_from_db()
    assert order.amount_refunded == 0 and not Refund.objects.exists() and audit_actions(order) == []
    gift = client.post(refund_url(order), {"to": "gift_card", "amount": "31.00", "request_key": "gift-1"})
    assert gift.status_code == 400 and not GiftCard.objects.exists()
    cancel = client.post(reverse("checkout_order_cancel", args=[order.pk]))
    order.refresh_from_db()
    assert cancel.status_code == 302 and (order.status, order.amount_refunded) == ("paid", 0)

    manager, _ = staff(MANAGER)
    ok = manager.post(refund_url(order), {"to": "card", "amount": "30.01", "request_key": form_key(manager, order)})
    order.refresh_from_db()
    assert ok.status_code == 302 and order.amount_refunded == Decimal("30.01")


def test_a_manager_refunds_one_line_with_restock_from_the_screen(staff, paid_order, variant):
    client, user = staff(MANAGER)
    order = paid_order(2)
    line = order.lines.get()
    assert stock_of(variant) == (3, 0)

    response = client.post(
        refund_url(order),
        {
            "to": "card",
            "request_key": form_key(client, order),
            "reason": "Damaged",
            f"quantity_{line.pk}": "1",
            f"restock_{line.pk}": "on",
        },
    )

    assert response.status_code == 302
    order.refresh_from_db()
    line.refresh_from_db()
    assert (order.status, order.amount_refunded, line.quantity_refunded) == (
        "partially_refunded",
        Decimal("20.00"),
        1,
    )
    assert stock_of(variant) == (4, 0)
    refund = Refund.objects.get()
    assert (refund.created_by, refund.status, refund.reason) == (user, "succeeded", "Damaged")
    assert order.events.filter(type=OrderEvent.Type.RESTOCKED, actor=user).exists()


def test_the_same_refund_form_submitted_twice_refunds_once(staff, paid_order):
    client, _ = staff(MANAGER)
    order = paid_order(2)
    data = {"to": "card", "amount": "10.00", "request_key": form_key(client, order)}

    assert client.post(refund_url(order), data).status_code == 302
    assert client.post(refund_url(order), data).status_code == 302

    order.refresh_from_db()
    assert order.amount_refunded == Decimal("10.00") and Refund.objects.count() == 1


def test_refund_to_a_gift_card_issues_store_credit_once(staff, paid_order):
    client, _ = staff(MANAGER)
    order = paid_order(1)
    data = {"to": "gift_card", "amount": "12.50", "request_key": form_key(client, order)}

    assert client.post(refund_url(order), data).status_code == 302
    assert client.post(refund_url(order), data).status_code == 302

    order.refresh_from_db()
    card = GiftCard.objects.get()
    assert (card.balance, card.store_id, order.amount_refunded) == (Decimal("12.50"), order.store_id, Decimal("12.50"))
    assert not Refund.objects.exists()


def test_over_refund_is_a_form_error_and_changes_nothing(staff, paid_order):
    client, _ = staff(MANAGER)
    order = paid_order(1)  # 25.00

    response = client.post(refund_url(order), {"to": "card", "amount": "25.01", "request_key": "over"})

    assert response.status_code == 400
    assert "At most" in response.content.decode()
    order.refresh_from_db()
    assert (order.status, order.amount_refunded) == ("paid", 0) and not Refund.objects.exists()
    bad = client.post(refund_url(order), {"to": "card", "amount": "-3", "request_key": "neg"})
    assert bad.status_code == 400 and not Refund.objects.exists()


def test_cancelling_a_paid_order_refunds_and_restocks_everything(staff, paid_order, variant):
    _client, manager = staff(MANAGER)
    order = paid_order(2)

    order = order_cancel(order=order, actor=manager)

    assert (order.status, order.payment_status, order.amount_refunded) == ("cancelled", "refunded", Decimal("45.00"))
    assert stock_of(variant) == (5, 0)
    with pytest.raises(CommerceError):
        order_cancel(order=order, actor=manager)


def test_cancelling_an_unpaid_order_releases_its_reserved_stock(staff, ready_checkout, variant):
    _client, manager = staff(CUSTOMER_SERVICE)
    order = checkout_place_order(checkout=ready_checkout(2))
    assert stock_of(variant) == (5, 2)

    order = order_cancel(order=order, actor=manager)

    assert order.status == "cancelled" and stock_of(variant) == (5, 0)
    assert not StockReservation.objects.filter(order=order, status="active").exists()


def test_internal_notes_show_on_the_order_page_only_to_staff(staff, paid_order):
    client, user = staff(CUSTOMER_SERVICE)
    order = paid_order(1)

    client.post(reverse("checkout_order_note", args=[order.pk]), {"note": "Customer rang about the colour"})
    empty = client.post(reverse("checkout_order_note", args=[order.pk]), {"note": "   "})

    assert empty.status_code == 302
    note = order.events.get(type=OrderEvent.Type.STAFF_NOTE)
    assert (note.message, note.actor) == ("Customer rang about the colour", user)
    page = client.get(reverse("orders_order_modeladmin_inspect", args=[order.pk])).content.decode()
    assert "Customer rang about the colour" in page


def test_the_refund_service_enforces_the_limit_without_the_screen(staff, paid_order, store):
    store.customer_service_refund_limit = Decimal("50.00")
    store.save()
    _client, agent = staff(CUSTOMER_SERVICE)
    order = paid_order(3)  # 65.00

    with pytest.raises(RefundLimitExceeded):
        order_staff_refund(
            order=order, to="card", amount=order.money(Decimal("50.01")), lines=(), reason="", actor=agent,
            request_key="svc",
        )  # fmt: skip
    assert not Refund.objects.exists()
