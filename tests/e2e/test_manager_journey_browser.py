"""Issue 18, the manager's journey in real Chromium on the demo shop: a Manager (the real role,
limited to the main store, not a superuser) signs in to the Wagtail admin, finds a card-paid order
of three lines with the order list's filters, fulfils one line with tracking (a partial
fulfilment), refunds one unit of another line to the card through localstripe, sees both on the
order's page and timeline, then opens the Sales over time report and sees its chart and table.

What the manager sees is checked in the browser, what happened in the database and at localstripe
afterwards. A screenshot of every step is kept in var/e2e/journeys/."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import expect

from commerce.insights.metrics import SeriesPoint
from tests.e2e.conftest import ARTIFACTS, needs_chromium
from tests.factories import stock_of
from tests.localstripe import client as stripe_client

pytestmark = [pytest.mark.e2e, pytest.mark.backoffice, pytest.mark.api, needs_chromium]

PASSWORD = "journey-password-123"
BUYER = "harbour.buyer@example.com"
CARRIER, TRACKING = "USPS", "9400111202555842000001"
SCREENSHOTS = ARTIFACTS / "journeys"


@dataclass(frozen=True)
class JourneyOrder:
    order_id: int
    number: str
    paid_on: date  # in the store's time zone: the day the sales report counts it on
    fulfil_line_id: int  # the line the manager ships (all of its units)
    refund_line_id: int  # the line one unit of which the manager refunds
    day_before: SeriesPoint  # the sales report's figures for that day before this order was paid
    on_hand: dict[int, int]  # variant id → units on hand once the order was paid


@pytest.fixture
def manager(demo_shop, django_user_model):
    """A Manager limited to the demo's main store, committed so the live server sees it. The
    role's grants are synced again: the transactional tests' flush removes the migrations' rows."""
    from django.apps import apps
    from django.contrib.auth.models import Group
    from wagtail.models import Site

    from commerce.accounts.models import StaffProfile
    from commerce.accounts.roles import MANAGER, role_groups_sync
    from commerce.insights.roles import report_permissions_grant
    from commerce.inventory.roles import inventory_permissions_grant
    from commerce.orders.roles import fulfilment_permissions_grant
    from commerce.stores.models import Store

    role_groups_sync(apps)
    fulfilment_permissions_grant(apps)
    inventory_permissions_grant(apps)
    report_permissions_grant(apps)
    store = Store.objects.get(site=Site.objects.get(is_default_site=True))
    user = django_user_model.objects.create_user(email="morgan.manager@example.com", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=MANAGER))
    StaffProfile.objects.create(user=user, all_stores=False).stores.add(store)
    assert not user.is_superuser
    return user


