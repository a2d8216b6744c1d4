"""Operator commands under row-level security: they name their context or run as the owner."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from commerce.core.rls import use_context
from tests.factories import ProductPageFactory, place_order

pytestmark = pytest.mark.rls


@pytest.mark.django_db(transaction=True)
def test_dumpdata_with_no_context_still_dumps_customer_rows(store):
    order = place_order(store=store, variant=ProductPageFactory(store=store).variants.get())
    out = io.StringIO()

    with use_context(None):
        call_command("dumpdata", "orders.Order", stdout=out)

    assert [row["pk"] for row in json.loads(out.getvalue())] == [order.pk]


@pytest.mark.django_db(transaction=True)
def test_createsuperuser_works_with_no_context(django_user_model):
    with use_context(None):
        call_command("createsuperuser", email="root@example.com", interactive=False, stdout=io.StringIO())

    assert django_user_model.objects.filter(email="root@example.com", is_superuser=True).exists()
