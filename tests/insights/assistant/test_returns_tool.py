"""The assistant's ``returns`` tool: its figures equal a direct SQL aggregate on the reports' return
fixture, it stays in a store-limited manager's stores, refuses bad arguments naming the field, and
the offline planner sends return questions to it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from commerce.accounts.roles import MANAGER
from commerce.insights.assistant.offline_planner import StoreRef, plan_offline
from commerce.insights.assistant.tools import ToolError, run_tool, tool_schemas
from tests.insights.conftest import staff
from tests.insights.test_more_metrics import catalogue  # noqa: F401 - the fixture
from tests.insights.test_return_metrics import STEP_SQL, UNITS_SQL, VALUE_SQL, returns, sql  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.insights]

MARCH_10 = {"start": "2026-03-10", "end": "2026-03-10"}
STEPS = ("requested", "approved", "received", "rejected", "refunded")


def test_the_returns_tool_equals_sql(returns, store, other_store, roles):  # noqa: F811 - the fixture
    owner = staff(None, "owner@example.com", superuser=True)

    rows = run_tool("returns", MARCH_10, user=owner).rows

    both = [store.pk, other_store.pk]
    got = sorted((r["currency"], f"return_{step}", r[step]) for r in rows for step in STEPS if r[step])
    assert got == sql(STEP_SQL, [both])
    assert [(r["currency"], r["units_returned"]) for r in rows if r["units_returned"]] == sql(UNITS_SQL, [both])
    values = [(r["currency"], Decimal(r["refunded_value"])) for r in rows if Decimal(r["refunded_value"])]
    assert values == sql(VALUE_SQL, [both]) == [("EUR", Decimal("35.00")), ("USD", Decimal("50.00"))]
    usd = next(r for r in rows if r["currency"] == "USD")
    assert usd["top_reasons"] == "Arrived damaged (2); Does not fit (2)"


def test_a_store_limited_manager_reads_only_their_stores_returns(returns, store, other_store, roles):  # noqa: F811
    manager = staff(MANAGER, "manager@example.com", stores=[store])

    rows = run_tool("returns", MARCH_10, user=manager).rows

    assert [r["currency"] for r in rows] == ["USD"]
    with pytest.raises(ToolError, match="is not one of your stores"):
        run_tool("returns", {**MARCH_10, "store_ids": [other_store.pk]}, user=manager)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"start": "2026-03-10"}, "end: Field required"),
        ({"start": "2026-03-10", "end": "2026-03-01"}, "end must be on or after start"),
        ({**MARCH_10, "reason": "damaged"}, "reason: Extra inputs are not permitted"),
    ],
)
def test_bad_returns_calls_are_refused_naming_the_field(roles, arguments, message):
    with pytest.raises(ToolError, match=message):
        run_tool("returns", arguments, user=staff(None, "owner@example.com", superuser=True))


def test_the_returns_tool_has_a_dated_json_schema():
    schema = next(s["function"] for s in tool_schemas() if s["function"]["name"] == "returns")

    assert set(schema["parameters"]["required"]) == {"start", "end"}
    assert "store_ids" in schema["parameters"]["properties"]
    assert "return reasons" in schema["description"]


@pytest.mark.parametrize(
    "question",
    ["how many returns last month?", "top return reasons this quarter", "retrns lst month", "items sent back in May"],
)
def test_return_questions_plan_the_returns_tool_not_refunds_or_top_products(question):
    plan = plan_offline(question, today=date(2026, 11, 18), stores=[StoreRef(1, "Magpie Outfitters")])

    assert [call.name for call in plan.calls] == ["returns"], plan


def test_returning_customers_still_mean_the_customer_mix():
    plan = plan_offline("new vs returning customers last month", today=date(2026, 11, 18), stores=[])

    assert [call.name for call in plan.calls] == ["customer_mix"]