@pytest.fixture
def journey_order(demo_shop, manager, stripe_gateway) -> JourneyOrder:
    """A guest's order of three lines (2, 1 and 1 units) in the main store, placed through the real
    checkout and paid by card on localstripe: its refunds go back to that card."""
    from wagtail.models import Site

    from commerce.cart.services import cart_add_line, cart_create
    from commerce.catalog.availability import with_available_stock
    from commerce.catalog.models import ProductVariant
    from commerce.checkout.services import (
        checkout_for_cart,
        checkout_pay,
        checkout_prepare_payment,
        checkout_set_email,
        checkout_set_shipping_address,
        checkout_set_shipping_method,
    )
    from commerce.core.addresses import PostalAddress
    from commerce.insights.metrics import sales_series
    from commerce.insights.metrics_scope import Period
    from commerce.orders.models import Order
    from commerce.payments.localstripe import confirm_test_card
    from commerce.shipping.models import ShippingMethod
    from commerce.stores.models import Store

    store = Store.objects.get(site=Site.objects.get(is_default_site=True))
    variants = list(
        with_available_stock(
            ProductVariant.objects.filter(store=store, is_active=True, product__live=True, product__is_gift_card=False)
        )
        .filter(stock_available__gte=3)
        .order_by("pk")[:3]
    )
    assert len(variants) == 3, "the demo store has fewer than three variants in stock"
    method = ShippingMethod.objects.filter(store=store, is_active=True).order_by("sort_order", "price").first()
    cart = cart_create(store=store)
    for variant, quantity in zip(variants, (2, 1, 1), strict=True):
        cart_add_line(cart=cart, variant_id=variant.pk, quantity=quantity)
    checkout = checkout_for_cart(cart=cart)
    checkout_set_email(checkout=checkout, email=BUYER)
    checkout_set_shipping_address(
        checkout=checkout,
        address=PostalAddress(
            full_name="Harbour Buyer", line1="12 Quay Street", city="Portland", postal_code="04101", country="US",
            region="ME",
        ),
    )  # fmt: skip
    checkout_set_shipping_method(checkout=checkout, code=method.code)
    today = timezone.now().astimezone(ZoneInfo(store.time_zone)).date()
    (day_before,) = sales_series(user=manager, period=Period(today, today), store_ids=[store.pk])
    setup = checkout_prepare_payment(checkout=checkout)
    assert confirm_test_card(stripe_gateway, setup.id) == "succeeded"
    outcome = checkout_pay(checkout=checkout)
    order = Order.objects.get(pk=outcome.order.pk)
    assert (order.status, order.payment_status) == ("paid", "paid")
    paid_on = order.paid_at.astimezone(ZoneInfo(store.time_zone)).date()
    assert paid_on == today, "paid just after the store's midnight: the day's figures were read for the day before"
    lines = list(order.lines.order_by("pk"))
    return JourneyOrder(
        order_id=order.pk,
        number=order.number,
        paid_on=paid_on,
        fulfil_line_id=lines[0].pk,
        refund_line_id=lines[1].pk,
        day_before=day_before,
        on_hand={variant.pk: stock_of(variant)[0] for variant in variants},
    )


class Journey:
    """The manager's browser tab, with a numbered screenshot after each step."""

    def __init__(self, page) -> None:
        self.page, self.step = page, 0
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for old in SCREENSHOTS.glob("manager-*.png"):
            old.unlink()

    def shot(self, name: str) -> None:
        self.step += 1
        self.page.screenshot(path=str(SCREENSHOTS / f"manager-{self.step:02d}-{name}.png"), full_page=True)

    def filter_link(self, title: str, choice: str):
        """A choice of one of the order list's link filters ("By fulfilment" → "To fulfil")."""
        group = self.page.locator(
            f"xpath=//div[contains(@class, 'changelist-filter')]/ul"
            f"[normalize-space(preceding-sibling::text()[1]) = 'By {title}']"
        )
        return group.get_by_role("link", name=choice, exact=True)


