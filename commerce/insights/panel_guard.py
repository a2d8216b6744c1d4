"""A dashboard panel whose figures time out says so in its own box; the rest of the admin home
still renders (a panel never turns the home into a 500)."""

from __future__ import annotations

import logging
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from wagtail.admin.ui.components import Component

from .metrics_scope import MetricTimedOut

logger = logging.getLogger(__name__)

TIMED_OUT_TEMPLATE = "insights/panel_timed_out.html"


class TimeoutGuardedPanel(Component):
    """A panel reading metrics for ``user`` (its stores and permissions scope the figures): on
    :class:`MetricTimedOut` it renders a short notice instead."""

    heading = ""  # the panel's heading, also shown on the notice

    def __init__(self, user: Any) -> None:
        self.user = user

    def render_html(self, parent_context: Any = None) -> SafeString:
        try:
            return super().render_html(parent_context)
        except MetricTimedOut:
            logger.warning("dashboard panel %s timed out", self.name, exc_info=True)
            return render_to_string(TIMED_OUT_TEMPLATE, {"heading": self.heading, "name": self.name})
