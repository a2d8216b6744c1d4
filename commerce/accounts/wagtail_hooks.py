"""The "Staff stores" screen: which stores each member of staff works on (Owners only)."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.http import HttpRequest
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from commerce.core.admin_choosers import PermissionCheckedChooserViewSet

from .models import StaffProfile


def staff_profile_stores_label(profile: StaffProfile) -> str:
    if profile.all_stores:
        return "All stores"
    return ", ".join(store.name for store in profile.stores.all()) or "None"


class StaffProfileViewSet(SnippetViewSet):
    model = StaffProfile
    chooser_viewset_class = PermissionCheckedChooserViewSet  # staff names: only for who manages staff
    icon = "group"
    menu_label = "Staff stores"
    url_prefix = "staff-stores"
    add_to_settings_menu = True
    list_display = [
        "user",
        BooleanColumn("all_stores", label="All stores"),
        Column("stores", label="Stores", accessor=staff_profile_stores_label),
    ]
    search_fields = ["user__email", "user__first_name", "user__last_name"]
    search_backend_name = None
    edit_handler = ObjectList(
        [FieldPanel("user"), FieldPanel("all_stores"), FieldPanel("stores", widget=forms.CheckboxSelectMultiple)]
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[StaffProfile]:
        return StaffProfile.objects.select_related("user").prefetch_related("stores").order_by("user__email")


register_snippet(StaffProfileViewSet)
