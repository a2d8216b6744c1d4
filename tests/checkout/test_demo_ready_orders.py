"""Issue 11 on `make run`: card-paid demo orders wait to be shipped, refunded and returned."""

from __future__ import annotations

from decimal import Decimal

import pytest

from commerce.checkout.order_actions import order_staff_refund
from commerce.orders.fulfilment import order_fulfil
from commerce.orders.models import Order
from commerce.payments.refunds import RefundLineRequest
from demo.ready_orders import DEMO_BUYER, demo_ready_orders_ensure
from tests.factories import ProductPageFactory, stock_of

pytestmark = [pytest.mark.django_db, pytest.mark.backoffice]


def test_demo_orders_are_topped_up_once_and_work_in_the_back_office(
    settings, stripe_gateway, store, shipping, django_user_model
):
    settings.LOCALSTRIPE_URL = stripe_gateway
    superuser = django_user_model.objects.create_superuser(email="admin@example.com", password="x" * 12)
    variants = list(ProductPageFactory(store=store, variants=2, stock=20).variants.order_by("pk"))
    said: list[str] = []

    assert demo_ready_orders_ensure(store=store, count=2, say=said.append) == 2
    assert demo_ready_orders_ensure(store=store, count=2, say=said.append) == 0  # already there
    orders = list(Order.objects.filter(email=DEMO_BUYER).order_by("pk"))
    assert [(o.status, o.payment_status) for o in orders] == [("paid", "paid")] * 2
    assert sum(stock_of(v)[0] for v in variants) == 40 - 6

    # The manager's walk: ship one with tracking, refund a line with restock (to the card).
    order = orders[0]
    order_fulfil(order=order, ship_now=True, carrier="USPS", tracking_number="9400100000000000000000", actor=superuser)
    line = order.lines.order_by("pk").first()
    order = order_staff_refund(
        order=order, to="card", amount=None, lines=[RefundLineRequest(line.pk, 1, restock=True)], reason="Demo",
        actor=superuser, request_key="demo",
    )  # fmt: skip
    assert order.amount_refunded > Decimal(0)
    assert demo_ready_orders_ensure(store=store, count=2, say=said.append) == 1  # the shipped one is replaced


def test_without_localstripe_nothing_is_added(settings, store):
    settings.STRIPE_API_BASE = "https://api.stripe.com"
    said: list[str] = []
    assert demo_ready_orders_ensure(store=store, count=3, say=said.append) == 0
    assert "none added" in said[0] and not Order.objects.exists()
