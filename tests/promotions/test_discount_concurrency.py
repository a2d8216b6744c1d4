"""A single-use code redeemed by two orders at the same moment, on real PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import transaction

from commerce.core.exceptions import CommerceError
from commerce.promotions.discounts import discounts_redeem
from commerce.promotions.models import DiscountCode, DiscountRedemption
from tests.promotions.conftest import line_for, make_discount
from tests.threads import run_together

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


def test_a_single_use_code_redeemed_by_two_orders_at_once_is_used_once(
    store, discount_product, discount_evaluate, discount_order
):
    discount = make_discount(store, codes=("ONLYONCE",), code_limit=1)
    orders = [discount_order(email=f"buyer{i}@example.com") for i in range(2)]
    applied = discount_evaluate([line_for(discount_product())], codes=("ONLYONCE",)).applied
    assert len(applied) == 1

    def redeem(order):
        with transaction.atomic():
            return discounts_redeem(order=order, applied=applied, customer=None, email=order.email)

    results = run_together([lambda o=order: redeem(o) for order in orders])

    succeeded = [r for r in results if isinstance(r, list)]
    refused = [r for r in results if isinstance(r, CommerceError)]
    assert (len(succeeded), len(refused)) == (1, 1), results
    assert refused[0].code == "already_used"
    assert DiscountCode.objects.get(discount=discount).times_used == 1
    discount.refresh_from_db()
    assert discount.times_used == 1
    assert DiscountRedemption.objects.count() == 1
