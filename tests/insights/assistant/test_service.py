"""Issue 14: asking as a member of staff — the answer, the audit row, follow-ups in a
conversation, permissions, the command line (``insights_ask --json``) and the daily AI budget."""

from __future__ import annotations

import io
import json
import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from commerce.core.rls import use_context
from commerce.insights.assistant.budget import budget_take, budget_used
from commerce.insights.assistant.service import QuestionInvalid, insights_ask
from commerce.insights.models import InsightQuestion
from tests.insights.assistant.conftest import TODAY
from tests.threads import run_together

pytestmark = [pytest.mark.django_db, pytest.mark.insights]


def test_a_manager_gets_the_figure_with_its_working_and_the_question_is_recorded(shops, people):
    manager = people["manager"]

    asked = insights_ask(user=manager, question="How many orders this week?", today=TODAY)

    answer = asked.answer
    assert answer.outcome == "answered"
    assert answer.text == "Orders this week (2026-03-09 to 2026-03-12): 1 in EUR stores; 2 in USD stores."
    assert [(c["name"], c["arguments"]) for c in answer.calls] == [
        ("orders_count", {"start": "2026-03-09", "end": "2026-03-12", "store_ids": None})
    ]
    assert answer.time_zones == ["America/New_York", "Europe/Berlin"]
    record = InsightQuestion.objects.get()
    assert (record.asked_by, record.planner, record.outcome, record.today) == (manager, "offline", "answered", TODAY)
    assert record.tool_calls[0]["name"] == "orders_count"
    assert record.periods == [{"label": "this week", "start": "2026-03-09", "end": "2026-03-12"}]
    assert record.figures == [
        {
            "tool": "orders_count",
            "role": "main",
            "rows": [{"currency": "EUR", "orders": 1}, {"currency": "USD", "orders": 2}],
        }
    ]


def test_a_comparison_shows_both_periods_and_the_change(shops, people):
    asked = insights_ask(
        user=people["owner"], question="revenue this week vs last week at Magpie Test Shop", today=TODAY
    )

    assert asked.answer.text == (
        "Net sales this week (2026-03-09 to 2026-03-12), compared with last week (2026-03-02 to 2026-03-08): "
        "$111.00 vs $60.00 (+85.0%)."
    )
    assert "The periods differ in length: 4 days against 7." in asked.answer.notes


def test_follow_ups_refine_the_last_question_of_the_conversation(shops, people):
    _store, other = shops
    manager, conversation = people["manager"], uuid.uuid4()

    insights_ask(user=manager, question="orders this week", today=TODAY, conversation=conversation)
    before = insights_ask(user=manager, question="and the week before?", today=TODAY, conversation=conversation)
    only = insights_ask(user=manager, question="only Second Shop", today=TODAY, conversation=conversation)
    fresh = insights_ask(user=manager, question="and the week before?", today=TODAY)

    assert before.answer.calls[0]["arguments"] == {"start": "2026-03-02", "end": "2026-03-08", "store_ids": None}
    assert before.answer.text == "Orders the week before (2026-03-02 to 2026-03-08): 1."
    assert only.answer.calls[0]["arguments"]["store_ids"] == [other.pk]
    assert fresh.answer.outcome == "not_understood"  # nothing to refine in a new conversation


def test_a_store_limited_manager_is_answered_from_their_stores_only(shops, people):
    _store, other = shops
    limited = people["limited"]

    everything = insights_ask(user=limited, question="revenue in March 2026", today=TODAY)
    elsewhere = insights_ask(user=limited, question="revenue in March 2026 at Second Shop", today=TODAY)

    assert everything.answer.text.startswith("Net sales March 2026 (2026-03-01 to 2026-03-12): $171.00.")
    assert "€" not in everything.answer.text
    assert elsewhere.answer.outcome == "error"
    assert f"Second Shop (store {other.pk}) is not one of your stores" in elsewhere.answer.text


