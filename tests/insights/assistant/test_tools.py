"""Issue 14: each tool's figures equal a direct SQL aggregate on the fixture data; bad calls are
refused with the field named; a store-limited manager reads only their stores."""

from __future__ import annotations

from decimal import Decimal

import pytest

from commerce.insights.assistant.tools import TOOLS, ToolError, run_tool, tool_schemas
from tests.insights.assistant.conftest import LOCAL_DAY, ORDERS, REFUNDS, UNITS, sql

pytestmark = [pytest.mark.django_db, pytest.mark.insights]

MARCH = {"start": "2026-03-01", "end": "2026-03-31"}


def direct(stores: list[int], start: str = "2026-03-01", end: str = "2026-03-31") -> dict[str, dict]:
    params = {"start": start, "end": end, "stores": stores}
    units = dict(sql(UNITS, params))
    refunds = dict(sql(REFUNDS, params))
    return {
        currency: {
            "orders": orders,
            "gross_sales": gross,
            "discounts": discounts,
            "shipping": shipping,
            "total": total,
            "units": units.get(currency, 0),
            "refunds": refunds.get(currency, Decimal("0.00")),
        }
        for currency, orders, gross, discounts, shipping, total in sql(ORDERS, params)
    }


def by_currency(tool: str, user, **arguments) -> dict[str, dict]:
    return {row["currency"]: row for row in run_tool(tool, {**MARCH, **arguments}, user=user).rows}


def test_every_summary_tool_equals_sql_per_currency(shops, people):
    store, other = shops
    owner = people["owner"]
    expected = direct([store.pk, other.pk])

    orders = by_currency("orders_count", owner)
    revenue = by_currency("revenue", owner)
    aov = by_currency("average_order_value", owner)
    units = by_currency("units_sold", owner)
    refunds = by_currency("refunds", owner)
    shipping = by_currency("shipping_charged", owner)
    discounts = by_currency("discounts_given", owner)

    assert set(orders) == set(expected) == {"USD", "EUR"}
    for currency, figures in expected.items():
        assert orders[currency]["orders"] == figures["orders"]
        net = figures["gross_sales"] - figures["discounts"] - figures["refunds"]
        assert Decimal(revenue[currency]["net_sales"]) == net
        assert Decimal(revenue[currency]["gross_sales"]) == figures["gross_sales"]
        assert Decimal(aov[currency]["average_order_value"]) == (figures["total"] / figures["orders"]).quantize(
            Decimal("0.01")
        )
        assert units[currency]["units"] == figures["units"]
        assert Decimal(refunds.get(currency, {}).get("refunded", "0.00")) == figures["refunds"]
        assert Decimal(shipping[currency]["shipping"]) == figures["shipping"]
        assert Decimal(discounts[currency]["discounts"]) == figures["discounts"]
    assert orders["USD"]["orders"] == 3 and Decimal(revenue["USD"]["net_sales"]) == Decimal("171.00")
    refund_rows = sql("SELECT count(*), count(DISTINCT order_id) FROM payments_refund WHERE status = 'succeeded'")
    assert (refunds["USD"]["refunds"], refunds["USD"]["orders_refunded"]) == refund_rows[0] == (1, 1)


def test_top_products_series_and_customer_mix_equal_sql(shops, people):
    store, _other = shops
    owner = people["owner"]
    params = {"start": "2026-03-01", "end": "2026-03-31", "stores": [store.pk]}

    top = run_tool("top_products", {**MARCH, "store_ids": [store.pk], "by": "units"}, user=owner).rows
    series = run_tool("sales_series", {**MARCH, "store_ids": [store.pk]}, user=owner).rows
    mix = run_tool("customer_mix", {**MARCH, "store_ids": [store.pk]}, user=owner).rows[0]

    direct_top = sql(
        f"""SELECT l.product_title, sum(l.quantity), sum(l.line_total) FROM orders_orderline l
              JOIN orders_order o ON o.id = l.order_id JOIN stores_store s ON s.id = o.store_id
             WHERE {LOCAL_DAY}
             GROUP BY 1 ORDER BY 2 DESC, 1""",
        params,
    )
    assert [(r["title"], r["units"], Decimal(r["revenue"])) for r in top] == direct_top
    direct_days = dict(
        sql(
            """SELECT (o.paid_at AT TIME ZONE s.time_zone)::date, sum(o.subtotal - o.discount_total)
                 FROM orders_order o JOIN stores_store s ON s.id = o.store_id
                WHERE o.store_id = ANY(%(stores)s) GROUP BY 1""",
            params,
        )
    )
    assert len(series) == 31
    assert {r["starts_on"]: Decimal(r["net_sales"]) for r in series if r["orders"]} == {
        day.isoformat(): total for day, total in direct_days.items()
    }
    emails = sql("SELECT count(DISTINCT email) FROM orders_order WHERE store_id = %s", [store.pk])[0][0]
    assert mix["new_customers"] == emails == 2
    assert (mix["returning_customers"], mix["orders_from_returning"]) == (1, 1)


