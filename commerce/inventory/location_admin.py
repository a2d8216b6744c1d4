"""Stock locations in the admin (Settings → Stock locations), scoped to the staff member's stores."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList

from commerce.accounts.staff_scope import staff_store_ids
from commerce.stores.admin_scope import StoreScopedSnippetViewSet, scope_queryset

from .models import StockLocation


class StockLocationForm(WagtailAdminModelForm):
    """Offers only the stores the staff member works on."""

    def __init__(self, *args: Any, for_user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, for_user=for_user, **kwargs)
        store_ids = staff_store_ids(for_user)
        if store_ids is not None and "store" in self.fields:
            self.fields["store"].queryset = self.fields["store"].queryset.filter(pk__in=store_ids)


class StockLocationViewSet(StoreScopedSnippetViewSet):
    model = StockLocation
    icon = "home"
    menu_label = "Stock locations"
    add_to_settings_menu = True
    list_display = ["name", "store", "priority", "is_active"]
    list_filter = ["store", "is_active"]
    search_fields = ["name"]
    search_backend_name = None
    edit_handler = ObjectList(
        [FieldPanel("store"), FieldPanel("name"), FieldPanel("priority"), FieldPanel("is_active")],
        base_form_class=StockLocationForm,
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[StockLocation]:
        return scope_queryset(StockLocation.objects.select_related("store"), request.user)
