"""Issue 14: asking costs a fixed number of queries whatever the amount of data (a question about
10 orders and one about 100 run the same queries), for a figure, a ranking and a series."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commerce.insights.assistant.service import insights_ask
from tests.insights.assistant.conftest import TODAY
from tests.insights.conftest import paid_order, summarise

pytestmark = [pytest.mark.django_db, pytest.mark.insights, pytest.mark.benchmark]

# Savepoints and the read-only settings included; the figures themselves are one to three queries.
EXPECTED = {"orders in March 2026": 15, "top 5 products in March 2026": 15, "daily sales in March 2026": 15}
QUESTIONS = tuple(EXPECTED)


def orders(store, count: int) -> None:
    start = datetime(2026, 3, 1, 12, tzinfo=UTC)
    for n in range(count):
        paid_order(store, paid_at=start + timedelta(hours=2 * n), email=f"c{n % 7}@example.com", title=f"P{n % 13}")
    summarise()


def queries(user, question: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        insights_ask(user=user, question=question, today=TODAY)
    return len(captured)


@pytest.mark.parametrize("question", QUESTIONS)
def test_a_question_costs_the_same_queries_for_10_or_100_orders(store, people, question):
    manager = people["manager"]
    orders(store, 10)
    queries(manager, question)  # warm the permission cache
    small = queries(manager, question)
    orders(store, 90)
    large = queries(manager, question)

    assert small == large == EXPECTED[question]
