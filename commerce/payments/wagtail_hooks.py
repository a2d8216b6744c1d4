from django.contrib.admin import SimpleListFilter
from django.db.models import QuerySet
from django.http import HttpRequest

from commerce.orders.admin_views import ViewOnlyModelAdmin, register_in_sales_menu

from .models import PaymentEvent


class OutcomeFilter(SimpleListFilter):
    """Applied, ignored or failed (a malformed event, kept with its reason), from ``result``; or
    waiting: naming a payment of ours not recorded yet, unprocessed until a retry finds it."""

    title = "outcome"
    parameter_name = "outcome"

    def lookups(self, request: HttpRequest, model_admin: object) -> list[tuple[str, str]]:
        return [("applied", "Applied"), ("ignored", "Ignored"), ("failed", "Failed"), ("waiting", "Waiting")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[PaymentEvent]) -> QuerySet[PaymentEvent]:
        if self.value() == "waiting":
            return queryset.waiting()
        if self.value() in {"applied", "ignored", "failed"}:
            return queryset.filter(result__startswith=f"{self.value()}:")
        return queryset


class PaymentEventAdmin(ViewOnlyModelAdmin):
    """The provider's webhooks as received: what came in, when it was applied and with what result."""

    model = PaymentEvent
    menu_label = "Payment events"
    menu_icon = "history"
    menu_order = 20
    list_display = ("event_id", "provider", "type", "order", "received_at", "processed_at", "result")
    list_filter = ("provider", "type", "processed_at", OutcomeFilter)
    search_fields = ("event_id", "type", "order__number")
    ordering = ("-received_at", "-pk")
    list_per_page = 50
    inspect_view_fields = [
        "provider",
        "event_id",
        "type",
        "order",
        "payment",
        "received_at",
        "processed_at",
        "result",
        "payload",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[PaymentEvent]:
        return super().get_queryset(request).select_related("order")


register_in_sales_menu(PaymentEventAdmin)
