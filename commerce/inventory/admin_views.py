"""The Inventory screen in the Wagtail admin: every stock level of the staff member's stores with
filters, search, sortable columns and CSV export; adjusting a variant, bulk adjusting the selected
rows with one reason, transferring between locations and importing a CSV. Views handle HTTP; the
services in ``services.py`` and ``csv_import.py`` do the work."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import F, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.views import View
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

from commerce.catalog.models import Category
from commerce.core.exceptions import CommerceError
from commerce.stores.models import Store
from commerce.stores.staff_scope import staff_store_ids

from .csv_import import stock_import_csv
from .forms import AdjustForm, BulkAdjustForm, ImportForm, TransferForm
from .models import StockLevel
from .selectors import stock_levels_for_staff, stock_locations_for_staff, variants_for_staff
from .services import StockChange, stock_change, stock_transfer

PERMISSIONS = ModelPermissionPolicy(StockLevel)


class InventoryFilterSet(WagtailFilterSet):
    location = django_filters.ModelChoiceFilter(queryset=None, label="Location")
    store = django_filters.ModelChoiceFilter(field_name="location__store", queryset=None, label="Store")
    category = django_filters.ModelChoiceFilter(
        field_name="variant__product__categories", queryset=Category.objects.all(), label="Category"
    )
    low_stock = django_filters.BooleanFilter(method="filter_low_stock", label="Low stock", widget=forms.CheckboxInput)
    out_of_stock = django_filters.BooleanFilter(
        method="filter_out_of_stock", label="Out of stock", widget=forms.CheckboxInput
    )

    class Meta:
        model = StockLevel
        fields = ["location", "store", "category"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = self.request.user if self.request else None
        self.filters["location"].queryset = stock_locations_for_staff(user)
        store_ids = staff_store_ids(user)
        self.filters["store"].queryset = (
            Store.objects.all() if store_ids is None else Store.objects.filter(pk__in=store_ids)
        )

    def filter_low_stock(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        return queryset.filter(available_qty__lte=F("variant__low_stock_threshold")) if value else queryset

    def filter_out_of_stock(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        return queryset.filter(available_qty__lte=0) if value else queryset


class SelectColumn(Column):
    """A checkbox tied (by the HTML ``form`` attribute) to the bulk adjust form above the table."""

    def get_value(self, instance: StockLevel) -> str:
        return format_html(
            '<input type="checkbox" name="levels" value="{}" form="inventory-bulk" aria-label="Select {} at {}">',
            instance.pk,
            instance.variant.sku,
            instance.location.name,
        )


class InventoryIndexView(IndexView):
    page_title = "Inventory"
    header_icon = "pick"
    paginate_by = 50
    default_ordering = "variant__sku"
    search_fields = ["variant__sku", "variant__product__title"]
    search_backend_name = None  # SKUs and titles by icontains: "MO-010" must match
    filterset_class = InventoryFilterSet
    results_template_name = "inventory/admin/index_results.html"
    template_name = "inventory/admin/index.html"
    list_export = [
        "variant.sku",
        "variant.product.title",
        "variant.label",
        "location.store.name",
        "location.name",
        "on_hand",
        "reserved",
        "available_qty",
    ]
    export_headings = {
        "variant.sku": "sku",
        "variant.product.title": "product",
        "variant.label": "options",
        "location.store.name": "store",
        "location.name": "location",
        "on_hand": "count",
        "reserved": "reserved",
        "available_qty": "available",
    }
    export_filename = "inventory"

    columns = [
        SelectColumn("select", label=""),
        Column("sku", label="SKU", accessor="variant.sku", sort_key="variant__sku"),
        Column("product", label="Product", accessor="variant.product.title", sort_key="variant__product__title"),
        Column("options", label="Options", accessor=lambda level: level.variant.label),
        Column("store", label="Store", accessor="location.store.name", sort_key="location__store__name"),
        Column("location", label="Location", accessor="location.name", sort_key="location__name"),
        Column("on_hand", label="On hand", sort_key="on_hand"),
        Column("reserved", label="Reserved", sort_key="reserved"),
        Column("available_qty", label="Available", sort_key="available_qty"),
        Column(
            "adjust",
            label="",
            accessor=lambda level: format_html(
                '<a class="button button-small button-secondary" href="{}">Adjust</a>',
                reverse("inventory:adjust", args=[level.variant_id]),
            ),
        ),
    ]

    def get_base_queryset(self) -> QuerySet[StockLevel]:
        return stock_levels_for_staff(self.request.user)

    def order_queryset(self, queryset: QuerySet) -> QuerySet:
        """The chosen column, then the primary key, so pages never repeat or skip a row."""
        return queryset.order_by(self.ordering or self.default_ordering, "pk")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["bulk_form"] = BulkAdjustForm(levels=StockLevel.objects.none())
        context["bulk_url"] = reverse("inventory:bulk_adjust")
        context["transfer_url"] = reverse("inventory:transfer")
        context["import_url"] = reverse("inventory:import")
        return context


class InventoryFormView(PermissionCheckedMixin, View):
    """A form page of the inventory screen; needs permission to change stock levels."""

    permission_policy = PERMISSIONS
    permission_required = "change"
    template_name = "inventory/admin/form.html"
    title = ""

    def render(self, request: HttpRequest, form: forms.Form, **context: Any) -> HttpResponse:
        context = {"form": form, "title": self.title, "back_url": reverse("inventory:index"), **context}
        return TemplateResponse(request, self.template_name, context, status=400 if form.is_bound else 200)

    def refused(self, request: HttpRequest, form: forms.Form, error: CommerceError, **context: Any) -> HttpResponse:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return self.render(request, form, **context)


class AdjustView(InventoryFormView):
    title = "Adjust stock"

    def setup_variant(self, request: HttpRequest, variant_id: int):
        variant = variants_for_staff(request.user).filter(pk=variant_id).first()
        if variant is None:
            raise Http404
        locations = stock_locations_for_staff(request.user).filter(store_id=variant.store_id)
        levels = {lv.location_id: lv for lv in StockLevel.objects.filter(variant=variant)}
        rows = [(loc, levels.get(loc.pk)) for loc in locations]
        return variant, locations, rows

    def get(self, request: HttpRequest, variant_id: int) -> HttpResponse:
        variant, locations, rows = self.setup_variant(request, variant_id)
        form = AdjustForm(locations=locations, initial={"location": locations.first()})
        return self.render(request, form, variant=variant, rows=rows)

    def post(self, request: HttpRequest, variant_id: int) -> HttpResponse:
        variant, locations, rows = self.setup_variant(request, variant_id)
        form = AdjustForm(request.POST, locations=locations)
        if not form.is_valid():
            return self.render(request, form, variant=variant, rows=rows)
        data = form.cleaned_data
        counted = data["mode"] == "count"
        change = StockChange(
            variant_id=variant.pk,
            location_id=data["location"].pk,
            delta=0 if counted else data["quantity"],
            count=data["quantity"] if counted else None,
        )
        try:
            stock_change(changes=[change], reason=data["reason"], note=data["note"], actor=request.user)
        except CommerceError as error:
            return self.refused(request, form, error, variant=variant, rows=rows)
        messages.success(request, f"Stock of {variant.sku} at {data['location'].name} updated.")
        return redirect(reverse("inventory:adjust", args=[variant.pk]))


class BulkAdjustView(InventoryFormView):
    title = "Adjust the selected rows"

    def post(self, request: HttpRequest) -> HttpResponse:
        levels = stock_levels_for_staff(request.user)
        form = BulkAdjustForm(request.POST, levels=levels)
        if not form.is_valid():
            return self.render(request, form, selected=levels.filter(pk__in=request.POST.getlist("levels")))
        data = form.cleaned_data
        changes = [
            StockChange(variant_id=lv.variant_id, location_id=lv.location_id, delta=data["delta"])
            for lv in data["levels"]
        ]
        try:
            stock_change(changes=changes, reason=data["reason"], note=data["note"], actor=request.user)
        except CommerceError as error:
            return self.refused(request, form, error, selected=data["levels"])
        messages.success(request, f"{len(changes)} rows adjusted by {data['delta']:+d}.")
        return redirect(reverse("inventory:index"))


class TransferView(InventoryFormView):
    title = "Transfer stock between locations"

    def get_form(self, request: HttpRequest) -> TransferForm:
        locations = stock_locations_for_staff(request.user)
        form = TransferForm(request.POST or None, locations=locations)
        form.fields["sku"] = forms.CharField(max_length=64, label="SKU", initial=request.GET.get("sku", ""))
        form.order_fields(["sku", "from_location", "to_location", "quantity", "note"])
        return form

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render(request, self.get_form(request))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self.get_form(request)
        if not form.is_valid():
            return self.render(request, form)
        data = form.cleaned_data
        variant = (
            variants_for_staff(request.user).filter(sku=data["sku"], store_id=data["from_location"].store_id).first()
        )
        if variant is None:
            form.add_error("sku", f"No variant {data['sku']} in {data['from_location'].store.name}.")
            return self.render(request, form)
        try:
            stock_transfer(
                variant_id=variant.pk,
                from_location_id=data["from_location"].pk,
                to_location_id=data["to_location"].pk,
                quantity=data["quantity"],
                note=data["note"],
                actor=request.user,
            )
        except CommerceError as error:
            return self.refused(request, form, error)
        messages.success(request, f"Moved {data['quantity']} × {variant.sku} to {data['to_location'].name}.")
        return redirect(reverse("inventory:index"))


class ImportView(InventoryFormView):
    title = "Import stock from CSV"

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render(request, ImportForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(request, form)
        try:
            result = stock_import_csv(
                upload=form.cleaned_data["file"],
                store_ids=staff_store_ids(request.user),
                actor=request.user,
                reason=form.cleaned_data["reason"],
            )
        except CommerceError as error:
            return self.refused(request, form, error)
        if not result.ok:
            form.add_error(None, "Nothing was imported: correct the rows below and import the whole file again.")
            return self.render(request, form, row_errors=result.errors)
        messages.success(request, f"Imported {result.applied} rows ({result.movements} movements).")
        return redirect(reverse("inventory:index"))


class InventoryViewSet(ModelViewSet):
    """The inventory screen: a listing of levels and the form pages; no generic add/edit/delete."""

    model = StockLevel
    icon = "pick"
    menu_label = "Inventory"
    menu_name = "inventory"
    menu_order = 250
    add_to_admin_menu = True
    name = "inventory"
    url_prefix = "inventory"
    index_view_class = InventoryIndexView
    list_per_page = 50
    inspect_view_enabled = False
    copy_view_enabled = False

    def get_urlpatterns(self) -> list:
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("adjust/<int:variant_id>/", AdjustView.as_view(), name="adjust"),
            path("bulk-adjust/", BulkAdjustView.as_view(), name="bulk_adjust"),
            path("transfer/", TransferView.as_view(), name="transfer"),
            path("import/", ImportView.as_view(), name="import"),
        ]

    def get_index_view_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        kwargs = super().get_index_view_kwargs(**kwargs)
        for key in ("add_url_name", "edit_url_name", "copy_url_name", "inspect_url_name", "delete_url_name"):
            kwargs[key] = None
        return kwargs

    def register_admin_url_finder(self) -> None:
        return None

    def register_reference_index(self) -> None:
        return None


inventory_viewset = InventoryViewSet()