def test_a_manager_fulfils_and_refunds_a_line_sees_the_timeline_and_opens_a_report(
    demo_shop, manager, journey_order, stripe_gateway, chromium
):
    from commerce.orders.models import Order
    from commerce.stores.models import Store

    order = Order.objects.select_related("store").get(pk=journey_order.order_id)
    fulfil_line = order.lines.get(pk=journey_order.fulfil_line_id)
    refund_line = order.lines.get(pk=journey_order.refund_line_id)

    context = chromium.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(15000)
    journey = Journey(page)
    try:
        # Sign in with the login form, as the manager would.
        page.goto(f"{demo_shop.base_url}/admin/login/")
        page.locator("#id_username").fill(manager.email)
        page.locator("#id_password").fill(PASSWORD)
        page.get_by_role("button", name=re.compile("Sign in", re.I)).click()
        page.wait_for_url(f"{demo_shop.base_url}/admin/")
        journey.shot("dashboard")

        # Sales → Orders, then narrow the list: paid, still to fulfil, placed on the order's day.
        page.get_by_role("button", name="Sales").click()
        page.get_by_role("link", name="Orders", exact=True).click()
        page.wait_for_url(re.compile(r"/admin/orders/order/"))
        journey.filter_link("status", "Paid").click()
        page.wait_for_url(re.compile(r"status__exact=paid"))
        journey.filter_link("fulfilment", "To fulfil").click()
        page.wait_for_url(re.compile(r"fulfilment=unfulfilled"))
        day = journey_order.paid_on.isoformat()
        page.locator("#id_created_at__date__gte").fill(day)
        page.locator("#id_created_at__date__lte").fill(day)
        page.locator(".date-range-filter").get_by_role("button", name="Apply").click()
        page.wait_for_url(re.compile(rf"created_at__date__gte={day}"))
        journey.shot("orders-filtered")
        # Limited to one store, the manager is offered no other store's name to filter by.
        other_stores = Store.objects.exclude(pk=order.store_id).values_list("name", flat=True)
        filters = page.locator(".changelist-filter").inner_text()
        assert other_stores and not any(name in filters for name in other_stores), filters
        rows = page.locator("table.listing tbody tr")
        assert rows.count() >= 1
        for text in rows.all_inner_texts():
            assert "Paid" in text, text
        row = rows.filter(has_text=journey_order.number)
        assert row.count() == 1 and BUYER in row.inner_text()
        row.get_by_role("link").first.click()
        page.wait_for_url(re.compile(rf"/admin/orders/order/inspect/{order.pk}/"))
        expect(page.get_by_role("heading", name=f"Order {order.number}", exact=True)).to_be_visible()
        journey.shot("order")

        # Fulfil one line — all its units, with tracking — and nothing of the other two.
        page.get_by_role("link", name="Fulfil", exact=True).click()
        page.wait_for_url(re.compile(rf"/admin/orders/{order.pk}/fulfil/"))
        for line in order.lines.all():
            field = page.locator(f"#id_quantity_{line.pk}")
            field.fill(str(line.quantity if line.pk == fulfil_line.pk else 0))
        page.locator("#id_carrier").fill(CARRIER)
        page.locator("#id_tracking_number").fill(TRACKING)
        journey.shot("fulfil-form")
        page.get_by_role("button", name="Fulfil", exact=True).click()
        page.wait_for_url(re.compile(rf"/admin/orders/order/inspect/{order.pk}/"))
        messages = page.locator(".messages").inner_text()
        assert f"Order {order.number}: fulfilment" in messages and "marked shipped" in messages, messages
        fulfilments = page.locator("section[aria-labelledby=fulfilments-heading] tbody tr")
        assert fulfilments.count() == 1
        assert f"{fulfil_line.quantity} × {fulfil_line.sku}" in fulfilments.inner_text()
        assert TRACKING in fulfilments.inner_text() and CARRIER in fulfilments.inner_text()
        journey.shot("fulfilled")

        # Refund one unit of another line to the card, putting it back in stock.
        page.get_by_role("link", name="Refund", exact=True).click()
        page.wait_for_url(re.compile(rf"/admin/orders/{order.pk}/refund/"))
        page.locator("#id_to").select_option("card")
        page.locator(f"#id_quantity_{refund_line.pk}").fill("1")
        page.locator(f"#id_restock_{refund_line.pk}").check()
        page.locator("#id_reason").fill("Arrived damaged")
        journey.shot("refund-form")
        page.get_by_role("button", name="Refund", exact=True).click()
        page.wait_for_url(re.compile(rf"/admin/orders/order/inspect/{order.pk}/"))
        assert f"Order {order.number}: refunded." in page.locator(".messages").inner_text()
        refunds = page.locator("section[aria-labelledby=refunds-heading] tbody tr")
        assert refunds.count() == 1
        refund_text = refunds.inner_text()
        assert f"1 × {refund_line.sku} (restocked)" in refund_text and "Arrived damaged" in refund_text
        assert "Succeeded" in refund_text and re.search(r"\bre_\w+", refund_text), refund_text

        # The timeline tells the story: shipped with tracking, then refunded, by the manager.
        page.locator("#timeline-heading").scroll_into_view_if_needed()
        journey.shot("timeline")
        events = [row.split("\t")[1:] for row in page.locator("#timeline-heading + table tbody tr").all_inner_texts()]
        staff_events = [(kind, by) for kind, _message, by in events if by == manager.email]
        assert staff_events == [
            ("Fulfilment created", manager.email),
            ("Shipped", manager.email),
            ("Refunded", manager.email),
            ("Restocked", manager.email),
        ], events
        messages_by_kind = {kind: message for kind, message, _by in events}
        assert f"{fulfil_line.quantity} × {fulfil_line.sku}" in messages_by_kind["Fulfilment created"]
        assert f"{CARRIER} {TRACKING}" in messages_by_kind["Shipped"]
        assert f"1 × {refund_line.sku}" in messages_by_kind["Restocked"]

        # Reports → Sales over time, narrowed to the week up to the order's day, by day.
        page.get_by_role("button", name="Reports").click()
        page.get_by_role("link", name="Sales over time", exact=True).click()
        page.wait_for_url(re.compile(r"/admin/sales-reports/sales/"))
        page.get_by_role("button", name="Show filters").click()
        for label, value in (("From", journey_order.paid_on - timedelta(days=6)), ("To", journey_order.paid_on)):
            page.get_by_role("button", name=label, exact=True).click()
            with page.expect_response(lambda response: "/sales-reports/sales/results/" in response.url):
                page.locator(f"#id_{'start' if label == 'From' else 'end'}").fill(value.isoformat())
                page.keyboard.press("Tab")
            page.locator(".w-drilldown__submenu:not([hidden]) .w-drilldown__back").click()
        page.keyboard.press("Escape")
        journey.shot("sales-report")

        # The chart is drawn (not shown as escaped markup) and the order's day counts this order.
        expect(page.locator("svg.magpie-chart")).to_have_count(1)
        expect(page.locator("svg.magpie-chart title")).to_have_text("Net sales in USD")
        assert "<svg" not in page.locator("#listing-results").inner_text()
        table = page.locator("#listing-results table tbody tr")
        expect(table).to_have_count(7)  # a row a day
        day = table.filter(has_text=date_format(journey_order.paid_on))
        cells = day.locator("td").all_inner_texts()
        before = journey_order.day_before
        placed = order.subtotal - order.discount_total
        assert cells[1:4] == ["USD", str(before.orders + 1), str(before.net_sales + placed)], cells
    except Exception:
        journey.shot("failed")
        raise
    finally:
        context.close()

    # What the database holds: one shipment with tracking, one refund of one unit, restocked.
    from commerce.orders.models import Fulfilment
    from commerce.payments.models import Payment, Refund
    from commerce.payments.refunds import line_refund_value

    order.refresh_from_db()
    quantities = {line.pk: (line.quantity_fulfilled, line.quantity_refunded) for line in order.lines.all()}
    assert quantities == {
        line.pk: (line.quantity if line.pk == fulfil_line.pk else 0, 1 if line.pk == refund_line.pk else 0)
        for line in order.lines.all()
    }
    fulfilment = Fulfilment.objects.get(order=order)
    assert (fulfilment.status, fulfilment.carrier, fulfilment.tracking_number, fulfilment.created_by) == (
        Fulfilment.Status.SHIPPED, CARRIER, TRACKING, manager,
    )  # fmt: skip
    assert [(f.order_line_id, f.quantity) for f in fulfilment.lines.all()] == [(fulfil_line.pk, fulfil_line.quantity)]
    refund = Refund.objects.get(order=order)
    amount = line_refund_value(refund_line, 1)
    assert (refund.status, refund.amount, refund.created_by, refund.reason) == (
        Refund.Status.SUCCEEDED, amount, manager, "Arrived damaged",
    )  # fmt: skip
    assert [(r.order_line_id, r.quantity, r.restock) for r in refund.lines.all()] == [(refund_line.pk, 1, True)]
    payment = Payment.objects.get(order=order, status=Payment.Status.SUCCEEDED)
    assert payment.amount_refunded == order.amount_refunded == amount
    assert order.payment_status == "partially_refunded"
    assert stock_of(refund_line.variant)[0] == journey_order.on_hand[refund_line.variant_id] + 1
    assert stock_of(fulfil_line.variant)[0] == journey_order.on_hand[fulfil_line.variant_id]

    # And localstripe holds exactly that refund against the card payment.
    at_provider = stripe_client(stripe_gateway).v1.refunds.list(params={"payment_intent": payment.intent_id}).data
    assert [(r.id, r.amount, r.status) for r in at_provider] == [
        (refund.provider_refund_id, int(amount * 100), "succeeded")
    ]
