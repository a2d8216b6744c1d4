"""Fixtures for the gift card tests. Import them explicitly: ``from tests.promotions.gift_card_fixtures import ...``."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import Client

from commerce.core.addresses import PostalAddress
from commerce.core.money import Money
from commerce.orders.models import Order
from commerce.promotions.gift_cards import gift_card_issue
from commerce.promotions.models import GiftCard
from tests.factories import ProductPageFactory

ADDRESS = PostalAddress(
    full_name="Ada Shopper", line1="1 Main St", city="Springfield", postal_code="12345", country="US"
)


def usd(amount: str | int) -> Money:
    return Money(Decimal(str(amount)), "USD")


def assert_ledger_consistent(card: GiftCard) -> None:
    """The rows sum to the balance, and each row's balance_after is the running sum."""
    card.refresh_from_db()
    running = Decimal(0)
    for row in card.transactions.order_by("created_at", "pk"):
        running += row.amount
        assert row.balance_after == running, (row.kind, row.amount, row.balance_after, running)
    assert running == card.balance


@pytest.fixture
def clear_cache(settings):
    """Rate-limit counters live in the (locmem) cache, shared by every test in the process; the
    limits are pinned so the tests hold whatever the test settings say."""
    settings.MAGPIE_THROTTLES = {**settings.MAGPIE_THROTTLES, "gift_card": (10, 600)}
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def place_order(store) -> Callable[..., Order]:
    """``place_order(total="30.00", store=...)``: a pending order placed with ``order_place``."""
    from commerce.orders.services import NewOrderLine, NewOrderTotals, order_place

    variants = {}

    def place(total: str = "30.00", *, in_store=None, email: str = "shopper@example.com") -> Order:
        target = in_store or store
        if target.pk not in variants:
            variants[target.pk] = ProductPageFactory(store=target, price="1.00", stock=10_000).variants.get()
        money = target.money
        amount = money(Decimal(total))
        zero = money(0)
        line = NewOrderLine(
            variant=variants[target.pk],
            quantity=1,
            unit_price=amount,
            subtotal=amount,
            discount=zero,
            tax=zero,
            total=amount,
        )
        totals = NewOrderTotals(
            subtotal=amount, shipping=zero, discount=zero, tax=zero, total=amount, prices_include_tax=False
        )
        return order_place(
            store=target,
            checkout_token=None,
            customer=None,
            email=email,
            shipping_address=ADDRESS,
            shipping_method_code="standard",
            shipping_method_name="Standard",
            lines=[line],
            totals=totals,
        )

    return place


@pytest.fixture
def card(store) -> GiftCard:
    return gift_card_issue(store=store, value=usd("50.00"), recipient_email="friend@example.com")


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser(email="boss@example.com", password="x" * 12)


@pytest.fixture
def superuser_client(superuser) -> Client:
    client = Client()
    client.force_login(superuser)
    return client
