"""Issue 14 "done when": on the demo store with no OpenAI key, a manager opens Insights in real
Chromium, asks the suggested questions and gets the figures the metrics (and so the reports) give."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from commerce.accounts.roles import MANAGER
from commerce.core.rls import system_context
from commerce.insights.assistant.periods import week
from commerce.insights.assistant.service import local_today
from commerce.insights.assistant.suggestions import SUGGESTIONS
from commerce.insights.metrics import sales_summary
from commerce.insights.metrics_scope import stores_in_scope
from tests.e2e.conftest import ARTIFACTS, needs_chromium

pytestmark = [pytest.mark.e2e, pytest.mark.insights, pytest.mark.django_db(transaction=True), needs_chromium]


@pytest.fixture
def manager(demo_shop):
    from django.apps import apps

    from commerce.accounts.roles import role_groups_sync
    from commerce.insights.roles import assistant_permissions_grant, report_permissions_grant
    from tests.insights.conftest import staff

    with system_context("test"):
        role_groups_sync(apps)
        report_permissions_grant(apps)
        assistant_permissions_grant(apps)
        return staff(MANAGER, "demo-manager@example.com")


def test_a_manager_asks_the_suggested_questions_and_gets_the_reports_figures(chromium, demo_shop, manager):
    client = Client()
    client.force_login(manager)
    context = chromium.new_context(viewport={"width": 1280, "height": 1000})
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": demo_shop.base_url,
            }
        ]
    )
    page = context.new_page()
    page.goto(f"{demo_shop.base_url}/admin/insights/")

    for question in SUGGESTIONS:
        page.get_by_role("button", name=question, exact=True).click()
        page.wait_for_load_state()
        latest = page.locator("#latest")
        assert latest.locator("h2").inner_text() == question
        answer = latest.locator(".magpie-answer").inner_text()
        assert "did not understand" not in answer and "could not read" not in answer, (question, answer)

    with system_context("test"):
        stores = stores_in_scope(user=manager)
        last_week = week(local_today(stores), 1).period
        expected = sales_summary(user=manager, period=last_week)
    first = page.locator(".magpie-answer").first.inner_text()
    assert first.startswith(f"Orders last week ({last_week.start} to {last_week.end}): ")
    assert first.endswith("; ".join(f"{row.orders} in {row.currency} stores" for row in expected) + ".")
    assert len(expected) == 2 and all(row.orders > 0 for row in expected)  # the demo's two stores sold last week
    assert page.locator("svg.magpie-chart").count() >= 2  # the top products' bars and the daily line
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.locator(".magpie-answer").first.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "insights.png"))
    page.goto(f"{demo_shop.base_url}/admin/")
    assert page.get_by_role("heading", name="Ask about your store").is_visible()
    page.get_by_role("heading", name="Ask about your store").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "insights-panel.png"))
    context.close()
