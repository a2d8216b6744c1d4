"""Registers the reports (Reports menu), the admin home's sales and orders panels and the insights
assistant."""

from __future__ import annotations

from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .assistant.audit_admin import insight_question_viewset
from .assistant.panel import AssistantPanel
from .assistant.service import may_ask
from .assistant.urls import assistant_urls
from .group_reports import CategoriesReportView, CollectionsReportView, CustomersReportView
from .money_reports import DiscountsReportView, GiftCardsReportView, RefundsReportView, ShippingReportView
from .order_panels import OrdersPanel
from .panels import SalesPanel
from .report_views import ProductsReportView, SalesReportView
from .return_panels import ReturnsWaitingPanel
from .returns_report import ReturnsReportView
from .stock_panels import LowStockPanel
from .stock_reports import LowStockReportView, StockValueReportView

REPORTS = [
    ("sales", SalesReportView, "Sales over time", 100),
    ("products", ProductsReportView, "Top products", 110),
    ("categories", CategoriesReportView, "Sales by category", 111),
    ("collections", CollectionsReportView, "Sales by collection", 112),
    ("customers", CustomersReportView, "Customers", 113),
    ("discounts", DiscountsReportView, "Discounts", 114),
    ("gift-cards", GiftCardsReportView, "Gift cards", 115),
    ("refunds", RefundsReportView, "Refunds", 116),
    ("returns", ReturnsReportView, "Returns", 116),
    ("shipping", ShippingReportView, "Shipping charged", 117),
    ("low-stock", LowStockReportView, "Low stock", 118),
    ("stock-value", StockValueReportView, "Stock value", 119),
]


class ReportMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return request.user.has_perm("insights.view_reports")


@hooks.register("register_admin_urls")
def register_report_urls():
    urls = []
    for name, view, _label, _order in REPORTS:
        urls += [
            path(f"{name}/", view.as_view(), name=name),
            path(f"{name}/results/", view.as_view(results_only=True), name=f"{name}_results"),
        ]
    return [path("sales-reports/", include((urls, "insights_reports"), namespace="insights_reports"))]


def _menu_item(name: str, label: str, order: int):
    return lambda: ReportMenuItem(
        label, reverse(f"insights_reports:{name}"), name=f"report-{name}", icon_name="doc-full", order=order
    )


for _name, _view, _label, _order in REPORTS:
    hooks.register("register_reports_menu_item", _menu_item(_name, _label, _order))


@hooks.register("construct_homepage_panels")
def add_sales_panel(request, panels):
    if request.user.has_perm("insights.view_reports"):
        panels.append(SalesPanel(request.user))


@hooks.register("construct_homepage_panels")
def add_orders_panel(request, panels):
    if request.user.has_perm("orders.view_order"):
        panels.append(OrdersPanel(request.user))


@hooks.register("construct_homepage_panels")
def add_returns_panel(request, panels):
    if request.user.has_perm("orders.view_order"):
        panels.append(ReturnsWaitingPanel(request.user))


@hooks.register("construct_homepage_panels")
def add_low_stock_panel(request, panels):
    if request.user.has_perm("inventory.view_stocklevel"):
        panels.append(LowStockPanel(request.user))


# The insights assistant (issue 14): its page, JSON endpoints, dashboard panel and audit log.
class AssistantMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return may_ask(request.user)


class AssistantLogMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return request.user.has_perm("insights.view_insightquestion")


@hooks.register("register_admin_urls")
def register_assistant_urls():
    return [path("insights/", include((assistant_urls, "insights_assistant"), namespace="insights_assistant"))]


@hooks.register("register_admin_menu_item")
def register_assistant_menu_item():
    return AssistantMenuItem("Insights", reverse("insights_assistant:index"), icon_name="comment", order=260)


@hooks.register("register_reports_menu_item")
def register_assistant_log_menu_item():
    return AssistantLogMenuItem("Assistant log", reverse("insights_log:index"), icon_name="list-ul", order=120)


@hooks.register("register_admin_viewset")
def register_assistant_log_viewset():
    return insight_question_viewset


@hooks.register("construct_homepage_panels")
def add_assistant_panel(request, panels):
    if may_ask(request.user):
        panels.append(AssistantPanel(request.user))
