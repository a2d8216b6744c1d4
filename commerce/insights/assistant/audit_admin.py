"""The assistant's audit log in the admin (Reports → Assistant log): every question, the planner,
its tool calls with their arguments, and the answer. Read-only; staff with
``insights.view_insightquestion`` (Owners) see it, and row-level security shows the whole log only
to staff of every store (others see their own questions)."""

from __future__ import annotations

from typing import Any

from django.urls import path
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.viewsets.model import ModelViewSet

from commerce.insights.models import InsightQuestion

from .sentences import arguments_text


def call_text(call: dict[str, Any]) -> str:
    return f"{call['name']}({arguments_text(call['arguments'])})"


class ToolCallsColumn(Column):
    def get_value(self, instance: InsightQuestion) -> str:
        return "; ".join(call_text(call) for call in instance.tool_calls)


class InsightQuestionViewSet(ModelViewSet):
    model = InsightQuestion
    icon = "list-ul"
    name = "insights_log"
    url_prefix = "insights/log"
    add_to_admin_menu = False
    inspect_view_enabled = True
    copy_view_enabled = False
    list_per_page = 50
    list_filter = ["planner", "outcome", "asked_at"]
    search_fields = ["question", "answer"]
    list_display = [
        DateColumn("asked_at", label="Asked"),
        Column("asked_by", label="By"),
        Column("question", label="Question"),
        Column("planner", label="Planner", accessor="get_planner_display"),
        Column("outcome", label="Outcome", accessor="get_outcome_display"),
        ToolCallsColumn("tool_calls", label="Tool calls"),
    ]
    inspect_view_fields = [
        "asked_at",
        "asked_by",
        "question",
        "planner",
        "outcome",
        "today",
        "tool_calls",
        "periods",
        "answer",
    ]

    def get_urlpatterns(self) -> list:
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<str:pk>/", self.inspect_view, name="inspect"),
        ]

    def get_index_view_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        kwargs = super().get_index_view_kwargs(**kwargs)
        for key in ("add_url_name", "edit_url_name", "copy_url_name", "delete_url_name"):
            kwargs[key] = None
        return kwargs

    def get_inspect_view_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        kwargs = super().get_inspect_view_kwargs(**kwargs)
        kwargs["edit_url_name"] = kwargs["delete_url_name"] = None
        return kwargs

    def register_admin_url_finder(self) -> None:
        return None

    def register_reference_index(self) -> None:
        return None


insight_question_viewset = InsightQuestionViewSet()
