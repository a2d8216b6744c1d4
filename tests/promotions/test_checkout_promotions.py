"""Discounts and gift cards through the real checkout: pricing, placing, paying, giving back."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from commerce.cart.services import cart_add_line, cart_apply_discount_code, cart_apply_gift_card, cart_create
from commerce.checkout.lifecycle import order_refund, orders_expire
from commerce.checkout.services import (
    checkout_for_cart,
    checkout_pay,
    checkout_place_order,
    checkout_prepare_payment,
    checkout_set_email,
    checkout_set_shipping_address,
    checkout_set_shipping_method,
)
from commerce.core.exceptions import CommerceError
from commerce.core.money import Money
from commerce.orders.models import Order, StockReservation
from commerce.payments.models import Payment
from commerce.promotions.gift_cards import gift_card_issue
from commerce.promotions.models import Discount, DiscountCode, DiscountRedemption, GiftCard
from commerce.shipping.models import ShippingMethod
from tests.checkout.conftest import ADDRESS
from tests.factories import ProductPageFactory
from tests.localstripe import browser_confirms_card

pytestmark = pytest.mark.django_db


def usd(value: str) -> Money:
    return Money(Decimal(value), "USD")


@pytest.fixture
def shipping(store):
    return ShippingMethod.objects.create(store=store, name="Standard", code="standard", price=Decimal("5.00"))


@pytest.fixture
def spring(store):
    discount = Discount.objects.create(
        store=store, name="Spring sale", kind="code", value_type="percentage", value=Decimal("10"), is_active=True
    )
    DiscountCode.objects.create(discount=discount, store=store, code="SPRING10")
    return discount


@pytest.fixture
def card(store):
    return gift_card_issue(store=store, value=usd("30.00"))


def checkout_with(store, *, price="20.00", quantity=2, codes=(), cards=(), email="pat@example.com"):
    variant = ProductPageFactory(store=store, price=price, stock=10).variants.get()
    cart = cart_create(store=store)
    cart_add_line(cart=cart, variant_id=variant.pk, quantity=quantity)
    for code in codes:
        cart_apply_discount_code(cart=cart, code=code)
    for gift_card in cards:
        cart_apply_gift_card(cart=cart, code=gift_card.code)
    checkout = checkout_for_cart(cart=cart)
    checkout_set_email(checkout=checkout, email=email)
    checkout_set_shipping_address(checkout=checkout, address=ADDRESS)
    checkout_set_shipping_method(checkout=checkout, code="standard")
    return checkout


def test_a_code_and_a_gift_card_in_one_order(store, shipping, spring, card, stripe_gateway):
    checkout = checkout_with(store, codes=["spring10"], cards=[card])

    order = checkout_place_order(checkout=checkout)

    # 40.00 - 10% = 36.00, + 5.00 shipping = 41.00; the card pays 30.00, the rest by card payment.
    assert (order.subtotal, order.discount_total, order.total, order.gift_card_total) == (
        Decimal("40.00"),
        Decimal("4.00"),
        Decimal("41.00"),
        Decimal("30.00"),
    )
    assert order.lines.get().discount_amount == Decimal("4.00")
    redemption = DiscountRedemption.objects.get(order=order)
    assert (redemption.label, redemption.amount) == ("Spring sale", Decimal("4.00"))
    card.refresh_from_db()
    assert card.balance == 0
    setup = checkout_prepare_payment(checkout=checkout)
    assert browser_confirms_card(stripe_gateway, setup.id) == "succeeded"
    outcome = checkout_pay(checkout=checkout)
    order.refresh_from_db()
    assert outcome.status == "paid"
    assert Payment.objects.get(order=order).amount == Decimal("11.00")
    assert (order.payment_status, order.amount_paid, order.flagged_for_review) == ("paid", Decimal("11.00"), False)


def test_a_gift_card_covering_the_order_needs_no_card_payment(store, shipping, django_capture_on_commit_callbacks):
    big = gift_card_issue(store=store, value=usd("100.00"))
    checkout = checkout_with(store, cards=[big])

    with django_capture_on_commit_callbacks(execute=True):
        order = checkout_place_order(checkout=checkout)
        outcome = checkout_pay(checkout=checkout)

    assert outcome.status == "paid" and outcome.payment is None
    assert (order.payment_status, order.gift_card_total, order.total) == ("paid", Decimal("45.00"), Decimal("45.00"))
    assert not Payment.objects.exists()
    big.refresh_from_db()
    assert big.balance == Decimal("55.00")
    assert any("confirmed" in message.subject for message in mail.outbox)


def test_an_unknown_code_is_refused_clearly(store, shipping):
    with pytest.raises(CommerceError) as error:
        checkout_with(store, codes=["NOPE"])

    assert error.value.field == "discount_code"
    assert "NOPE" in error.value.message


def test_a_guessed_gift_card_code_tells_nothing(store, shipping, card):
    cart = cart_create(store=store)
    with pytest.raises(CommerceError) as unknown:
        cart_apply_gift_card(cart=cart, code="ABCDEFGHJKMNPQRS")
    GiftCard.objects.filter(pk=card.pk).update(expires_at=timezone.now() - timedelta(days=1))
    with pytest.raises(CommerceError) as expired:
        cart_apply_gift_card(cart=cart, code=card.code)

    assert unknown.value.message == expired.value.message


def test_an_abandoned_order_gives_back_the_code_use_and_the_gift_card_money(store, shipping, spring, card):
    single = DiscountCode.objects.create(discount=spring, store=store, code="ONCE", usage_limit=1)
    order = checkout_place_order(checkout=checkout_with(store, codes=["ONCE"], cards=[card]))
    single.refresh_from_db()
    card.refresh_from_db()
    assert (single.times_used, card.balance) == (1, Decimal("0.00"))
    StockReservation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))

    assert orders_expire() == 1

    order.refresh_from_db()
    single.refresh_from_db()
    card.refresh_from_db()
    assert order.status == "cancelled"
    assert single.times_used == 0
    assert card.balance == Decimal("30.00")
    assert sum(t.amount for t in card.transactions.all()) == card.balance


def test_a_full_refund_releases_the_discount_use_once_through_the_refund_signal(
    store, shipping, spring, stripe_gateway, django_capture_on_commit_callbacks
):
    checkout = checkout_with(store, codes=["SPRING10"])
    setup = checkout_prepare_payment(checkout=checkout)
    browser_confirms_card(stripe_gateway, setup.id)
    order = checkout_pay(checkout=checkout).order
    spring.refresh_from_db()
    assert spring.times_used == 1

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        order = order_refund(order=order, reason="Changed their mind")

    # Nothing is released in the refund itself: one path, the job the order_refunded signal enqueues.
    spring.refresh_from_db()
    assert order.status == "refunded" and spring.times_used == 1
    assert not DiscountRedemption.objects.get(order=order).released
    for callback in callbacks:
        callback()
    spring.refresh_from_db()
    assert spring.times_used == 0
    assert DiscountRedemption.objects.get(order=order).released
    assert order.events.filter(message="Fully refunded: discount uses released.").count() == 1


def test_buying_a_gift_card_product_issues_and_emails_a_card(store, shipping, django_capture_on_commit_callbacks):
    product = ProductPageFactory(store=store, title="Gift card $50", price="50.00", stock=1000)
    product.is_gift_card = True
    product.save()
    big = gift_card_issue(store=store, value=usd("200.00"))
    cart = cart_create(store=store)
    cart_add_line(cart=cart, variant_id=product.variants.get().pk, quantity=2)
    cart_apply_gift_card(cart=cart, code=big.code)
    checkout = checkout_for_cart(cart=cart)
    checkout_set_email(checkout=checkout, email="giver@example.com")
    checkout_set_shipping_address(checkout=checkout, address=ADDRESS)
    checkout_set_shipping_method(checkout=checkout, code="standard")

    with django_capture_on_commit_callbacks(execute=True):
        order = checkout_place_order(checkout=checkout)

    bought = GiftCard.objects.filter(source_order=order)
    assert bought.count() == 2
    assert {card.initial_value for card in bought} == {Decimal("50.00")}
    code_mails = [m for m in mail.outbox if "gift card" in m.subject.lower() and m.to == ["giver@example.com"]]
    assert len(code_mails) == 2
    assert all(any(c.code[-4:] in m.body for c in bought) for m in code_mails)
    Order.objects.filter(pk=order.pk)  # the order itself is paid by the store's own gift card
    assert Order.objects.get(pk=order.pk).payment_status == "paid"


def test_a_refund_can_go_back_onto_the_gift_card_that_paid(store, shipping, card):
    from commerce.checkout.lifecycle import order_refund_to_gift_card

    big = gift_card_issue(store=store, value=usd("100.00"))
    order = checkout_place_order(checkout=checkout_with(store, cards=[big]))  # 45.00, all from the card
    big.refresh_from_db()
    assert big.balance == Decimal("55.00")

    returned_to = order_refund_to_gift_card(order=order, amount=usd("20.00"), reason="Late delivery")

    order.refresh_from_db()
    big.refresh_from_db()
    assert returned_to.pk == big.pk
    assert big.balance == Decimal("75.00")
    assert sum(t.amount for t in big.transactions.all()) == big.balance
    assert (order.status, order.amount_refunded) == ("partially_refunded", Decimal("20.00"))
    with pytest.raises(CommerceError):
        order_refund_to_gift_card(order=order, amount=usd("30.00"))  # only 25.00 is left to refund
    big.refresh_from_db()
    assert big.balance == Decimal("75.00")


def test_a_card_paid_order_refunded_as_store_credit_gets_a_new_card(
    store, shipping, stripe_gateway, django_capture_on_commit_callbacks
):
    from commerce.checkout.lifecycle import order_refund_to_gift_card

    checkout = checkout_with(store)
    setup = checkout_prepare_payment(checkout=checkout)
    browser_confirms_card(stripe_gateway, setup.id)
    order = checkout_pay(checkout=checkout).order

    with django_capture_on_commit_callbacks(execute=True):
        credit = order_refund_to_gift_card(order=order, amount=usd("45.00"), reason="Store credit")

    order.refresh_from_db()
    assert (credit.balance, credit.recipient_email) == (Decimal("45.00"), "pat@example.com")
    assert order.status == "refunded"
    assert any(credit.code[-4:] in message.body for message in mail.outbox)


def test_the_order_shows_which_discount_took_how_much_from_which_line(client, store, shipping, spring):
    from commerce.orders.links import order_guest_path

    order = checkout_place_order(checkout=checkout_with(store, codes=["SPRING10"]))
    line = order.lines.get()

    page = client.get(order_guest_path(order)).content.decode()

    assert "Spring sale (SPRING10)" in page
    assert f"{line.product_title} −$4.00" in page  # the one money format
    assert DiscountRedemption.objects.get(order=order).line_breakdown() == [
        (line.sku, line.product_title, Decimal("4.00"))
    ]


def test_an_order_paid_by_gift_card_and_card_refunds_each_part_where_it_came_from(
    store, shipping, spring, card, stripe_gateway
):
    from commerce.checkout.lifecycle import order_refund_to_gift_card

    checkout = checkout_with(store, codes=["SPRING10"], cards=[card])  # 41.00: 30.00 gift card + 11.00 card
    setup = checkout_prepare_payment(checkout=checkout)
    browser_confirms_card(stripe_gateway, setup.id)
    order = checkout_pay(checkout=checkout).order

    order_refund_to_gift_card(order=order, amount=usd("30.00"), reason="Back to the card it came from")
    with pytest.raises(CommerceError, match=r"11\.00"):
        order_refund(order=order, amount=usd("12.00"))
    order = order_refund(order=order, reason="The rest")  # defaults to what is left on the card

    card.refresh_from_db()
    assert (order.status, order.amount_refunded) == ("refunded", Decimal("41.00"))
    assert card.balance == Decimal("30.00")
    assert Payment.objects.get(order=order).amount_refunded == Decimal("11.00")


@pytest.mark.backoffice
def test_a_full_refund_made_in_stripes_dashboard_releases_the_discount_and_emails_the_buyer(
    client, store, shipping, spring, stripe_gateway, django_capture_on_commit_callbacks
):
    """Issue 11, one refund path: ``charge.refunded`` runs what an admin refund runs."""
    import time

    from tests.localstripe import signed_event

    checkout = checkout_with(store, codes=["SPRING10"])
    setup = checkout_prepare_payment(checkout=checkout)
    browser_confirms_card(stripe_gateway, setup.id)
    order = checkout_pay(checkout=checkout).order
    payment = Payment.objects.get(order=order)
    cents = int(payment.amount_received * 100)
    mail.outbox.clear()
    event = {
        "id": "evt_dashboard_refund",
        "object": "event",
        "type": "charge.refunded",
        "created": int(time.time()),
        "data": {
            "object": {
                "id": "ch_dash",
                "object": "charge",
                "payment_intent": payment.intent_id,
                "amount": cents,
                "amount_refunded": cents,
                "currency": "usd",
            }
        },
    }
    body, signature = signed_event(event, secret="whsec_test")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/payments/stripe/webhook/", data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature
        )

    assert response.status_code == 200
    order.refresh_from_db()
    spring.refresh_from_db()
    assert order.status == "refunded"
    assert spring.times_used == 0 and DiscountRedemption.objects.get(order=order).released
    assert [m.subject for m in mail.outbox] == [f"{store.name}: refund on order {order.number}"]
    assert order.events.filter(type="email_sent", data__kind="refund").count() == 1
