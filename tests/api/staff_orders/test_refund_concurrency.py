"""Two identical refund requests (same Idempotency-Key) arriving over HTTP at the same moment, each
in its own thread, connection and transactions: one refund, both answered with it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from commerce.accounts.roles import MANAGER
from commerce.payments.models import Payment, Refund
from tests.threads import run_together

pytestmark = [pytest.mark.api, pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


def test_two_parallel_identical_refund_requests_refund_once(staff, paid_order, variant):
    _client, manager = staff(MANAGER)
    order = paid_order(2)  # 45.00
    line = order.lines.get()
    clients = [Client(), Client()]
    for client in clients:
        client.force_login(manager)

    def send(client: Client):
        return lambda: client.post(
            f"/api/v1/staff/orders/{order.pk}/refunds/",
            {"lines": [{"line_id": line.pk, "quantity": 1, "restock": True}], "reason": "Broken"},
            content_type="application/json",
            headers={"Idempotency-Key": "parallel-refund-1"},
        )

    responses = run_together([send(client) for client in clients])

    assert [getattr(r, "status_code", r) for r in responses] == [201, 201]
    refund = Refund.objects.get()
    assert (refund.amount, refund.status) == (Decimal("20.00"), "succeeded")
    assert [[made["id"] for made in r.json()["refunds"]] for r in responses] == [[refund.pk], [refund.pk]]
    order.refresh_from_db()
    line.refresh_from_db()
    assert (order.amount_refunded, line.quantity_refunded) == (Decimal("20.00"), 1)
    assert Payment.objects.get(order=order).amount_refunded == Decimal("20.00")
    assert order.events.filter(type="restocked").count() == 1
