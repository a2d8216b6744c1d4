"""Paying over the API at the same moment, in real parallel transactions on PostgreSQL (threads,
each request on its own connection, under the context the middleware gives it)."""

from decimal import Decimal
from http.cookies import SimpleCookie

import pytest
from django.test import Client

from commerce.orders.models import Order
from commerce.payments.models import Payment
from commerce.shipping.models import ShippingMethod
from tests.api.checkout_steps import card_confirmed, ready_to_pay
from tests.factories import ProductPageFactory, stock_of
from tests.threads import run_together

pytestmark = [pytest.mark.api, pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]
PAY = "/api/v1/checkout/payment/pay/"


@pytest.fixture
def shipping(store):
    return ShippingMethod.objects.create(store=store, name="Standard", code="standard", price=Decimal("5.00"))


def shopper_with_card(variant, stripe_url: str, email: str) -> Client:
    client = Client()
    ready_to_pay(client, variant, quantity=1, email=email)
    assert card_confirmed(client, stripe_url) == "succeeded"
    return client


def test_one_checkout_paid_twice_at_once_makes_one_order_and_one_charge(store, shipping, stripe_gateway):
    variant = ProductPageFactory(store=store, price="30.00", stock=5).variants.get()
    first = shopper_with_card(variant, stripe_gateway, "double@example.com")
    second = Client()  # the same session in a second tab
    second.cookies = SimpleCookie(first.cookies.output(header="", sep=";"))

    answers = run_together([lambda: first.post(PAY), lambda: second.post(PAY)])

    assert [getattr(a, "status_code", a) for a in answers] == [200, 200]
    bodies = [a.json() for a in answers]
    assert {b["status"] for b in bodies} <= {"paid", "pending"} and "paid" in {b["status"] for b in bodies}
    order = Order.objects.get()
    assert {b["order"]["number"] for b in bodies} == {order.number}
    assert order.payment_status == "paid"
    assert list(Payment.objects.values_list("status", flat=True)) == ["succeeded"]
    assert stock_of(variant) == (4, 0)


def test_two_shoppers_for_the_last_one_never_oversell(store, shipping, stripe_gateway):
    variant = ProductPageFactory(store=store, price="12.00", stock=1).variants.get()
    shoppers = [shopper_with_card(variant, stripe_gateway, f"buyer{i}@example.com") for i in range(2)]

    answers = run_together([lambda c=client: c.post(PAY) for client in shoppers])

    assert sorted(getattr(a, "status_code", a) for a in answers) == [200, 400], answers
    paid = next(a.json() for a in answers if a.status_code == 200)
    refused = next(a.json() for a in answers if a.status_code == 400)
    assert paid["status"] == "paid"
    assert (refused["field"], refused["error"]) == ("cart", "out_of_stock")
    assert Order.objects.filter(payment_status="paid").count() == 1
    assert list(Payment.objects.values_list("status", flat=True)) == ["succeeded"]
    assert stock_of(variant) == (0, 0)
