"""Shared builders for the people back office tests: role groups, members of staff (made through
the Users screen where the test is about staff, by the fixtures here otherwise), customers with
orders in either store."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.test import Client

from commerce.accounts.models import StaffProfile, User
from commerce.accounts.roles import OWNER, role_groups_sync
from commerce.orders.models import Order
from tests.conftest import ensure_wagtail_roots
from tests.factories import ProductPageFactory
from tests.factories import place_order as order_place_for

PASSWORD = "staff-password-correct-42"


@pytest.fixture
def roles(db) -> None:
    ensure_wagtail_roots()
    role_groups_sync(apps)


@pytest.fixture
def member(roles) -> Callable[..., User]:
    """``member(role, stores=[...])``: an active member of staff in that role (every store when
    ``stores`` is None)."""

    def make(role: str, *, stores=None, email: str | None = None) -> User:
        user = User.objects.create_user(
            email=email or f"{role.lower().replace(' ', '-')}@example.com", password=PASSWORD, is_staff=True
        )
        user.groups.add(Group.objects.get(name=role))
        if stores is not None:
            StaffProfile.objects.create(user=user, all_stores=False).stores.add(*stores)
        return user

    return make


@pytest.fixture
def owner(member) -> User:
    return member(OWNER)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def buy(store) -> Callable[..., Order]:
    """``buy(customer, store=..., price=..., paid=True)``: an order by ``customer``; a paid one
    has ``amount_paid`` = its total and ``paid_at`` set (as the payment service leaves it)."""
    variants: dict[tuple[int, str], object] = {}

    def place(customer: User | None, *, store=store, price: str = "20.00", paid: bool = True) -> Order:
        key = (store.pk, price)
        if key not in variants:
            variants[key] = ProductPageFactory(store=store, price=price, stock=500).variants.get()
        order = order_place_for(
            store=store, variant=variants[key], customer=customer, email=customer.email if customer else "g@example.com"
        )
        if paid:
            from django.utils import timezone

            Order.objects.filter(pk=order.pk).update(
                amount_paid=order.total, paid_at=timezone.now(), status="paid", payment_status="paid"
            )
            order.refresh_from_db()
        return order

    return place


@pytest.fixture
def customer_factory(db) -> Callable[..., User]:
    def make(email: str, first_name: str = "", last_name: str = "") -> User:
        return User.objects.create_user(email=email, password=PASSWORD, first_name=first_name, last_name=last_name)

    return make
