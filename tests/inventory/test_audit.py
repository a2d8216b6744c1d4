"""``manage.py stock_audit``: passes when on hand equals the ledger and reserved the reservations;
exits non-zero naming each level that disagrees."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from commerce.core.rls import use_context
from commerce.inventory.models import StockLevel
from tests.factories import ProductPageFactory, place_order
from tests.inventory.conftest import buy

pytestmark = [pytest.mark.inventory, pytest.mark.django_db]


@pytest.fixture
def history(store, warehouse, shop_floor):
    variant = ProductPageFactory(store=store, title="Mug", stock=6).variants.get()
    buy(store, variant, 2)
    place_order(store=store, variant=variant, quantity=1)
    return variant


def test_the_audit_passes_on_a_consistent_ledger(history):
    output = StringIO()

    with use_context(None):  # a command names its own context
        call_command("stock_audit", stdout=output)

    assert output.getvalue().strip().endswith("stock_audit: 1 levels checked, 0 mismatches.")


def test_the_audit_fails_naming_each_level_that_disagrees(history):
    StockLevel.objects.filter(variant=history).update(on_hand=9, reserved=0)  # written behind the ledger's back
    errors = StringIO()

    with pytest.raises(CommandError, match="1 levels checked, 3 mismatches"), use_context(None):
        call_command("stock_audit", stderr=errors)

    report = errors.getvalue()
    assert f"{history.sku} at Warehouse" in report
    assert "movements sum to 4" in report and "active reservations hold 1" in report
