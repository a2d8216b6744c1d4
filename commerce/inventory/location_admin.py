"""Stock locations in the admin (Settings → Stock locations), scoped to the staff member's stores."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList

from commerce.stores.admin_scope import StoreScopedSnippetViewSet

from .models import StockLocation


class StockLocationViewSet(StoreScopedSnippetViewSet):
    """Scoped to the staff member's stores in every view, form field and chooser."""

    model = StockLocation
    icon = "home"
    menu_label = "Stock locations"
    add_to_settings_menu = True
    list_display = ["name", "store", "priority", "is_active"]
    list_filter = ["store", "is_active"]
    search_fields = ["name"]
    search_backend_name = None
    edit_handler = ObjectList(
        [
            FieldPanel("store"),
            FieldPanel("name"),
            FieldPanel("priority"),
            FieldPanel("is_active"),
            MultiFieldPanel(
                [
                    FieldPanel("address_line1"),
                    FieldPanel("address_line2"),
                    FieldPanel("city"),
                    FieldPanel("region"),
                    FieldPanel("postal_code"),
                    FieldPanel("country"),
                    FieldPanel("phone"),
                ],
                heading="Ship-from address",
            ),
        ],
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[StockLocation]:
        return super().get_queryset(request).select_related("store")
