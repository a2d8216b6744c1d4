"""Issue 13: who sees which report and panel; a store-limited manager never sees the other store's
figures in screens or exports; CSV/XLSX hold exactly the rows shown; query counts stay fixed."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from commerce.accounts.roles import CUSTOMER_SERVICE, MANAGER, MARKETER, OWNER
from commerce.catalog.models import ProductVariant
from commerce.core.money import Money
from commerce.insights.wagtail_hooks import REPORTS as REPORT_LIST
from commerce.orders.models import Order
from commerce.promotions.gift_cards import gift_card_issue
from commerce.promotions.models import Discount, DiscountRedemption
from tests.factories import CategoryFactory, CollectionPageFactory, ProductPageFactory
from tests.insights.conftest import a_return, client_for, paid_order, paid_orders_up_to, refund, staff, summarise

pytestmark = [pytest.mark.django_db, pytest.mark.reports]

REPORTS = [f"insights_reports:{name}" for name, *_ in REPORT_LIST]


@pytest.fixture
def sales(store, other_store):
    """A sale in each store today: Mugs for store 1 (USD), Steins for store 2 (EUR), each product in
    a category and a collection, running low, discounted, partly refunded, and a gift card each."""
    paid_at = timezone.now() - timedelta(minutes=5)
    for shop, title, subtotal in ((store, "Mug", "30.00"), (other_store, "Stein", "70.00")):
        product = ProductPageFactory(store=shop, title=title, stock=2)
        product.categories.set([CategoryFactory(name=f"{title} things")])
        product.save_revision().publish()
        CollectionPageFactory(parent=shop.site.root_page, title=f"All {title}s")
        variant = product.variants.get()
        ProductVariant.objects.filter(pk=variant.pk).update(low_stock_threshold=5)
        order = paid_order(shop, paid_at=paid_at, title=title, subtotal=subtotal, variant=variant)
        Order.objects.filter(pk=order.pk).update(shipping_method_name=f"{title} post")
        discount = Discount.objects.create(store=shop, name=f"{title} sale", value=Decimal("10"))
        DiscountRedemption.objects.create(discount=discount, order=order, email=order.email, label="x", amount=3)
        refund(order, amount="1.00", at=paid_at)
        a_return(order, sequence=1, at=paid_at, steps={"requested": paid_at}, units=1, reason="damaged")
        gift_card_issue(store=shop, value=Money(Decimal("25.00"), shop.currency))
    return store, other_store, paid_at


@pytest.mark.parametrize(
    "role, allowed", [(OWNER, True), (MANAGER, True), (CUSTOMER_SERVICE, False), (MARKETER, False)]
)
def test_only_owners_and_managers_open_the_reports_and_see_the_sales_panel(roles, sales, role, allowed):
    client = client_for(staff(role, f"{role.replace(' ', '')}@example.com"))

    for name in REPORTS:
        response = client.get(reverse(name))
        assert (response.status_code == 200) is allowed, name
        if not allowed:
            assert response.status_code == 302 or response.status_code == 403
    home = client.get(reverse("wagtailadmin_home"))
    assert home.status_code == 200
    assert ("sales-panel-heading" in home.content.decode()) is allowed
    assert ("Sales over time" in home.content.decode()) is allowed  # the Reports menu item


def test_a_store_limited_manager_never_sees_the_other_stores_figures(roles, sales):
    store, other_store, _ = sales
    client = client_for(staff(MANAGER, "manager@example.com", stores=[store]))

    for name in REPORTS:
        for query in ("", f"?store={other_store.pk}", "?export=csv", "?export=xlsx"):
            body = client.get(reverse(name) + query)
            text = xlsx_text(body) if query == "?export=xlsx" else body_bytes(body).decode()
            assert "Stein" not in text and "EUR" not in text, (name, query)
            assert "Mug" in text or "USD" in text or "Returning" in text, (name, query)  # their own figures
    products = client.get(reverse("insights_reports:products")).content.decode()
    assert "Mug" in products
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "USD" in home and "EUR" not in home


def body_bytes(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def xlsx_text(response) -> str:
    sheet = openpyxl.load_workbook(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    ).active
    return " ".join(str(cell.value) for row in sheet.iter_rows() for cell in row)


def charts_shown(page) -> int:
    """How many report charts the page shows. The admin's icons are SVG too, so look for the
    chart's own class; a chart escaped into visible text (a plain ``"".join`` of safe strings)
    counts as none and fails the test."""
    html = page.content.decode()
    assert "&lt;svg" not in html, "a chart is shown as escaped markup"
    return html.count('<svg class="magpie-chart"')


def test_exports_hold_exactly_the_rows_shown_with_a_chart_on_the_page(roles, sales):
    client = client_for(staff(OWNER, "owner@example.com"))
    today = timezone.localdate(sales[2])  # the sale's day (both stores report in UTC), even just after midnight
    query = f"?start={today - timedelta(days=2)}&end={today}&compare=true"

    page = client.get(reverse("insights_reports:sales") + query)
    rows = list(
        csv.reader(
            io.StringIO(
                b"".join(
                    client.get(reverse("insights_reports:sales") + query + "&export=csv").streaming_content
                ).decode()
            )
        )
    )

    assert charts_shown(page) == 2  # one line per currency, as markup rather than escaped text
    html = page.content.decode()
    titles = re.findall(r'<title id="(chart-title-\w+)">(Net sales in \w+)</title>', html)
    assert sorted(title for _id, title in titles) == ["Net sales in EUR", "Net sales in USD"]
    assert len({chart_id for chart_id, _title in titles}) == 2  # each chart labelled by its own title
    for chart_id, _title in titles:
        assert f'aria-labelledby="{chart_id} ' in html
    assert rows[0][:4] == ["Period", "Currency", "Orders", "Net sales (before refunds)"]
    assert len(rows) - 1 == len(page.context["object_list"]) == 6  # 3 days × 2 currencies
    todays = [r for r in rows[1:] if r[0] == str(today)]
    assert sorted((r[1], r[2], r[3]) for r in todays) == [("EUR", "1", "70.00"), ("USD", "1", "30.00")]
    products = xlsx_text(client.get(reverse("insights_reports:products") + "?export=xlsx"))
    assert "Mug" in products and "Stein" in products


def test_bad_dates_are_a_form_error_not_a_500(roles, sales):
    client = client_for(staff(OWNER, "owner@example.com"))

    response = client.get(reverse("insights_reports:sales") + "?start=not-a-date")

    assert response.status_code == 200


QUERIES = {
    "sales": 30,
    "products": 22,
    "categories": 31,
    "collections": 46,
    "customers": 29,
    "discounts": 30,
    "gift-cards": 30,
    "refunds": 29,
    "returns": 33,
    "shipping": 30,
    "low-stock": 21,
    "stock-value": 21,
}


@pytest.mark.benchmark
@pytest.mark.parametrize("name", [*REPORTS, "wagtailadmin_home"])
def test_query_counts_do_not_grow_from_10_to_1000_orders(roles, store, other_store, name):
    from commerce.orders.models import OrderLine

    client = client_for(staff(OWNER, "owner@example.com"))
    variants = {}
    for shop in (store, other_store):  # a product in a category, a collection and low on stock per store
        product = ProductPageFactory(store=shop, stock=1)
        product.categories.set([CategoryFactory()])
        product.save_revision().publish()
        CollectionPageFactory(parent=shop.site.root_page)
        variants[shop.pk] = product.variants.get()
        ProductVariant.objects.filter(pk=variants[shop.pk].pk).update(low_stock_threshold=5)
    counts = []
    for total in (10, 1000):
        orders = paid_orders_up_to((store, other_store), up_to=total, spread_hours=500)
        OrderLine.objects.bulk_create(
            OrderLine(
                order=o,
                variant=variants[o.store_id],
                product_title=f"P{o.pk % 13}",
                sku="S",
                quantity=1,
                unit_price=10,
                line_subtotal=10,
                line_total=10,
            )
            for o in orders
        )
        summarise()  # past days from the summary, as after their payments' refresh
        client.get(reverse(name))  # warm caches
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(name)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    # The exact count of each report's page (session, user, permissions, filters, the metrics with
    # their comparison); the admin home's depends on every app's panels, so only its growth is checked.
    assert name == "wagtailadmin_home" or counts[0] == QUERIES[name.split(":")[1]], counts


@pytest.mark.parametrize("name", REPORTS)
def test_every_report_shows_a_chart_and_exports_exactly_its_rows(roles, sales, name):
    client = client_for(staff(OWNER, "owner@example.com"))
    view = next(view for slug, view, *_ in REPORT_LIST if name.endswith(f":{slug}"))

    page = client.get(reverse(name))
    rows = list(csv.reader(io.StringIO(body_bytes(client.get(reverse(name) + "?export=csv")).decode())))
    sheet = xlsx_text(client.get(reverse(name) + "?export=xlsx"))

    assert page.status_code == 200
    assert charts_shown(page) >= 1, name
    assert rows[0] == [column.label for column in view.columns]
    assert len(rows) - 1 == len(page.context["object_list"]) > 0
    assert rows[1][0] in sheet  # the same first row in the workbook
