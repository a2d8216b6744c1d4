"""Asking the assistant: one path for the admin page, its JSON endpoint, the dashboard panel and
``manage.py insights_ask``.

:func:`insights_ask` checks the asker's permission, runs everything under the asker's RLS context
and store scope, plans (OpenAI when a key is set and the asker's daily budget allows, otherwise the
offline planner), runs the tool calls, composes the answer and records it in the audit log."""

from __future__ import annotations

import logging
import uuid
import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from commerce.core.rls.context import use_context
from commerce.core.rls.middleware import context_for_user
from commerce.insights.metrics_scope import stores_in_scope
from commerce.insights.models import InsightQuestion
from commerce.stores.models import Store

from .answers import Answer, compose
from .budget import budget_take
from .offline_planner import StoreRef, plan_offline
from .openai_planner import PlannerUnavailable, plan_openai
from .plan import Plan, ToolCall
from .tools import ToolError, ToolResult, run_tool

logger = logging.getLogger(__name__)
ASK_PERMISSION = "insights.use_assistant"
MAX_QUESTION_LENGTH = 500


class QuestionInvalid(ValueError):
    """The question cannot be asked (empty or too long); the message names the field's problem."""


@dataclass
class Asked:
    record: InsightQuestion
    answer: Answer
    planner: str


def may_ask(user: Any) -> bool:
    return bool(user.is_active and user.has_perm(ASK_PERMISSION))


def clean_question(question: Any) -> str:
    text = " ".join(str(question or "").split())
    if not text:
        raise QuestionInvalid("Ask a question, e.g. “How many orders last week?”")
    if len(text) > MAX_QUESTION_LENGTH:
        raise QuestionInvalid(f"Keep the question under {MAX_QUESTION_LENGTH} characters.")
    return text


def local_today(stores: list[Any]) -> date:
    """Today in the stores' time zone when they share one, else in ``TIME_ZONE``."""
    zones = {store.time_zone for store in stores}
    zone = zoneinfo.ZoneInfo(zones.pop()) if len(zones) == 1 else timezone.get_default_timezone()
    return datetime.now(zone).date()


def previous_plans(user: Any, conversation: uuid.UUID | None) -> list[Plan]:
    """The conversation's answered questions, oldest first (the last one is what a follow-up refines)."""
    if conversation is None:
        return []
    rows = InsightQuestion.objects.filter(
        asked_by=user, conversation=conversation, outcome=InsightQuestion.Outcome.ANSWERED
    ).order_by("-asked_at", "-pk")[:5]
    plans = []
    for row in reversed(list(rows)):
        calls = tuple(ToolCall.from_dict(call) for call in row.tool_calls if not call.get("error"))
        if calls:
            plans.append(Plan(calls=calls))
    return plans


def insights_ask(
    *, user: Any, question: Any, today: date | None = None, conversation: uuid.UUID | None = None
) -> Asked:
    """Answer ``question`` as ``user`` would be answered and record it. Raises ``PermissionDenied``
    for staff without the insights permission and :class:`QuestionInvalid` for a bad question."""
    if not may_ask(user):
        raise PermissionDenied("You may not use the insights assistant.")
    text = clean_question(question)
    with use_context(context_for_user(user)):
        stores = stores_in_scope(user=user)
        today = today or local_today(stores)
        refs = [StoreRef(store.pk, store.name) for store in stores]
        # The offline planner knows every store's name, so naming a store outside the asker's scope
        # is refused by the tool (not silently answered for their own stores instead).
        named = [StoreRef(store.pk, store.name) for store in Store.objects.order_by("name", "pk")]
        previous = previous_plans(user, conversation)
        cache: dict[str, ToolResult | ToolError] = {}

        def execute(call: ToolCall) -> ToolResult | ToolError:
            key = f"{call.name}:{sorted(call.arguments.items())}"
            if key not in cache:
                try:
                    cache[key] = run_tool(call.name, call.arguments, user=user)
                except ToolError as error:
                    cache[key] = error
            return cache[key]

        plan, results, planner = _plan(text, user, today, refs, named, previous, execute)
        if not plan.refusal and not results:
            results = {index: execute(call) for index, call in enumerate(plan.calls)}
        zones = sorted({store.time_zone for store in stores})
        answer = compose(plan, results, time_zones=zones)
        if not stores:
            answer.notes.append("You have no stores to read figures from.")
        record = _record(user, conversation or uuid.uuid4(), text, planner, today, answer)
    return Asked(record=record, answer=answer, planner=planner)


def _plan(
    text: str,
    user: Any,
    today: date,
    refs: list[StoreRef],
    named: list[StoreRef],
    previous: list[Plan],
    execute: Any,
) -> tuple[Plan, dict[int, ToolResult | ToolError], str]:
    offline = plan_offline(text, today=today, stores=named, previous=previous[-1] if previous else None)
    if offline.refusal or not settings.OPENAI_API_KEY:
        return offline, {}, InsightQuestion.Planner.OFFLINE
    if not budget_take(user=user, day=today, limit=settings.INSIGHTS_DAILY_AI_QUESTIONS):
        note = (
            f"You have used today's {settings.INSIGHTS_DAILY_AI_QUESTIONS} AI questions: the built-in planner answered."
        )
        return _noted(offline, note), {}, InsightQuestion.Planner.OFFLINE
    try:
        plan, results, _said = plan_openai(text, today=today, stores=refs, previous=previous, execute=execute)
    except PlannerUnavailable as error:
        return _noted(offline, f"{error} The built-in planner answered instead."), {}, InsightQuestion.Planner.OFFLINE
    return plan, results, InsightQuestion.Planner.OPENAI


def _noted(plan: Plan, note: str) -> Plan:
    return Plan(plan.calls, plan.refusal, plan.not_understood, (*plan.notes, note))


@transaction.atomic
def _record(
    user: Any, conversation: uuid.UUID, text: str, planner: str, today: date, answer: Answer
) -> InsightQuestion:
    return InsightQuestion.objects.create(
        asked_by=user,
        conversation=conversation,
        question=text,
        planner=planner,
        outcome=answer.outcome,
        tool_calls=[{k: v for k, v in call.items() if k not in ("rows", "arguments_text")} for call in answer.calls],
        periods=[call["period"] for call in answer.calls if call["period"]],
        answer=" ".join([answer.text, *answer.notes]).strip(),
        figures=answer.figures(),
        today=today,
    )
