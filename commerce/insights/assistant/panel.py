"""The admin home's "Ask about your store" panel (staff with ``insights.use_assistant``)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from wagtail.admin.ui.components import Component

from commerce.insights.models import InsightQuestion

from .suggestions import suggested_questions


class AssistantPanel(Component):
    name = "insights_assistant"
    order = 55
    template_name = "insights/assistant_panel.html"

    def __init__(self, user: Any) -> None:
        self.user = user

    def get_context_data(self, parent_context: Any = None) -> dict[str, Any]:
        return {
            # the panel's forms post: the home's token, which a component's own context lacks
            "csrf_token": (parent_context or {}).get("csrf_token"),
            "ask_url": reverse("insights_assistant:index"),
            "suggestions": suggested_questions(self.user)[:4],
            "latest": InsightQuestion.objects.filter(asked_by=self.user).order_by("-asked_at", "-pk").first(),
        }
