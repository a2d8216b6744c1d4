"""Issue 14: the OpenAI planner through the real ``openai`` SDK against a loopback fake server:
the tool loop, malformed arguments, unknown tools, too many rounds, timeouts, 429 and 5xx, a
malformed reply and the daily budget — each ends in a clear answer, never an exception or a 500."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from commerce.insights.assistant.service import insights_ask
from commerce.insights.models import InsightQuestion
from tests.insights.assistant.conftest import TODAY
from tests.insights.assistant.fake_openai import Reply, error, message, tool_calls
from tests.insights.conftest import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.insights]

THIS_WEEK = {"start": "2026-03-09", "end": "2026-03-12"}
LAST_WEEK = {"start": "2026-03-02", "end": "2026-03-08"}


def ask(user, question: str = "How did orders do this week against last week?"):
    return insights_ask(user=user, question=question, today=TODAY)


def test_the_tool_loop_runs_the_models_calls_and_answers_from_the_figures(shops, people, fake_openai):
    store, _other = shops
    fake_openai.script = [
        tool_calls(("orders_count", {**THIS_WEEK, "store_ids": [store.pk]})),
        tool_calls(("orders_count", {**LAST_WEEK, "store_ids": [store.pk]})),
        message("Orders rose from 1 to 2."),
    ]

    asked = ask(people["manager"])

    assert asked.planner == "openai"
    assert asked.answer.text == (
        "Orders from 2026-03-09 to 2026-03-12, compared with 2026-03-02 to 2026-03-08: 2 vs 1 (+100.0%)."
    )
    first, second, third = fake_openai.requests
    assert first["model"] == "fake-model"
    assert {tool["function"]["name"] for tool in first["tools"]} >= {"orders_count", "revenue", "top_products"}
    assert "Today is 2026-03-12 (Thursday)" in first["messages"][0]["content"]
    tool_message = second["messages"][-1]
    assert tool_message["role"] == "tool" and tool_message["tool_call_id"] == "call_0"
    assert json.loads(tool_message["content"])["rows"] == [{"currency": "USD", "orders": 2}]
    assert json.loads(third["messages"][-1]["content"])["rows"] == [{"currency": "USD", "orders": 1}]
    record = InsightQuestion.objects.get()
    assert record.planner == "openai"
    assert [call["role"] for call in record.tool_calls] == ["main", "comparison"]


def test_malformed_arguments_go_back_to_the_model_and_the_answer_says_so(shops, people, fake_openai):
    fake_openai.script = [
        tool_calls(("orders_count", '{"start": "2026-03-09", "end": ')),
        message("I could not read that."),
    ]

    asked = ask(people["manager"])

    assert asked.answer.outcome == "not_understood"
    assert asked.answer.text == "I could not read that."
    assert any("not valid JSON" in note for note in asked.answer.notes)
    assert "not valid JSON" in json.loads(fake_openai.requests[1]["messages"][-1]["content"])["error"]


def test_an_unknown_tool_is_refused_to_the_model_which_can_correct_itself(shops, people, fake_openai):
    fake_openai.script = [
        tool_calls(("run_sql", {"query": "SELECT * FROM accounts_user"})),
        tool_calls(("orders_count", THIS_WEEK)),
        message("Done."),
    ]

    asked = ask(people["manager"], "orders this week")

    assert asked.answer.text == "Orders from 2026-03-09 to 2026-03-12: 1 in EUR stores; 2 in USD stores."
    assert "unknown tool 'run_sql'" in fake_openai.requests[1]["messages"][-1]["content"]
    assert [call["name"] for call in InsightQuestion.objects.get().tool_calls] == ["orders_count"]


def test_too_many_rounds_stop_with_what_was_read(shops, people, fake_openai):
    fake_openai.script = [tool_calls(("orders_count", THIS_WEEK)) for _ in range(5)]

    asked = ask(people["manager"], "orders this week")

    assert len(fake_openai.requests) == 3  # INSIGHTS_MAX_TOOL_ROUNDS
    assert "stopped after 3 rounds of tool calls" in " ".join(asked.answer.notes)
    assert asked.answer.text == "Orders from 2026-03-09 to 2026-03-12: 1 in EUR stores; 2 in USD stores."


def test_a_timeout_is_retried_then_answered_by_the_built_in_planner(shops, people, fake_openai, settings):
    settings.INSIGHTS_OPENAI_TIMEOUT_SECONDS = 0.3
    settings.INSIGHTS_OPENAI_MAX_RETRIES = 1
    fake_openai.script = [Reply(delay=1.0, body={}), Reply(delay=1.0, body={})]

    asked = ask(people["manager"], "orders this week")

    assert len(fake_openai.requests) == 2
    assert asked.planner == "offline"
    assert asked.answer.text == "Orders this week (2026-03-09 to 2026-03-12): 1 in EUR stores; 2 in USD stores."
    assert "did not answer within 0.3 seconds" in " ".join(asked.answer.notes)


def test_429_is_retried_with_backoff_and_then_explained(shops, people, fake_openai):
    fake_openai.script = [error(429), error(429), error(429)]

    asked = ask(people["manager"], "orders this week")

    assert len(fake_openai.requests) == 3  # one try and two retries
    assert "busy (rate limited)" in " ".join(asked.answer.notes)
    assert asked.answer.outcome == "answered" and asked.planner == "offline"


def test_a_5xx_is_retried_and_a_later_success_is_used(shops, people, fake_openai):
    fake_openai.script = [error(502), tool_calls(("orders_count", THIS_WEEK)), message("ok")]

    asked = ask(people["manager"], "orders this week")

    assert asked.planner == "openai"
    assert len(fake_openai.requests) == 3


def test_a_persistent_5xx_is_explained(shops, people, fake_openai):
    fake_openai.script = [error(503)] * 3

    asked = ask(people["manager"], "orders this week")

    assert "The AI service failed (HTTP 503)." in " ".join(asked.answer.notes)
    assert asked.planner == "offline"


def test_a_malformed_reply_is_explained(shops, people, fake_openai):
    fake_openai.script = [Reply(body={"id": "x", "object": "chat.completion", "choices": []})]

    asked = ask(people["manager"], "orders this week")

    assert "reply without a message" in " ".join(asked.answer.notes)


def test_past_the_daily_budget_the_built_in_planner_answers(shops, people, fake_openai, settings):
    settings.INSIGHTS_DAILY_AI_QUESTIONS = 1
    fake_openai.script = [tool_calls(("orders_count", THIS_WEEK)), message("ok")]

    first = ask(people["manager"], "orders this week")
    second = ask(people["manager"], "orders this week")

    assert (first.planner, second.planner) == ("openai", "offline")
    assert "used today's 1 AI questions" in " ".join(second.answer.notes)
    assert len(fake_openai.requests) == 2


def test_refusals_never_reach_the_model(shops, people, fake_openai):
    asked = ask(people["manager"], "drop table orders_order")

    assert asked.answer.outcome == "refused"
    assert fake_openai.requests == []


def test_the_json_endpoint_answers_200_when_the_ai_service_fails(shops, people, fake_openai):
    fake_openai.script = [error(500)] * 3

    response = client_for(people["manager"]).post(
        reverse("insights_assistant:ask_json"), {"question": "orders from 2026-03-09 to 2026-03-12"}
    )

    assert response.status_code == 200
    payload = response.json()
    assert payload["planner"] == "offline"
    assert payload["tool_calls"] == [{"name": "orders_count", "arguments": {**THIS_WEEK, "store_ids": None}}]
    assert "HTTP 500" in " ".join(payload["notes"])


def test_a_follow_up_sends_the_conversations_earlier_calls_not_their_figures(shops, people, fake_openai):
    import uuid

    conversation = uuid.uuid4()
    fake_openai.script = [
        tool_calls(("orders_count", THIS_WEEK)),
        message("ok"),
        tool_calls(("orders_count", LAST_WEEK)),
        message("ok"),
    ]

    insights_ask(user=people["manager"], question="orders this week", today=TODAY, conversation=conversation)
    insights_ask(user=people["manager"], question="and the week before?", today=TODAY, conversation=conversation)

    history = fake_openai.requests[2]["messages"][1]
    assert history["role"] == "assistant"
    assert '"name": "orders_count"' in history["content"] and '"start": "2026-03-09"' in history["content"]
    assert "rows" not in history["content"]
