"""Staff orders over the API (issue 18): the admin order list's filters, the order screen's
contents, fulfil, refund and notes — each role only as far as the admin lets it, in its stores only,
as the runtime role (row-level security on, no superuser)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from commerce.accounts.roles import CUSTOMER_SERVICE, MANAGER, MARKETER, OWNER
from commerce.api.views import staff_customers, staff_orders
from commerce.orders.models import Fulfilment, Order, OrderEvent
from commerce.payments.models import Refund
from commerce.promotions.models import GiftCard
from tests.api.conftest import bearer
from tests.factories import ProductPageFactory, place_order, stock_of

pytestmark = [pytest.mark.api, pytest.mark.django_db]

ORDERS = "/api/v1/staff/orders/"


def url(order: Order, action: str = "") -> str:
    return f"{ORDERS}{order.pk}/{action + '/' if action else ''}"


def post(client: Client, path: str, body: dict, **headers: str):
    return client.post(path, body, content_type="application/json", headers=headers)


def refund(client: Client, order: Order, body: dict, key: str | None = "refund-key-1"):
    return post(client, url(order, "refunds"), body, **({"Idempotency-Key": key} if key else {}))


def snapshot(order: Order) -> tuple:
    """What a refused action must leave as it was."""
    order.refresh_from_db()
    lines = tuple(order.lines.values_list("quantity_fulfilled", "quantity_refunded").order_by("pk"))
    return (
        order.status,
        order.amount_refunded,
        lines,
        Refund.objects.count(),
        Fulfilment.objects.count(),
        order.events.count(),
    )


def with_line_id(body: dict, order: Order) -> dict:
    """``body`` with each ``"LINE"`` placeholder in its lines made the order's line id (a copy:
    the parametrized bodies are shared between runs)."""
    if "lines" not in body:
        return body
    line_id = order.lines.get().pk
    return {
        **body,
        "lines": [
            {**item, "line_id": line_id if item["line_id"] == "LINE" else item["line_id"]} for item in body["lines"]
        ],
    }


# -- who ----------------------------------------------------------------------------------------


def test_anonymous_callers_and_customers_are_refused(client, paid_order, django_user_model):
    order = paid_order(1)
    before = snapshot(order)
    calls = [
        lambda c: c.get(ORDERS),
        lambda c: c.get(url(order)),
        lambda c: post(c, url(order, "fulfil"), {}),
        lambda c: refund(c, order, {"amount": "5.00"}),
        lambda c: post(c, url(order, "notes"), {"note": "hi"}),
    ]
    for call in calls:
        response = call(client)
        assert (response.status_code, response.json()["error"]) == (403, "not_authenticated")

    customer = django_user_model.objects.create_user(email="buyer@example.com", password="x" * 12)
    client.force_login(customer)
    for call in calls:
        response = call(client)
        assert (response.status_code, response.json()["error"]) == (403, "permission_denied")
    assert snapshot(order) == before


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (OWNER, {"list": 200, "detail": 200, "note": 201, "refund": 201, "fulfil": 201}),
        (MANAGER, {"list": 200, "detail": 200, "note": 201, "refund": 201, "fulfil": 201}),
        # Customer service: orders, refunds (within the limit) and notes; fulfilling is not theirs.
        (CUSTOMER_SERVICE, {"list": 200, "detail": 200, "note": 201, "refund": 201, "fulfil": 403}),
        (MARKETER, {"list": 403, "detail": 403, "note": 403, "refund": 403, "fulfil": 403}),
    ],
)
def test_each_role_may_do_what_it_may_in_the_admin(staff, paid_order, role, expected):
    client, _user = staff(role)
    order = paid_order(2)

    answers = {
        "list": client.get(ORDERS).status_code,
        "detail": client.get(url(order)).status_code,
        "note": post(client, url(order, "notes"), {"note": "Called the buyer"}).status_code,
        "refund": refund(client, order, {"amount": "5.00"}).status_code,
        "fulfil": post(client, url(order, "fulfil"), {}).status_code,
    }

    assert answers == expected
    order.refresh_from_db()
    assert order.amount_refunded == (Decimal("5.00") if expected["refund"] == 201 else 0)
    assert Fulfilment.objects.exists() is (expected["fulfil"] == 201)


def test_every_staff_view_names_its_token_scope():
    views = [getattr(staff_orders, name) for name in dir(staff_orders) if name.startswith("StaffOrder")]
    views = [view for view in views if hasattr(view, "required_permissions")]
    views += [staff_orders.StaffFulfilmentShipView]
    assert len(views) == 6 and {view.token_scope for view in views} == {"orders"}
    assert staff_customers.StaffCustomerListView.token_scope == "customers"
    assert staff_customers.StaffCustomerDetailView.token_scope == "customers"


def test_api_tokens_need_the_orders_and_customers_scopes(staff, paid_order, issue_token, store):
    _client, manager = staff(MANAGER)
    order = paid_order(1)
    _token, reader = issue_token(manager, scopes=["orders:read"], stores=[store])
    _token, writer = issue_token(manager, scopes=["orders:read", "orders:write", "customers:read"], stores=[store])
    api = Client()

    assert api.get(url(order), **bearer(reader)).status_code == 200
    refused = api.post(
        url(order, "refunds"), {"amount": "5.00"}, content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="token-refund-1", **bearer(reader),
    )  # fmt: skip
    assert (refused.status_code, refused.json()["error"]) == (403, "insufficient_scope")
    assert api.get("/api/v1/staff/customers/", **bearer(reader)).status_code == 403
    made = api.post(
        url(order, "refunds"), {"amount": "5.00"}, content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="token-refund-1", **bearer(writer),
    )  # fmt: skip
    assert made.status_code == 201, made.json()  # no CSRF for a token
    assert api.get("/api/v1/staff/customers/", **bearer(writer)).status_code == 200
    order.refresh_from_db()
    assert order.amount_refunded == Decimal("5.00") and Refund.objects.get().created_by == manager


def test_a_session_write_needs_the_csrf_token(staff, paid_order):
    _client, user = staff(MANAGER)
    order = paid_order(1)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)

    response = refund(browser, order, {"amount": "5.00"})

    assert response.status_code == 403 and "CSRF" in response.json()["message"]
    assert not Refund.objects.exists()


# -- store scope -----------------------------------------------------------------------------------


def test_staff_of_one_store_never_see_another_stores_orders(staff, paid_order, other_store):
    client, _ = staff(MANAGER)  # limited to the test store
    mine = paid_order(1)
    mug = ProductPageFactory(store=other_store, title="Mug", price="8.00", stock=3).variants.get()
    theirs = place_order(store=other_store, variant=mug, email="other@example.com")

    listed = client.get(ORDERS).json()
    assert [row["number"] for row in listed["results"]] == [mine.number]
    assert client.get(url(theirs)).status_code == 404
    assert post(client, url(theirs, "notes"), {"note": "x"}).status_code == 404
    assert refund(client, theirs, {"amount": "1.00"}).status_code == 404
    bad = client.get(ORDERS, {"store": other_store.pk})
    assert (bad.status_code, bad.json()["field"]) == (400, "store")
    assert not theirs.events.filter(type=OrderEvent.Type.STAFF_NOTE).exists()


# -- the list ------------------------------------------------------------------------------------


def test_the_list_filters_like_the_admin_order_list(staff, paid_order, store, variant):
    client, _ = staff(MANAGER)
    paid = paid_order(1)
    pending = place_order(store=store, variant=variant, email="slow@example.com")

    def numbers(**query) -> list[str]:
        response = client.get(ORDERS, query)
        assert response.status_code == 200, response.json()
        return [row["number"] for row in response.json()["results"]]

    assert numbers() == [pending.number, paid.number]  # newest first
    assert numbers(status="paid") == [paid.number]
    assert numbers(payment_status="unpaid") == [pending.number]
    assert numbers(fulfilment="unfulfilled") == [paid.number]
    assert numbers(fulfilment="fulfilled") == []
    assert numbers(q="slow@") == [pending.number]
    assert numbers(q=paid.number) == [paid.number]
    assert numbers(store=store.pk, discounted="false") == [pending.number, paid.number]
    assert numbers(discounted="true") == []
    assert numbers(returns="open") == []
    today = paid.created_at.date().isoformat()
    assert numbers(created_since=today, created_until=today) == [pending.number, paid.number]
    assert numbers(created_since="2000-01-01", created_until="2000-01-02") == []
    page = client.get(ORDERS, {"page_size": 1}).json()
    assert (page["count"], len(page["results"])) == (2, 1) and page["next"]
    row = page["results"][0]
    assert row["total"] == "20.00" and row["store"] == store.pk and row["store_name"] == store.name


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"status": "lost"}, "status"),
        ({"fulfilment": "maybe"}, "fulfilment"),
        ({"created_since": "yesterday"}, "created_since"),
        ({"created_since": "2026-02-02", "created_until": "2026-02-01"}, "created_until"),
        ({"discounted": "perhaps"}, "discounted"),
        ({"store": "0"}, "store"),
    ],
)
def test_a_bad_filter_is_a_400_naming_it(staff, store, query, field):
    client, _ = staff(MANAGER)
    response = client.get(ORDERS, query)
    assert response.status_code == 400
    assert response.json()["field"] == field


# -- the order screen ----------------------------------------------------------------------------


def test_the_detail_has_what_the_order_screen_shows(staff, paid_order):
    client, user = staff(MANAGER)
    order = paid_order(2)
    line = order.lines.get()
    assert post(client, url(order, "notes"), {"note": "Gift wrap please"}).status_code == 201

    body = client.get(url(order)).json()

    assert (body["number"], body["status"], body["total"], body["currency"]) == (order.number, "paid", "45.00", "USD")
    assert body["lines"] == [
        {
            "id": line.pk,
            "product_title": "Canvas tote",
            "variant_label": line.variant_label,
            "sku": line.sku,
            "quantity": 2,
            "unit_price": "20.00",
            "line_subtotal": "40.00",
            "discount_amount": "0.00",
            "tax_amount": "0.00",
            "line_total": "40.00",
            "quantity_fulfilled": 0,
            "quantity_refunded": 0,
            "quantity_returned": 0,
            "quantity_to_fulfil": 2,
        }
    ]
    assert [(p["status"], p["amount_received"]) for p in body["payments"]] == [("succeeded", "45.00")]
    assert body["refunds"] == [] and body["fulfilments"] == [] and body["returns"] == []
    assert [(n["message"], n["actor"]) for n in body["notes"]] == [("Gift wrap please", user.email)]
    assert {"placed", "payment_succeeded", "staff_note"} <= {event["type"] for event in body["timeline"]}
    assert body["shipping_address"]["city"] == "Springfield"


@pytest.mark.benchmark
def test_the_detail_query_count_does_not_grow_with_refunds_fulfilments_or_notes(staff, paid_order):
    client, _ = staff(MANAGER)
    order = paid_order(4)
    line = order.lines.get()

    def act(n: int) -> None:
        assert (
            refund(client, order, {"lines": [{"line_id": line.pk, "quantity": 1}]}, key=f"grow-{n}-key").status_code
            == 201
        )
        assert post(client, url(order, "fulfil"), {"lines": [{"line_id": line.pk, "quantity": 1}]}).status_code == 201
        assert post(client, url(order, "notes"), {"note": f"Note {n}"}).status_code == 201

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url(order)).status_code == 200
        return len(captured)

    act(1)
    once = queries()
    act(2)
    assert queries() == once == 21


# -- fulfil --------------------------------------------------------------------------------------


def test_fulfil_one_unit_with_tracking_then_the_rest(staff, paid_order, django_capture_on_commit_callbacks):
    client, user = staff(MANAGER)
    order = paid_order(2)
    line = order.lines.get()

    with django_capture_on_commit_callbacks(execute=False) as emails:
        first = post(
            client,
            url(order, "fulfil"),
            {
                "lines": [{"line_id": line.pk, "quantity": 1}],
                "carrier": "UPS",
                "tracking_number": "1Z999",
                "ship_now": True,
            },
        )

    assert first.status_code == 201, first.json()
    body = first.json()
    assert body["status"] == "partially_fulfilled"
    assert body["lines"][0]["quantity_fulfilled"] == 1 and body["lines"][0]["quantity_to_fulfil"] == 1
    [fulfilment] = body["fulfilments"]
    assert (fulfilment["status"], fulfilment["carrier"], fulfilment["lines"]) == (
        "shipped",
        "UPS",
        [{"line_id": line.pk, "quantity": 1}],
    )
    assert fulfilment["tracking_url"] == "https://www.ups.com/track?tracknum=1Z999"
    assert len(emails) == 1  # the shipped email, after commit
    assert Fulfilment.objects.get().created_by == user

    rest = post(client, url(order, "fulfil"), {})  # everything left, not yet shipped
    assert rest.status_code == 201
    assert rest.json()["status"] == "fulfilled"
    assert [f["status"] for f in rest.json()["fulfilments"]] == ["shipped", "pending"]

    pending = rest.json()["fulfilments"][1]["id"]
    ship_url = url(order, f"fulfilments/{pending}/ship")
    with django_capture_on_commit_callbacks(execute=False) as emails:
        shipped = post(client, ship_url, {"carrier": "DHL", "tracking_number": "JD01"})
    assert shipped.status_code == 200, shipped.json()
    second = shipped.json()["fulfilments"][1]
    assert (second["status"], second["tracking_url"]) == (
        "shipped",
        "https://www.dhl.com/en/express/tracking.html?AWB=JD01",
    )
    assert len(emails) == 1
    again = post(client, ship_url, {"carrier": "DHL", "tracking_number": "JD02"})
    assert (again.status_code, again.json()["field"]) == (400, "tracking_number")
    assert post(client, url(order, "fulfilments/999999/ship"), {}).status_code == 404
    customer_service, _ = staff(CUSTOMER_SERVICE)
    assert post(customer_service, ship_url, {}).status_code == 403


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"lines": [{"line_id": "LINE", "quantity": 3}]}, "lines.0.quantity"),
        ({"lines": [{"line_id": "LINE", "quantity": 1}, {"line_id": "LINE", "quantity": 2}]}, "lines.1.quantity"),
        ({"lines": [{"line_id": 999999, "quantity": 1}]}, "lines.0.line_id"),
        ({"lines": [{"line_id": "LINE", "quantity": 0}]}, "lines.0.quantity"),
        ({"lines": []}, "lines"),
        ({"tracking_url": "javascript:alert(1)"}, "tracking_url"),
        ({"tracking_number": "1Z1"}, "carrier"),
        ({"location": 999999}, "location"),
    ],
)
def test_bad_fulfilments_name_the_field_and_change_nothing(staff, paid_order, body, field):
    client, _ = staff(MANAGER)
    order = paid_order(2)
    body = with_line_id(body, order)
    before = snapshot(order)

    response = post(client, url(order, "fulfil"), body)

    assert response.status_code == 400, response.json()
    assert response.json()["field"] == field
    assert snapshot(order) == before


def test_an_unpaid_order_cannot_be_fulfilled(staff, store, variant):
    client, _ = staff(MANAGER)
    order = place_order(store=store, variant=variant)

    response = post(client, url(order, "fulfil"), {})

    assert (response.status_code, response.json()["field"]) == (400, "lines")
    assert not Fulfilment.objects.exists()


# -- refund --------------------------------------------------------------------------------------


def test_refund_one_line_with_restock(staff, paid_order, variant):
    client, user = staff(MANAGER)
    order = paid_order(2)
    line = order.lines.get()
    assert stock_of(variant) == (3, 0)

    response = refund(
        client, order, {"lines": [{"line_id": line.pk, "quantity": 1, "restock": True}], "reason": "Damaged"}
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["amount_refunded"]) == ("partially_refunded", "20.00")
    assert body["lines"][0]["quantity_refunded"] == 1
    [made] = body["refunds"]
    assert (made["amount"], made["status"], made["reason"], made["created_by"]) == (
        "20.00",
        "succeeded",
        "Damaged",
        user.email,
    )
    assert made["lines"] == [{"line_id": line.pk, "quantity": 1, "restock": True}]
    assert stock_of(variant) == (4, 0)


def test_a_retried_refund_refunds_once(staff, paid_order):
    client, _ = staff(MANAGER)
    order = paid_order(1)  # 25.00
    line = order.lines.get()
    body = {"lines": [{"line_id": line.pk, "quantity": 1}]}

    first = refund(client, order, body, key="retry-me-1")
    again = refund(client, order, body, key="retry-me-1")  # the line has nothing left now: still the same answer
    by_body = refund(client, order, {**body, "client_key": "retry-me-1"}, key=None)

    assert [r.status_code for r in (first, again, by_body)] == [201, 201, 201], again.json()
    assert first.json()["refunds"] == again.json()["refunds"] == by_body.json()["refunds"]
    order.refresh_from_db()
    assert Refund.objects.count() == 1 and order.amount_refunded == Decimal("20.00")
    another = refund(client, order, body, key="another-key")
    assert (another.status_code, another.json()["field"]) == (400, "lines.0.quantity")


def test_a_key_reused_for_a_different_refund_is_refused(staff, paid_order):
    client, _ = staff(MANAGER)
    order = paid_order(2)  # 45.00
    assert refund(client, order, {"amount": "5.00"}, key="used-once-1").status_code == 201
    before = snapshot(order)

    other_amount = refund(client, order, {"amount": "6.00"}, key="used-once-1")
    other_place = refund(client, order, {"to": "gift_card", "amount": "5.00"}, key="used-once-1")
    by_body = refund(client, order, {"amount": "7.00", "client_key": "used-once-1"}, key=None)

    for response, field in (
        (other_amount, "Idempotency-Key"),
        (other_place, "Idempotency-Key"),
        (by_body, "client_key"),
    ):
        assert response.status_code == 400
        assert (response.json()["error"], response.json()["field"]) == ("idempotency_conflict", field)
    assert snapshot(order) == before and not GiftCard.objects.exists()
    assert refund(client, order, {"amount": "5.00"}, key="used-once-1").status_code == 201  # the same request


def test_store_credit_is_given_once_per_key(staff, paid_order):
    client, _ = staff(MANAGER)
    order = paid_order(1)

    answers = [
        refund(client, order, {"to": "gift_card", "amount": "7.50"}, key="credit-once").status_code for _ in "12"
    ]

    assert answers == [201, 201]
    card = GiftCard.objects.get()
    assert card.balance == Decimal("7.50")
    order.refresh_from_db()
    assert order.amount_refunded == Decimal("7.50")


@pytest.mark.parametrize(
    ("body", "key", "field"),
    [
        ({"amount": "1000.00"}, "too-much-1", "amount"),
        ({"amount": "0"}, "zero-amount", "amount"),
        ({"lines": [{"line_id": "LINE", "quantity": 3}]}, "too-many-1", "lines.0.quantity"),
        ({"lines": [{"line_id": 999999, "quantity": 1}]}, "no-such-line", "lines.0.line_id"),
        ({"to": "cash", "amount": "1.00"}, "cash-please", "to"),
        ({"to": "gift_card"}, "credit-nothing", "amount"),
        ({"amount": "1.00"}, None, "client_key"),
        ({"amount": "1.00"}, "short", "Idempotency-Key"),
        ({"amount": "1.00", "client_key": "a-different-key"}, "header-key-1", "client_key"),
    ],
)
def test_bad_refunds_name_the_field_and_change_nothing(staff, paid_order, body, key, field):
    client, _ = staff(MANAGER)
    order = paid_order(2)
    body = with_line_id(body, order)
    before = snapshot(order)

    response = refund(client, order, body, key=key)

    assert response.status_code == 400, response.json()
    assert response.json()["field"] == field
    assert snapshot(order) == before and not GiftCard.objects.exists()


def test_customer_service_refunds_up_to_the_stores_limit(staff, paid_order, store):
    store.customer_service_refund_limit = Decimal("10.00")
    store.save()
    client, _ = staff(CUSTOMER_SERVICE)
    order = paid_order(2)
    before = snapshot(order)

    above = refund(client, order, {"amount": "10.01"}, key="cs-above-1")

    assert above.status_code == 400
    assert (above.json()["error"], above.json()["field"]) == ("refund_limit", "amount")
    assert snapshot(order) == before
    assert refund(client, order, {"amount": "10.00"}, key="cs-within-1").status_code == 201
    manager, _ = staff(MANAGER)
    assert refund(manager, order, {"amount": "10.01"}, key="mgr-above-1").status_code == 201
    order.refresh_from_db()
    assert order.amount_refunded == Decimal("20.01")


# -- notes ---------------------------------------------------------------------------------------


def test_an_empty_note_is_refused(staff, paid_order):
    client, _ = staff(MANAGER)
    order = paid_order(1)
    response = post(client, url(order, "notes"), {"note": ""})
    assert (response.status_code, response.json()["field"]) == (400, "note")
    assert not order.events.filter(type=OrderEvent.Type.STAFF_NOTE).exists()
