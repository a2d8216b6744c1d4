"""Issue 14: the Insights page, its JSON endpoints, the dashboard panel and the audit log — who
gets in (Owners, Managers), who gets 403 (Marketers, Customer service, also on JSON), and bad
input answered with a 400 naming the field, never a 500."""

from __future__ import annotations

import pytest
from django.urls import reverse

from commerce.insights.models import InsightQuestion
from tests.insights.conftest import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.insights]

PAGE = "insights_assistant:index"
ASK = "insights_assistant:ask_json"
HISTORY = "insights_assistant:history_json"
MARCH = "orders from 2026-03-01 to 2026-03-12"


@pytest.mark.parametrize("role", ["marketer", "service"])
def test_marketers_and_customer_service_get_403_everywhere(shops, people, role):
    client = client_for(people[role])

    responses = [
        client.get(reverse(PAGE)),
        client.post(reverse(PAGE), {"question": MARCH}),
        client.post(reverse(ASK), {"question": MARCH}),
        client.get(reverse(HISTORY)),
        client.post(reverse("insights_assistant:start_over")),
    ]

    assert [r.status_code for r in responses] == [403] * 5
    assert responses[2].json() == {"error": "You may not use the insights assistant."}
    assert not InsightQuestion.objects.exists()
    home = client.get(reverse("wagtailadmin_home"))
    assert b"Ask about your store" not in home.content
    assert reverse(PAGE).encode() not in home.content


def test_a_manager_asks_on_the_page_and_sees_the_answer_with_its_working(shops, people):
    client = client_for(people["manager"])

    response = client.post(reverse(PAGE), {"question": "top 2 products from 2026-03-01 to 2026-03-12"}, follow=True)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Top 2 products by revenue from 2026-03-01 to 2026-03-12" in html
    assert "<code>top_products</code>" in html and "limit=2" in html
    assert "<svg" in html  # the bar chart
    assert "Top 5 products last month" in html  # a suggested question


def test_the_page_keeps_the_conversation_so_follow_ups_refine(shops, people, store):
    client = client_for(people["manager"])

    client.post(reverse(PAGE), {"question": MARCH})
    client.post(reverse(PAGE), {"question": "only Magpie Test Shop"})
    page = client.get(reverse(PAGE)).content.decode()

    rows = list(InsightQuestion.objects.order_by("pk"))
    assert rows[0].conversation == rows[1].conversation
    assert rows[1].tool_calls[0]["arguments"]["store_ids"] == [store.pk]
    assert "Orders from 2026-03-01 to 2026-03-12: 3." in page

    client.post(reverse("insights_assistant:start_over"))
    client.post(reverse(PAGE), {"question": "only Magpie Test Shop"})
    assert InsightQuestion.objects.order_by("-pk").first().outcome == "not_understood"


def test_the_json_endpoint_answers_and_names_the_field_on_bad_input(shops, people):
    client = client_for(people["owner"])

    ok = client.post(reverse(ASK), {"question": MARCH})
    empty = client.post(reverse(ASK), {"question": "  "})
    too_long = client.post(reverse(ASK), {"question": "x" * 600})
    not_json = client.post(reverse(ASK), "{nope", content_type="application/json")
    wrong_type = client.post(reverse(ASK), {"question": 5}, content_type="application/json")
    history = client.get(reverse(HISTORY))

    assert ok.status_code == 200
    body = ok.json()
    assert body["tool_calls"] == [
        {"name": "orders_count", "arguments": {"start": "2026-03-01", "end": "2026-03-12", "store_ids": None}}
    ]
    assert body["periods"] == [{"label": "from 2026-03-01 to 2026-03-12", "start": "2026-03-01", "end": "2026-03-12"}]
    assert body["figures"][0]["rows"] == [{"currency": "EUR", "orders": 1}, {"currency": "USD", "orders": 3}]
    for response in (empty, too_long, not_json, wrong_type):
        assert response.status_code == 400
        assert "question" in response.json()["errors"]
    assert [q["question"] for q in history.json()["questions"]] == [MARCH]
    assert InsightQuestion.objects.count() == 1


def test_a_bad_form_post_is_a_400_with_the_error_and_nothing_recorded(people):
    response = client_for(people["manager"]).post(reverse(PAGE), {"question": ""})

    assert response.status_code == 400
    assert b"This field is required." in response.content
    assert not InsightQuestion.objects.exists()


def test_the_dashboard_panel_shows_for_managers(shops, people):
    home = client_for(people["manager"]).get(reverse("wagtailadmin_home")).content.decode()

    assert "Ask about your store" in home
    assert "How many orders last week?" in home


def test_the_audit_log_is_for_owners_and_shows_every_askers_questions(shops, people):
    client_for(people["manager"]).post(reverse(PAGE), {"question": MARCH})
    client_for(people["limited"]).post(reverse(PAGE), {"question": "delete all orders"})

    owner_log = client_for(people["owner"]).get(reverse("insights_log:index"))
    manager_log = client_for(people["manager"]).get(reverse("insights_log:index"))
    record = InsightQuestion.objects.get(outcome="refused")
    inspect = client_for(people["owner"]).get(reverse("insights_log:inspect", args=[record.pk]))

    assert owner_log.status_code == 200
    html = owner_log.content.decode()
    assert MARCH in html and "delete all orders" in html
    assert "orders_count(start=2026-03-01, end=2026-03-12, store_ids=None)" in html
    assert manager_log.status_code == 302 or manager_log.status_code == 403
    assert inspect.status_code == 200 and b"can only read figures" in inspect.content