def test_a_store_limited_manager_reads_only_their_store(shops, people):
    store, other = shops
    limited = people["limited"]

    rows = run_tool("orders_count", MARCH, user=limited).rows

    assert rows == [{"currency": "USD", "orders": direct([store.pk])["USD"]["orders"]}]
    with pytest.raises(ToolError, match=rf"Second Shop \(store {other.pk}\) is not one of your stores"):
        run_tool("revenue", {**MARCH, "store_ids": [other.pk]}, user=limited)


@pytest.mark.parametrize(
    ("name", "arguments", "message"),
    [
        ("run_sql", {"query": "SELECT 1"}, "unknown tool 'run_sql'"),
        ("revenue", "{not json", "not valid JSON"),
        ("revenue", "[1, 2]", "must be a JSON object"),
        ("revenue", {"start": "2026-03-01"}, "end: Field required"),
        ("revenue", {"start": "2026-03-31", "end": "2026-03-01"}, "end must be on or after start"),
        ("revenue", {**MARCH, "sql": "DROP TABLE orders_order"}, "sql: Extra inputs are not permitted"),
        ("top_products", {**MARCH, "limit": 500}, "limit: Input should be less than or equal to 50"),
        ("sales_series", {**MARCH, "interval": "hour"}, "interval: Input should be"),
        ("orders_count", {"start": "2020-01-01", "end": "2026-03-01"}, "at most 1098 days"),
    ],
)
def test_bad_calls_are_refused_naming_the_field_and_read_nothing(shops, people, name, arguments, message):
    with pytest.raises(ToolError, match=message.replace("(", r"\(").replace("[", r"\[")):
        run_tool(name, arguments, user=people["owner"])


def test_every_tool_has_a_json_schema_for_its_arguments():
    schemas = {schema["function"]["name"]: schema["function"] for schema in tool_schemas()}

    assert set(schemas) == set(TOOLS)
    for name, function in schemas.items():
        assert function["parameters"]["type"] == "object"
        assert function["parameters"]["additionalProperties"] is False
        assert "store_ids" in function["parameters"]["properties"]
        dated = name not in {"low_stock", "stock_value"}
        assert set(function["parameters"].get("required", [])) == ({"start", "end"} if dated else set())


def test_personal_columns_are_dropped_unless_the_asker_may_see_customers(shops, people, monkeypatch):
    from commerce.insights.assistant import tools
    from commerce.insights.assistant.tool_args import PeriodArgs

    probe = tools.Tool(
        name="probe",
        description="A tool whose rows name a customer.",
        args=PeriodArgs,
        read=lambda user, a: [{"currency": "USD", "orders": 1, "email": "ann@example.com"}],
        columns=(("currency", "Currency"), ("orders", "Orders"), ("email", "Email")),
        personal=("email",),
    )
    monkeypatch.setitem(tools.TOOLS, "probe", probe)

    # Managers and Owners may see customers (the Customers screens); a Marketer may not.
    without = run_tool("probe", MARCH, user=people["marketer"])  # no accounts.view_user
    for_owner = run_tool("probe", MARCH, user=people["owner"])

    assert not people["marketer"].has_perm("accounts.view_user")
    assert without.rows == [{"currency": "USD", "orders": 1}]
    assert [key for key, _ in without.columns] == ["currency", "orders"]
    assert without.hidden == ("email",)
    assert for_owner.rows[0]["email"] == "ann@example.com"


def test_a_tool_cut_off_by_the_statement_timeout_is_a_clear_error_and_the_request_goes_on(shops, people, monkeypatch):
    from commerce.insights import metrics_scope
    from commerce.insights.assistant import tools
    from commerce.insights.assistant.tool_args import PeriodArgs

    def slow(user, a):
        with metrics_scope.metric_query(user=user):
            return sql("SELECT pg_sleep(1)")

    monkeypatch.setattr(metrics_scope, "STATEMENT_TIMEOUT_MS", 50)
    monkeypatch.setitem(
        tools.TOOLS, "slow", tools.Tool("slow", "Sleeps.", PeriodArgs, slow, (("currency", "Currency"),))
    )

    with pytest.raises(ToolError, match="slow could not be read in time; try a shorter period"):
        run_tool("slow", MARCH, user=people["owner"])
    assert run_tool("orders_count", MARCH, user=people["owner"]).rows  # the connection is still usable
