"""Fixtures for the discount tests: discounts and codes, cart lines as discounts see them, a
context builder, and orders placed through ``order_place``. Names start with ``discount`` so
they never shadow the gift card tests' own fixtures."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from commerce.catalog.models import ProductPage
from commerce.core.money import Money
from commerce.orders.models import Order
from commerce.promotions.discounts import DiscountContext, DiscountLine, DiscountResult, discounts_evaluate
from commerce.promotions.models import Discount, DiscountCode
from commerce.stores.models import Store
from tests.factories import ProductPageFactory, place_order


def make_discount(store: Store, *, codes: tuple[str, ...] = (), code_limit: int | None = None, **fields) -> Discount:
    """A published discount (kind "code" when codes are given, else automatic) with its codes."""
    fields.setdefault("name", "Spring sale")
    fields.setdefault("kind", Discount.Kind.CODE if codes else Discount.Kind.AUTOMATIC)
    fields.setdefault("value_type", Discount.ValueType.PERCENTAGE)
    fields.setdefault("value", Decimal("10"))
    fields.setdefault("is_active", True)
    discount = Discount.objects.create(store=store, **fields)
    for code in codes:
        DiscountCode.objects.create(discount=discount, store=store, code=code, usage_limit=code_limit)
    return discount


def line_for(product: ProductPage, quantity: int = 1, *, currency: str = "USD") -> DiscountLine:
    variant = product.variants.get()
    return DiscountLine(
        key=variant.pk,
        product_id=product.pk,
        category_ids=frozenset(product.categories.values_list("pk", flat=True)),
        unit_price=Money(variant.price, currency),
        quantity=quantity,
    )


def categorise(product: ProductPage, *categories) -> ProductPage:
    """Put a product in categories (a parental relation: saved with the page)."""
    product.categories.add(*categories)
    product.save()
    return product


def money(amount: str, currency: str = "USD") -> Money:
    return Money(Decimal(amount), currency)


@pytest.fixture
def discount_product(store) -> Callable[..., ProductPage]:
    def make(price: str = "20.00", **kwargs) -> ProductPage:
        return ProductPageFactory(store=store, price=price, stock=100, **kwargs)

    return make


@pytest.fixture
def discount_evaluate(store) -> Callable[..., DiscountResult]:
    """Evaluate discounts for ``lines`` in the test store; the rest of the context has defaults."""

    def evaluate(
        lines: list[DiscountLine],
        *,
        codes: tuple[str, ...] = (),
        shipping: Money | None = None,
        customer=None,
        email: str = "",
        now: datetime | None = None,
        in_store: Store | None = None,
    ) -> DiscountResult:
        return discounts_evaluate(
            DiscountContext(
                store=in_store or store,
                lines=tuple(lines),
                shipping=shipping,
                customer=customer,
                email=email,
                codes=tuple(codes),
                now=now or timezone.now(),
            )
        )

    return evaluate


@pytest.fixture
def discount_order(store) -> Callable[..., Order]:
    """A pending order placed through ``order_place`` (one line, 30.00), optionally marked paid."""
    variant = ProductPageFactory(store=store, title="Lamp", price="30.00", stock=1000).variants.get()

    def place(*, customer=None, email: str = "shopper@example.com", paid: bool = False) -> Order:
        order = place_order(store=store, variant=variant, customer=customer, email=email)
        if paid:
            Order.objects.filter(pk=order.pk).update(payment_status="paid", status="paid")
            order.refresh_from_db()
        return order

    return place


@pytest.fixture
def discount_customer(django_user_model):
    return django_user_model.objects.create_user(email="ada@example.com", password="x" * 12)