@pytest.mark.parametrize("role", ["marketer", "service"])
def test_marketers_and_customer_service_may_not_ask(shops, people, role):
    with pytest.raises(PermissionDenied):
        insights_ask(user=people[role], question="revenue today", today=TODAY)
    assert not InsightQuestion.objects.exists()


@pytest.mark.parametrize("question", ["", "   ", "x" * 501, None])
def test_an_empty_or_overlong_question_is_refused_and_nothing_is_recorded(people, question):
    with pytest.raises(QuestionInvalid):
        insights_ask(user=people["manager"], question=question, today=TODAY)
    assert not InsightQuestion.objects.exists()


def test_refusals_are_answered_with_a_reason_and_recorded(shops, people):
    asked = insights_ask(user=people["owner"], question="SELECT email FROM accounts_user", today=TODAY)

    assert asked.answer.outcome == "refused"
    assert "can't run SQL" in asked.answer.text
    assert InsightQuestion.objects.get().tool_calls == []


def test_the_command_answers_as_the_user_in_json(shops, people):
    out = io.StringIO()

    call_command(
        "insights_ask", "top 2 products in March 2026", "--user", "manager@example.com", "--today", "2026-03-12",
        "--json", stdout=out,
    )  # fmt: skip

    payload = json.loads(out.getvalue())
    assert payload["tool_calls"] == [
        {
            "name": "top_products",
            "arguments": {"start": "2026-03-01", "end": "2026-03-12", "store_ids": None, "limit": 2, "by": "revenue"},
        }
    ]
    assert payload["periods"] == [{"label": "March 2026", "start": "2026-03-01", "end": "2026-03-12"}]  # not past today
    assert payload["planner"] == "offline" and payload["today"] == "2026-03-12"
    rows = payload["figures"][0]["rows"]
    assert [(r["title"], r["currency"], r["revenue"]) for r in rows] == [
        ("Mug", "EUR", "70.00"),
        ("Mug", "USD", "100.00"),
        ("Lamp", "USD", "60.00"),
    ]
    assert payload["answer"] == (
        "Top 2 products by revenue March 2026 (2026-03-01 to 2026-03-12): in EUR: 1. Mug (2 units, €70.00); "
        "in USD: 1. Mug (2 units, $100.00), 2. Lamp (3 units, $60.00)."
    )


def test_the_command_prints_the_answer_its_working_and_a_summary_line(shops, people):
    out = io.StringIO()

    call_command("insights_ask", "orders this week", "--user", "owner@example.com", "--today", "2026-03-12", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0] == "Orders this week (2026-03-09 to 2026-03-12): 1 in EUR stores; 2 in USD stores."
    assert "Tool: orders_count(start=2026-03-09, end=2026-03-12, store_ids=None)" in lines
    assert lines[-1] == "Asked as owner@example.com with the offline planner; answered."


def test_the_command_refuses_who_may_not_ask_and_bad_dates(shops, people):
    with pytest.raises(CommandError, match="may not use the insights assistant"):
        call_command("insights_ask", "revenue today", "--user", "marketer@example.com", stdout=io.StringIO())
    with pytest.raises(CommandError, match="No active user"):
        call_command("insights_ask", "revenue today", "--user", "nobody@example.com", stdout=io.StringIO())
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("insights_ask", "revenue", "--user", "owner@example.com", "--today", "12/03", stdout=io.StringIO())


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_two_questions_at_once_cannot_both_take_the_last_of_the_daily_budget(assistant_roles):
    from tests.insights.conftest import staff

    manager = staff("Manager", "budget@example.com")
    with use_context(None):
        pass
    assert budget_take(user=manager, day=TODAY, limit=2)

    results = run_together([lambda: budget_take(user=manager, day=TODAY, limit=2)] * 2, atomic=True)

    assert sorted(results) == [False, True]
    assert budget_used(user=manager, day=TODAY) == 2
