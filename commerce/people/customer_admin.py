"""The Customers screens: the list (search, filters, CSV of the filtered list) and the customer
page with its actions. Views read the request and call selectors and services; nothing else."""

from __future__ import annotations

import json
from typing import Any

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.views.generic import TemplateView
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet

from commerce.accounts.models import User
from commerce.core.exceptions import CommerceError
from commerce.stores.admin_scope import scope_queryset
from commerce.stores.models import Store

from .selectors import customer_for, customer_page, customers_for, customers_ordered_from, customers_search
from .services import customer_anonymise, customer_data_export, customer_note_add

VIEW_CUSTOMERS = "accounts.view_user"
EXPORT_CUSTOMER = "accounts.export_customer"
ANONYMISE_CUSTOMER = "accounts.anonymise_customer"


def _stores(request: Any) -> QuerySet[Store]:
    return scope_queryset(Store.objects.order_by("name"), request.user) if request else Store.objects.none()


class CustomerFilterSet(WagtailFilterSet):
    has_orders = django_filters.BooleanFilter(label="Has orders", method="filter_has_orders")
    store = django_filters.ModelChoiceFilter(queryset=_stores, label="Ordered from", method="filter_store")

    class Meta:
        model = User
        fields: list[str] = []

    def filter_has_orders(self, queryset: QuerySet[User], name: str, value: bool | None) -> QuerySet[User]:
        if value is None:
            return queryset
        return queryset.filter(order_count__gt=0) if value else queryset.filter(order_count=0)

    def filter_store(self, queryset: QuerySet[User], name: str, value: Store | None) -> QuerySet[User]:
        return customers_ordered_from(queryset, value) if value else queryset


def customer_name(user: User) -> str:
    return user.get_full_name()


class CustomerIndexView(IndexView):
    page_title = "Customers"
    default_ordering = "email"

    def get_base_queryset(self) -> QuerySet[User]:
        return customers_for(self.request.user)

    def search_queryset(self, queryset: QuerySet[User]) -> QuerySet[User]:
        return customers_search(queryset, self.search_query) if self.search_query else queryset

    def get_edit_url(self, instance: User) -> str:
        return reverse("people_customers:detail", args=[instance.pk])

    def get_add_url(self) -> None:
        return None

    def get_list_more_buttons(self, instance: User) -> list:
        return []  # no edit/copy/delete here: accounts are edited on the Users screen


class CustomerNoteForm(forms.Form):
    store = forms.ModelChoiceField(queryset=Store.objects.none())
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, label="Note")

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["store"].queryset = scope_queryset(Store.objects.order_by("name"), user)


class CustomerViewMixin(WagtailAdminTemplateMixin):
    permission = VIEW_CUSTOMERS
    header_icon = "user"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.has_perm(self.permission):
            raise PermissionDenied
        self.customer = customer_for(request.user, kwargs["pk"])
        if self.customer is None:
            raise Http404("No such customer.")
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self) -> str:
        return self.customer.get_full_name() or self.customer.email

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(customer=self.customer, **kwargs)

    def get_breadcrumbs_items(self) -> list[dict[str, str]]:
        return [
            *self.breadcrumbs_items,
            {"url": reverse("people_customers:index"), "label": "Customers"},
            {"url": "", "label": self.get_page_subtitle()},
        ]


class CustomerDetailView(CustomerViewMixin, TemplateView):
    template_name = "people/customer_detail.html"
    page_title = "Customer"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user = self.request.user
        note_form = kwargs.pop("note_form", None) or CustomerNoteForm(user=user)
        return super().get_context_data(
            page=customer_page(user, self.customer),
            note_form=note_form,
            can_export=user.has_perm(EXPORT_CUSTOMER),
            can_anonymise=user.has_perm(ANONYMISE_CUSTOMER),
            **kwargs,
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """Add a note."""
        form = CustomerNoteForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                customer_note_add(
                    customer=self.customer,
                    store=form.cleaned_data["store"],
                    text=form.cleaned_data["text"],
                    actor=request.user,
                )
            except CommerceError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, "Note added.")
                return redirect("people_customers:detail", pk=self.customer.pk)
        return self.render_to_response(self.get_context_data(note_form=form), status=400)


class CustomerExportView(CustomerViewMixin, TemplateView):
    """GET: what the export holds and a button; POST: the JSON download (audited)."""

    permission = EXPORT_CUSTOMER
    template_name = "people/customer_export.html"
    page_title = "Export customer data"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        data = customer_data_export(customer=self.customer, actor=request.user)
        response = HttpResponse(
            json.dumps(data, cls=DjangoJSONEncoder, indent=2), content_type="application/json; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="customer-{self.customer.pk}.json"'
        return response


class CustomerAnonymiseView(CustomerViewMixin, TemplateView):
    """GET: the confirmation page; POST: anonymise (audited)."""

    permission = ANONYMISE_CUSTOMER
    template_name = "people/customer_anonymise.html"
    page_title = "Anonymise customer"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.POST.get("confirm") != "yes":
            messages.error(request, "Tick the box to confirm: anonymising cannot be undone.")
            return self.render_to_response(self.get_context_data(), status=400)
        try:
            customer_anonymise(customer=self.customer, actor=request.user)
        except CommerceError as error:
            messages.error(request, error.message)
            return self.render_to_response(self.get_context_data(), status=400)
        messages.success(request, "The customer was anonymised. Their orders keep their totals and lines.")
        return redirect("people_customers:index")


class CustomerViewSet(ModelViewSet):
    """Customers: accounts that are not staff. Registered beside Wagtail's Users screen (which
    keeps editing accounts); this one lists, shows and acts on customers."""

    model = User
    name = "customers"
    url_namespace = "people_customers"
    url_prefix = "customers"
    icon = "group"
    menu_label = "Customers"
    menu_order = 250
    add_to_admin_menu = True
    add_to_reference_index = False
    index_view_class = CustomerIndexView
    filterset_class = CustomerFilterSet
    search_fields = ["email"]  # shows the search box; CustomerIndexView.search_queryset searches
    list_display = [
        "email",
        Column("name", label="Name", accessor=customer_name),
        Column("order_count", label="Orders", sort_key="order_count"),
        DateColumn("last_order_at", label="Last order", sort_key="last_order_at"),
        DateColumn("date_joined", label="Joined", sort_key="date_joined"),
    ]
    list_export = ["email", "first_name", "last_name", "order_count", "last_order_at", "date_joined", "is_active"]
    export_headings = {
        "email": "Email",
        "first_name": "First name",
        "last_name": "Last name",
        "order_count": "Orders",
        "last_order_at": "Last order",
        "date_joined": "Joined",
        "is_active": "Active",
    }
    export_filename = "customers"

    @cached_property
    def url_finder_class(self) -> None:  # Wagtail's Users screen stays where a user's links go
        return None

    def register_admin_url_finder(self) -> None:
        pass

    def get_permissions_to_register(self) -> list:
        return []

    def get_urlpatterns(self) -> list:
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("<int:pk>/", CustomerDetailView.as_view(), name="detail"),
            path("<int:pk>/export/", CustomerExportView.as_view(), name="export"),
            path("<int:pk>/anonymise/", CustomerAnonymiseView.as_view(), name="anonymise"),
        ]
