"""The demo's customer accounts: made once, their past guest orders joined to them."""

from __future__ import annotations

import pytest

from commerce.accounts.models import User
from commerce.orders.models import Order
from demo.customers import DEMO_CUSTOMERS, demo_customers_ensure

pytestmark = [pytest.mark.django_db, pytest.mark.backoffice]


def test_demo_customers_are_made_once_and_own_their_past_orders(buy, store):
    email = DEMO_CUSTOMERS[0][0]
    order = buy(None)
    Order.objects.filter(pk=order.pk).update(email=email)

    first = demo_customers_ensure()
    again = demo_customers_ensure()

    assert (first.created, first.orders_joined) == (len(DEMO_CUSTOMERS), 1)
    assert (again.created, again.orders_joined) == (0, 0)
    user = User.objects.get(email=email)
    assert Order.objects.get(pk=order.pk).customer == user
    assert not user.has_usable_password() and not user.is_staff
    assert user.addresses.count() == 1
