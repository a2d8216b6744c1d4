"""The order page in the back office: everything about one order, in a fixed number of queries."""

from __future__ import annotations

import pytest
from django.urls import reverse

from commerce.checkout.services import checkout_pay, checkout_prepare_payment
from commerce.orders.models import Order
from commerce.orders.services import order_add_event
from commerce.payments.models import Payment
from commerce.payments.refunds import RefundLineRequest, refund_create
from commerce.payments.services import payment_create_for_order
from tests.factories import ProductPageFactory
from tests.localstripe import browser_confirms_card

pytestmark = pytest.mark.django_db

# Session, user and Wagtail profile; the order, then one query each for its store, lines,
# payments, refunds and events with their actors; the storefront's context processors (site,
# store, locale, pages). An order with refunds adds their authors, lines and order lines. Shipping's
# labels panel adds one (the order's shipments).
INSPECT_QUERIES = 16


def inspect_url(order: Order) -> str:
    return reverse("orders_order_modeladmin_inspect", args=[order.pk])


@pytest.fixture
def paid_and_refunded_order(ready_checkout, variant, stripe_gateway, superuser) -> Order:
    """Two totes bought through checkout and paid on localstripe; one refunded and restocked."""
    checkout = ready_checkout(2, email="ada@example.com")
    setup = checkout_prepare_payment(checkout=checkout)
    assert browser_confirms_card(stripe_gateway, setup.id) == "succeeded"
    assert checkout_pay(checkout=checkout).status == "paid"
    order = Order.objects.get()
    refund_create(
        order=order,
        lines=[RefundLineRequest(order.lines.get().pk, 1, restock=True)],
        reason="Damaged in transit",
        actor=superuser,
    )
    order.refresh_from_db()
    return order


def test_the_order_page_shows_lines_totals_payments_refunds_and_timeline(
    superuser_client, paid_and_refunded_order, variant
):
    order = paid_and_refunded_order
    payment = Payment.objects.get(order=order)

    response = superuser_client.get(inspect_url(order))

    assert response.status_code == 200
    html = response.content.decode()
    # header and customer
    assert f"Order {order.number}" in html
    assert "Partially refunded" in html and "ada@example.com" in html and "Guest checkout" in html
    # shipping address and method
    for text in ("Ada Shopper", "1 Main St", "Springfield, 12345", "United States of America", "Standard"):  # US layout
        assert text in html
    # the line and the totals
    assert "Canvas tote" in html and variant.sku in html
    assert "$20.00" in html and "$40.00" in html and "$45.00" in html and " USD" not in html  # money as money
    # the payment and the refund
    assert payment.intent_id in html and "Succeeded" in html
    assert "Damaged in transit" in html and f"1 × {variant.sku} (restocked)" in html and "admin@example.com" in html
    # the timeline, in order
    context_events = [event.type for event in response.context["events"]]
    assert context_events[0] == "placed" and "payment_succeeded" in context_events and "refunded" in context_events
    assert "Order placed by ada@example.com." in html and "Refunded $20.00." in html


def test_a_flagged_order_shows_why(superuser_client, place_order):
    order = place_order()
    Order.objects.filter(pk=order.pk).update(flagged_for_review=True, review_reason="Paid in EUR, order is in USD.")

    html = superuser_client.get(inspect_url(order)).content.decode()

    assert "Flagged for review" in html and "Paid in EUR, order is in USD." in html


def test_the_order_page_makes_the_same_queries_for_1_and_3_lines(
    superuser_client, store, place_order, superuser, django_assert_max_num_queries
):
    small = place_order()
    three = ProductPageFactory(store=store, variants=3, stock=10).variants.order_by("sort_order")
    large = place_order(variants=list(three), quantity=2)
    for order in (small, large):
        payment_create_for_order(order=order)
        order_add_event(order=order, type="note", message="Called the customer.", actor=superuser)
    superuser_client.get(inspect_url(small))  # warm Wagtail's per-process caches

    with django_assert_max_num_queries(INSPECT_QUERIES) as one_line:
        assert superuser_client.get(inspect_url(small)).status_code == 200
    with django_assert_max_num_queries(INSPECT_QUERIES) as three_lines:
        response = superuser_client.get(inspect_url(large))

    assert len(response.context["lines"]) == 3
    assert len(one_line.captured_queries) == len(three_lines.captured_queries)


def test_an_unknown_order_is_not_found(superuser_client):
    assert superuser_client.get(reverse("orders_order_modeladmin_inspect", args=[999999])).status_code == 404
