"""The receipt (thank-you and order pages, the confirmation email): one money format, one status
line, every tender, figures that add up to the order's own."""

import re
from decimal import Decimal

import pytest
from django.core import mail

from commerce.checkout.services import checkout_pay, checkout_place_order, checkout_prepare_payment
from commerce.orders.links import order_guest_path
from commerce.orders.receipts import order_receipt
from commerce.promotions.gift_cards import gift_card_issue
from commerce.shipping.models import ShippingMethod
from tests.localstripe import browser_confirms_card
from tests.promotions.conftest import make_discount
from tests.promotions.test_checkout_promotions import checkout_with, usd

pytestmark = [pytest.mark.django_db, pytest.mark.storefront]


@pytest.fixture
def paid_with_code_gift_card_and_card(store, stripe_gateway, django_capture_on_commit_callbacks):
    ShippingMethod.objects.create(store=store, name="Standard", code="standard", price=Decimal("5.00"))
    make_discount(store, codes=("SPRING10",))
    card = gift_card_issue(store=store, value=usd("30.00"))
    checkout = checkout_with(store, codes=["SPRING10"], cards=[card])
    order = checkout_place_order(checkout=checkout)
    setup = checkout_prepare_payment(checkout=checkout)
    assert browser_confirms_card(stripe_gateway, setup.id) == "succeeded"
    with django_capture_on_commit_callbacks(execute=True):
        assert checkout_pay(checkout=checkout).status == "paid"
    order.refresh_from_db()
    return order, card


def test_the_receipt_figures_are_the_orders_and_add_up(paid_with_code_gift_card_and_card):
    order, card = paid_with_code_gift_card_and_card

    receipt = order_receipt(order)

    # 2 × $20.00 = $40.00, −10% = −$4.00, + $5.00 shipping = $41.00: $30.00 gift card, $11.00 card.
    assert (receipt.subtotal.amount, receipt.total.amount) == (order.subtotal, order.total)
    assert receipt.subtotal - sum((d.amount for d in receipt.discounts), usd("0")) + receipt.shipping == receipt.total
    assert sum((line.subtotal for line in receipt.lines), usd("0")) == receipt.subtotal
    assert [(t.label, t.amount) for t in receipt.tenders] == [
        (f"Gift card {card.masked_code}", usd("30.00")),
        ("Card", usd("11.00")),
    ]
    assert sum((t.amount for t in receipt.tenders), usd("0")) == receipt.total


def test_the_order_page_shows_one_status_one_money_format_and_every_tender(client, paid_with_code_gift_card_and_card):
    order, _card = paid_with_code_gift_card_and_card

    html = client.get(order_guest_path(order)).content.decode()

    assert "Paid · Paid" not in html and html.count("Paid, being prepared") == 1
    assert " USD" not in html  # no "28.00 USD" next to "$28.00"
    for text in ("$40.00", "−$4.00", "$5.00", "$41.00"):
        assert text in html
    # the guest's link may not see the card itself (row-level security), only what it paid
    assert re.search(r"Paid by Gift card[^<]*</dt><dd>\$30\.00", html)
    assert re.search(r"Paid by Card</dt><dd>\$11\.00", html)
    assert "Continue shopping" in html


def test_the_confirmation_email_carries_the_same_receipt(paid_with_code_gift_card_and_card):
    _order, card = paid_with_code_gift_card_and_card

    (message,) = [m for m in mail.outbox if "confirmed" in m.subject]

    for text in ("Subtotal: $40.00", "Spring sale (SPRING10): −$4.00", "Total: $41.00", "Paid by Card: $11.00"):
        assert text in message.body
    assert f"Paid by Gift card {card.masked_code}: $30.00" in message.body
    html = message.alternatives[0][0]
    assert "$41.00" in html and " USD" not in html
