"""The Insights page in the admin, its JSON endpoints and the start-over action (HTTP only: the
work is :func:`commerce.insights.assistant.service.insights_ask`). Only staff with
``insights.use_assistant`` get in; everyone else gets 403, the JSON endpoints included."""

from __future__ import annotations

import json
import uuid
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from commerce.insights.models import InsightQuestion

from .history import answer_from_record
from .service import MAX_QUESTION_LENGTH, QuestionInvalid, insights_ask, may_ask
from .suggestions import suggested_questions

SESSION_KEY = "magpie.insights.conversation"
HISTORY = 20


class QuestionForm(forms.Form):
    question = forms.CharField(
        max_length=MAX_QUESTION_LENGTH,
        widget=forms.TextInput(attrs={"placeholder": "e.g. How many orders last week?", "autocomplete": "off"}),
    )


def _refused(request: HttpRequest) -> HttpResponse | None:
    """A 403 page for staff without the insights permission (Wagtail's admin would turn a raised
    ``PermissionDenied`` into a redirect to the dashboard)."""
    if may_ask(request.user):
        return None
    return TemplateResponse(request, "insights/assistant_forbidden.html", {"title": "Insights"}, status=403)


def conversation_of(request: HttpRequest) -> uuid.UUID:
    try:
        return uuid.UUID(request.session[SESSION_KEY])
    except (KeyError, ValueError):
        conversation = uuid.uuid4()
        request.session[SESSION_KEY] = str(conversation)
        return conversation


@require_http_methods(["GET", "POST"])
def assistant_page(request: HttpRequest) -> HttpResponse:
    if refused := _refused(request):
        return refused
    conversation = conversation_of(request)
    form = QuestionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                insights_ask(user=request.user, question=form.cleaned_data["question"], conversation=conversation)
                return redirect(reverse("insights_assistant:index") + "#latest")
            except QuestionInvalid as error:
                form.add_error("question", str(error))
        status = 400
    rows = list(
        InsightQuestion.objects.filter(asked_by=request.user, conversation=conversation).order_by("asked_at", "pk")
    )[-HISTORY:]
    earlier = (
        InsightQuestion.objects.filter(asked_by=request.user)
        .exclude(conversation=conversation)
        .order_by("-asked_at", "-pk")[:10]
    )
    context = {
        "title": "Insights",
        "form": form,
        "turns": [(row, answer_from_record(row)) for row in rows],
        "earlier": earlier,
        "suggestions": suggested_questions(request.user),
    }
    return TemplateResponse(request, "insights/assistant.html", context, status=status)


@require_POST
def start_over(request: HttpRequest) -> HttpResponse:
    if refused := _refused(request):
        return refused
    request.session[SESSION_KEY] = str(uuid.uuid4())
    return redirect("insights_assistant:index")


def _json_question(request: HttpRequest) -> Any:
    if request.content_type == "application/json":
        try:
            body = json.loads(request.body or b"{}")
        except (json.JSONDecodeError, UnicodeDecodeError):
            return None
        return body.get("question") if isinstance(body, dict) else None
    return request.POST.get("question")


@require_POST
def ask_json(request: HttpRequest) -> JsonResponse:
    if not may_ask(request.user):
        return JsonResponse({"error": "You may not use the insights assistant."}, status=403)
    question = _json_question(request)
    if not isinstance(question, str):
        return JsonResponse({"errors": {"question": "Send the question as a string."}}, status=400)
    try:
        asked = insights_ask(user=request.user, question=question, conversation=conversation_of(request))
    except QuestionInvalid as error:
        return JsonResponse({"errors": {"question": str(error)}}, status=400)
    payload = {"id": asked.record.pk, "planner": asked.planner, "today": str(asked.record.today)}
    return JsonResponse({**payload, **asked.answer.as_json()}, json_dumps_params={"default": str})


@require_GET
def history_json(request: HttpRequest) -> JsonResponse:
    if not may_ask(request.user):
        return JsonResponse({"error": "You may not use the insights assistant."}, status=403)
    rows = InsightQuestion.objects.filter(asked_by=request.user).order_by("-asked_at", "-pk")[:HISTORY]
    return JsonResponse(
        {
            "questions": [
                {
                    "id": row.pk,
                    "asked_at": row.asked_at.isoformat(),
                    "question": row.question,
                    "planner": row.planner,
                    "outcome": row.outcome,
                    "answer": row.answer,
                    "tool_calls": [{"name": c["name"], "arguments": c["arguments"]} for c in row.tool_calls],
                    "periods": row.periods,
                }
                for row in rows
            ]
        }
    )
