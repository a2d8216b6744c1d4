from decimal import Decimal

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import path
from django.utils.html import format_html
from django.utils.safestring import SafeString
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail_modeladmin.options import ModelAdminGroup, modeladmin_register

from commerce.core.money_format import format_amount
from commerce.stores.admin_scope import StoreFilter, scope_queryset

from . import fulfilment_views as views
from .admin_views import SALES_MENU_HOOK, DateRangeFilter, OrderInspectView, ViewOnlyModelAdmin
from .list_filters import FulfilmentStatusFilter, HasDiscountFilter, ReturnsWaitingFilter
from .models import Order

# modeladmin's export shows a falsy value as its "empty value": a zero amount stays a number.
ZERO = Decimal("0.00")


class OrderAdmin(ViewOnlyModelAdmin):
    model = Order
    menu_label = "Orders"
    menu_icon = "list-ul"
    inspect_view_class = OrderInspectView
    inspect_template_name = "orders/admin/order_inspect.html"
    inspect_view_fields = ["shipping_method_name", "paid_at", "updated_at", "checkout_token"]
    list_display = (
        "number",
        "created_at",
        "email",
        "store",
        "status",
        "payment_status",
        "total_with_currency",
        "flagged",
    )
    list_filter = (
        "status",
        "payment_status",
        ("store", StoreFilter),
        ("created_at", DateRangeFilter),
        FulfilmentStatusFilter,
        ReturnsWaitingFilter,
        HasDiscountFilter,
        "flagged_for_review",
    )
    search_fields = ("number", "email")
    ordering = ("-created_at", "-pk")
    list_per_page = 50
    list_export = (
        "number",
        "created_at",
        "email",
        "store",
        "status_label",
        "payment_status_label",
        "currency",
        "total_amount",
        "discount_amount",
        "paid_amount",
        "refunded_amount",
        "flagged_yes_no",
        "review_reason",
    )
    export_filename = "orders"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Order]:
        return scope_queryset(super().get_queryset(request).select_related("store"), request.user)

    @admin.display(description="Total", ordering="total")
    def total_with_currency(self, order: Order) -> str:
        return format_amount(order.total, order.currency)

    @admin.display(description="Review", empty_value="")
    def flagged(self, order: Order) -> SafeString | str:
        if not order.flagged_for_review:
            return ""
        return format_html('<span class="w-status w-status--primary" title="{}">Flagged</span>', order.review_reason)

    @admin.display(description="Status")
    def status_label(self, order: Order) -> str:
        return order.get_status_display()

    @admin.display(description="Payment status")
    def payment_status_label(self, order: Order) -> str:
        return order.get_payment_status_display()

    # Exports carry amounts as numbers (a spreadsheet sums them) beside the currency column.
    @admin.display(description="Total", empty_value=ZERO)
    def total_amount(self, order: Order) -> Decimal:
        return order.total

    @admin.display(description="Discount", empty_value=ZERO)
    def discount_amount(self, order: Order) -> Decimal:
        return order.discount_total

    @admin.display(description="Paid", empty_value=ZERO)
    def paid_amount(self, order: Order) -> Decimal:
        return order.amount_paid

    @admin.display(description="Refunded", empty_value=ZERO)
    def refunded_amount(self, order: Order) -> Decimal:
        return order.amount_refunded

    @admin.display(description="Flagged for review")
    def flagged_yes_no(self, order: Order) -> str:
        return "yes" if order.flagged_for_review else "no"


class SalesGroup(ModelAdminGroup):
    """Orders, plus the screens that apps above orders register under ``SALES_MENU_HOOK``."""

    menu_label = "Sales"
    menu_icon = "form"
    menu_order = 200
    items = (OrderAdmin,)

    def get_submenu_items(self) -> list[MenuItem]:
        return [*super().get_submenu_items(), *(menu_item() for menu_item in hooks.get_hooks(SALES_MENU_HOOK))]


modeladmin_register(SalesGroup)


@hooks.register("register_log_actions")
def order_log_actions(actions) -> None:
    from .audit import STAFF_ACTIONS

    for action, (label, message) in STAFF_ACTIONS.items():
        actions.register_action(action, label, message)


@hooks.register("register_admin_urls")
def order_operation_urls() -> list:
    return [
        path("orders/<int:order_id>/fulfil/", views.order_fulfil_view, name="orders_fulfil"),
        path(
            "orders/<int:order_id>/fulfilments/<int:fulfilment_id>/ship/",
            views.fulfilment_ship_view,
            name="orders_ship",
        ),
        path("orders/<int:order_id>/returns/new/", views.return_create_view, name="orders_return_create"),
        path(
            "orders/<int:order_id>/returns/<int:return_id>/approve/",
            views.return_approve_view,
            name="orders_return_approve",
        ),
        path(
            "orders/<int:order_id>/returns/<int:return_id>/reject/",
            views.return_reject_view,
            name="orders_return_reject",
        ),
        path(
            "orders/<int:order_id>/returns/<int:return_id>/receive/",
            views.return_receive_view,
            name="orders_return_receive",
        ),
    ]
