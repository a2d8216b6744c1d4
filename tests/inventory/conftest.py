"""Stores with two stock locations, and buying through the order services checkout uses."""

from __future__ import annotations

import pytest

from commerce.inventory.models import StockLocation
from commerce.orders.services import order_mark_paid
from tests.checkout.conftest import shipping  # noqa: F401 - the checkout tests' shipping method
from tests.factories import place_order


@pytest.fixture
def warehouse(store):
    return StockLocation.objects.create(store=store, name="Warehouse", priority=10)


@pytest.fixture
def shop_floor(store, warehouse):
    return StockLocation.objects.create(store=store, name="Shop floor", priority=0)


def assert_ledger_matches() -> None:
    """Every level agrees with its movements and with the active reservations (what stock_audit checks)."""
    from commerce.inventory.audit import audited_levels, level_mismatches

    assert [m for level in audited_levels() for m in level_mismatches(level)] == []


def buy(store, variant, quantity: int = 1, *, email: str = "shopper@example.com"):
    """A paid order for ``quantity`` of ``variant``: reserved when placed, sold when paid."""
    order = place_order(store=store, variant=variant, quantity=quantity, email=email)
    return order_mark_paid(order=order, amount=store.money(order.total), reference=f"test-{order.pk}")


@pytest.fixture
def admin(django_user_model):
    return django_user_model.objects.create_superuser(email="boss@example.com", password="x" * 12)


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


@pytest.fixture
def roles(db) -> None:
    """The role groups with their inventory permissions, as the migrations made them (a
    transactional test's flush elsewhere removes them)."""
    from django.apps import apps

    from commerce.accounts.roles import role_groups_sync
    from commerce.inventory.roles import inventory_permissions_grant
    from tests.conftest import ensure_wagtail_roots

    ensure_wagtail_roots()
    role_groups_sync(apps)
    inventory_permissions_grant(apps)
