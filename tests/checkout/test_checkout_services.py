from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from commerce.checkout.lifecycle import orders_expire
from commerce.checkout.services import checkout_pay, checkout_place_order, checkout_prepare_payment
from commerce.core.exceptions import CommerceError, OutOfStock
from commerce.core.money import Money
from commerce.orders.models import Order, OrderEvent, OrderStatus, PaymentStatus, StockReservation
from commerce.payments.models import Payment
from commerce.payments.refunds import RefundLineRequest, refund_create
from tests.factories import set_stock, stock_of
from tests.localstripe import browser_confirms_card

pytestmark = pytest.mark.django_db(transaction=False)


def pay(checkout, url, card="4242424242424242"):
    setup = checkout_prepare_payment(checkout=checkout)
    assert browser_confirms_card(url, setup.id, card) == "succeeded"
    return checkout_pay(checkout=checkout)


def test_placing_snapshots_prices_and_reserves_stock(ready_checkout, variant, django_capture_on_commit_callbacks):
    checkout = ready_checkout(2)

    order = checkout_place_order(checkout=checkout)

    variant.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT
    assert (order.subtotal, order.shipping_total, order.total) == (Decimal("40.00"), Decimal("5.00"), Decimal("45.00"))
    line = order.lines.get()
    assert (line.sku, line.quantity, line.unit_price, line.product_title) == (
        variant.sku,
        2,
        Decimal("20.00"),
        "Canvas tote",
    )
    assert (*stock_of(variant), variant.available_quantity) == (5, 2, 3)
    assert order.number == "1001"


def test_placing_the_same_checkout_twice_returns_the_same_order(ready_checkout, variant):
    checkout = ready_checkout(2)

    first = checkout_place_order(checkout=checkout)
    second = checkout_place_order(checkout=checkout)

    variant.refresh_from_db()
    assert first.pk == second.pk
    assert Order.objects.count() == 1
    assert stock_of(variant)[1] == 2


def test_placing_fails_whole_when_stock_ran_out(ready_checkout, variant):
    checkout = ready_checkout(2)
    set_stock(variant, 1)

    with pytest.raises(CommerceError):
        checkout_place_order(checkout=checkout)

    variant.refresh_from_db()
    assert not Order.objects.exists()
    assert stock_of(variant)[1] == 0


def test_paying_with_a_good_card_marks_the_order_paid_and_sells_the_stock(
    ready_checkout, variant, stripe_gateway, django_capture_on_commit_callbacks
):
    checkout = ready_checkout(2)

    with django_capture_on_commit_callbacks(execute=True):
        outcome = pay(checkout, stripe_gateway)

    order = Order.objects.get()
    variant.refresh_from_db()
    assert outcome.status == "paid"
    assert (order.status, order.payment_status, order.amount_paid) == ("paid", "paid", Decimal("45.00"))
    assert not order.flagged_for_review
    assert stock_of(variant) == (3, 0)
    assert Payment.objects.get().intent_id.startswith("pi_")
    assert len(mail.outbox) == 1 and "1001" in mail.outbox[0].subject
    assert mail.outbox[0].alternatives  # an HTML part beside the text
    checkout.refresh_from_db()
    assert checkout.cart_id is None


def test_paying_twice_charges_once(ready_checkout, stripe_gateway):
    checkout = ready_checkout(1)
    pay(checkout, stripe_gateway)

    again = checkout_pay(checkout=checkout)

    assert again.status == "paid"
    assert Payment.objects.count() == 1


def test_a_declined_card_releases_the_stock_and_allows_another_try(ready_checkout, variant, stripe_gateway):
    checkout = ready_checkout(2)
    order = checkout_place_order(checkout=checkout)
    setup = checkout_prepare_payment(checkout=checkout)

    assert browser_confirms_card(stripe_gateway, setup.id, "4000000000000002") == "declined"
    with pytest.raises(CommerceError):
        checkout_pay(checkout=checkout)  # the SetupIntent has no card: nothing is charged

    variant.refresh_from_db()
    assert stock_of(variant)[1] == 2
    outcome = pay(checkout, stripe_gateway)
    assert outcome.status == "paid"
    assert Order.objects.get().pk == order.pk


def test_an_expired_reservation_gives_the_stock_back_and_cancels_the_order(ready_checkout, variant):
    checkout = ready_checkout(3)
    order = checkout_place_order(checkout=checkout)
    StockReservation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    assert orders_expire() == 1

    variant.refresh_from_db()
    order.refresh_from_db()
    assert stock_of(variant)[1] == 0
    assert order.status == OrderStatus.CANCELLED
    assert order.events.filter(type=OrderEvent.Type.STOCK_RELEASED).exists()


def test_partial_refund_by_line_restocks_and_updates_statuses(ready_checkout, variant, stripe_gateway):
    checkout = ready_checkout(2)
    pay(checkout, stripe_gateway)
    order = Order.objects.get()
    line = order.lines.get()

    refund = refund_create(order=order, lines=[RefundLineRequest(line.pk, 1, restock=True)], reason="Damaged")

    order.refresh_from_db()
    variant.refresh_from_db()
    line.refresh_from_db()
    assert refund.amount == Decimal("20.00")
    assert (order.status, order.payment_status, order.amount_refunded) == (
        "partially_refunded",
        "partially_refunded",
        Decimal("20.00"),
    )
    assert line.quantity_refunded == 1
    assert stock_of(variant)[0] == 4  # 5 - 2 sold + 1 restocked


def test_full_refund_and_over_refund(ready_checkout, stripe_gateway):
    pay(ready_checkout(1), stripe_gateway)
    order = Order.objects.get()

    with pytest.raises(CommerceError) as error:
        refund_create(order=order, amount=Money(Decimal("26.00"), "USD"))
    assert error.value.field == "amount"

    refund_create(order=order)
    order.refresh_from_db()
    assert (order.status, order.payment_status, order.amount_refunded) == ("refunded", "refunded", Decimal("25.00"))
    assert order.payment_status == PaymentStatus.REFUNDED


def test_stock_cannot_go_negative_even_bypassing_services(variant):
    from django.db import IntegrityError, transaction

    from commerce.inventory.models import StockLevel

    with pytest.raises(IntegrityError), transaction.atomic():
        StockLevel.objects.filter(variant=variant).update(on_hand=-1)
    with pytest.raises(IntegrityError), transaction.atomic():
        StockLevel.objects.filter(variant=variant).update(reserved=6)


def test_out_of_stock_names_the_item(ready_checkout, variant):
    checkout = ready_checkout(5)
    set_stock(variant, 2)

    with pytest.raises((OutOfStock, CommerceError), match="Canvas tote"):
        checkout_place_order(checkout=checkout)
