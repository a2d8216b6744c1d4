"""Discounts in the Wagtail admin: snippet viewsets for discounts and their codes, the editing
forms' checks, and two screens — generate codes in bulk, download a discount's codes as CSV —
that only do HTTP and call ``discount_codes``. ``wagtail_hooks.py`` registers all of this."""

from __future__ import annotations

import io
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.db.models.functions import Upper
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.generic.edit import FormView
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.snippets.views.snippets import IndexView, SnippetViewSetGroup

from commerce.catalog.models import CollectionPage, ProductPage
from commerce.catalog.store_page_choices import StorePageMultipleChoiceField
from commerce.core.exceptions import CommerceError
from commerce.core.money import Money
from commerce.stores.admin_scope import StoreScopedFormMixin, StoreScopedSnippetViewSet, in_scope, scope_queryset
from commerce.stores.models import Store

from .discount_codes import MAX_COUNT, MIN_LENGTH, discount_codes_csv, discount_codes_generate
from .discount_editing import PUBLISH_DISCOUNT, TARGET_FIELDS, discount_code_problem, discount_problems
from .discount_rules import discount_status_q, normalize_code
from .models import Discount, DiscountCode

GENERATE_URL_NAME = "promotions_discount_codes_generate"
EXPORT_URL_NAME = "promotions_discount_codes_export"


def discount_value_label(discount: Discount) -> str:
    if discount.value_type == Discount.ValueType.FREE_SHIPPING:
        return "Free shipping"
    if discount.value_type == Discount.ValueType.PERCENTAGE:
        return f"{discount.value.normalize():f}% off"
    return f"{Money(discount.value, discount.store.currency)} off"


def discount_uses_label(used: int, limit: int | None) -> str:
    return f"{used} of {limit}" if limit is not None else f"{used} (no limit)"


# --- Discounts ----------------------------------------------------------------------------------


class DiscountFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label="Status", choices=Discount.Status.choices, method="filter_status")

    class Meta:
        model = Discount
        fields = ["store", "kind", "status"]

    def filter_status(self, queryset: QuerySet[Discount], name: str, value: str) -> QuerySet[Discount]:
        return queryset.filter(discount_status_q(value, timezone.now())) if value else queryset


class DiscountIndexView(IndexView):
    """Searches names and codes; each row links to generating and downloading its codes."""

    def search_queryset(self, queryset: QuerySet[Discount]) -> QuerySet[Discount]:
        if not self.is_searching:
            return queryset
        codes = DiscountCode.objects.annotate(code_upper=Upper("code")).filter(
            code_upper__contains=normalize_code(self.search_query)
        )
        return queryset.filter(Q(name__icontains=self.search_query) | Q(pk__in=codes.values("discount_id")))

    def get_list_more_buttons(self, instance: Discount) -> list:
        buttons = super().get_list_more_buttons(instance)
        user = self.request.user
        if user.has_perm("promotions.add_discountcode"):
            url = f"{reverse(GENERATE_URL_NAME)}?discount={instance.pk}"
            buttons.append(MenuItem("Generate codes", url=url, icon_name="plus", priority=40))
        if user.has_perm("promotions.view_discountcode") or user.has_perm("promotions.change_discountcode"):
            url = reverse(EXPORT_URL_NAME, args=[instance.pk])
            buttons.append(MenuItem("Download codes (CSV)", url=url, icon_name="download", priority=50))
        return buttons


class DiscountAdminForm(WagtailAdminModelForm):
    """The checks a discount must pass before it is saved (the database enforces the first three too)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pick_pages_of_the_staff_members_stores()

    def _pick_pages_of_the_staff_members_stores(self) -> None:
        """Products and collections: searchable, narrowed to the discount's store in the browser,
        store names shown where two stores share a title (``catalog.store_page_choices``)."""
        stores = Store.objects.select_related("site__root_page").order_by("name")
        stores = list(stores if self.for_user is None else scope_queryset(stores, self.for_user))
        for name, model in (("products", ProductPage), ("collections", CollectionPage)):
            if name in self.fields:
                current = self.fields[name]
                field = StorePageMultipleChoiceField(
                    queryset=model.objects.all(), required=False, label=current.label, help_text=current.help_text
                )
                field.limit_to_stores(stores)
                self.fields[name] = field

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self._check_publishing()
        problems = discount_problems(
            store=data.get("store"),
            value_type=data.get("value_type"),
            value=data.get("value"),
            starts_at=data.get("starts_at"),
            ends_at=data.get("ends_at"),
            target=data.get("target"),
            targets={name: data.get(name) for name in TARGET_FIELDS},
            usage_limit=data.get("usage_limit"),
            instance=self.instance if self.instance.pk else None,
        )
        for field, reason in problems:
            self.add_error(field if field in self.fields else None, reason)
        return data

    def _check_publishing(self) -> None:
        """Without the publish permission the form has no "published" field: a draft stays a draft
        (a copy of a live discount included), and a live discount cannot be changed at all."""
        if "is_active" in self.fields:
            return
        if self.instance.pk is None:
            self.instance.is_active = False
        elif Discount.objects.filter(pk=self.instance.pk, is_active=True).exists():
            self.add_error(None, "This discount is live: only a manager can change it (or unpublish it first).")


class DiscountViewSet(StoreScopedSnippetViewSet):
    model = Discount
    icon = "tag"
    menu_label = "Discounts"
    index_view_class = DiscountIndexView
    filterset_class = DiscountFilterSet
    list_display = [
        "name",
        "store",
        Column("kind", label="Kind", accessor="get_kind_display"),
        Column("value", label="Value", accessor=discount_value_label),
        Column("status", label="Status", accessor=lambda d: Discount.Status(d.status).label),
        Column("uses", label="Uses", accessor=lambda d: discount_uses_label(d.times_used, d.usage_limit)),
    ]
    search_fields = ["name"]
    search_backend_name = None
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldPanel("store"),
                    FieldPanel("name"),
                    FieldPanel("kind"),
                    # Only who may publish sees the switch (Managers, Owners); Marketers draft.
                    FieldPanel("is_active", permission=PUBLISH_DISCOUNT),
                ],
                heading="Basics",
            ),
            MultiFieldPanel([FieldRowPanel([FieldPanel("value_type"), FieldPanel("value")])], heading="Value"),
            MultiFieldPanel(
                [
                    FieldPanel("target"),
                    FieldPanel("products"),
                    FieldPanel("collections"),
                    FieldPanel("categories", widget=forms.CheckboxSelectMultiple),
                ],
                heading="Target",
            ),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
                    FieldRowPanel([FieldPanel("min_subtotal"), FieldPanel("min_quantity")]),
                    FieldRowPanel([FieldPanel("requires_login"), FieldPanel("first_order_only")]),
                ],
                heading="Conditions",
            ),
            MultiFieldPanel(
                [FieldRowPanel([FieldPanel("usage_limit"), FieldPanel("once_per_customer")])], heading="Limits"
            ),
            MultiFieldPanel([FieldRowPanel([FieldPanel("combinable"), FieldPanel("priority")])], heading="Combination"),
        ],
        base_form_class=DiscountAdminForm,
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Discount]:
        return super().get_queryset(request).select_related("store")


# --- Codes --------------------------------------------------------------------------------------


class DiscountCodeAdminForm(WagtailAdminModelForm):
    """Codes are stored upper-case, unique in their discount's store, whose store they take."""

    def clean_code(self) -> str:
        code = normalize_code(self.cleaned_data["code"])
        if not code or any(ch.isspace() for ch in code):
            raise ValidationError("Enter a code without spaces.")
        return code

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        discount, code = data.get("discount"), data.get("code")
        if discount is None or not code:
            return data
        self.instance.store_id = discount.store_id
        problem = discount_code_problem(store_id=discount.store_id, code=code, exclude_pk=self.instance.pk)
        if problem:
            self.add_error("code", problem)
        return data


class DiscountCodeViewSet(StoreScopedSnippetViewSet):
    model = DiscountCode
    icon = "key"
    menu_label = "Discount codes"
    list_display = [
        "code",
        "discount",
        Column("uses", label="Uses", accessor=lambda c: discount_uses_label(c.times_used, c.usage_limit)),
    ]
    list_filter = ["store", "discount"]
    search_fields = ["code"]
    search_backend_name = None
    edit_handler = ObjectList(
        [FieldPanel("discount"), FieldPanel("code"), FieldPanel("usage_limit"), FieldPanel("is_active")],
        base_form_class=DiscountCodeAdminForm,
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[DiscountCode]:
        return super().get_queryset(request).select_related("discount")


class DiscountViewSetGroup(SnippetViewSetGroup):
    menu_label = "Discounts"
    menu_icon = "tag"
    menu_order = 250
    items = (DiscountViewSet, DiscountCodeViewSet)


# --- Generating and exporting codes -------------------------------------------------------------


class DiscountCodesGenerateForm(forms.Form):
    discount = forms.ModelChoiceField(queryset=Discount.objects.select_related("store").order_by("name"))
    count = forms.IntegerField(label="Number of codes", min_value=1, max_value=MAX_COUNT, initial=100)
    prefix = forms.CharField(required=False, max_length=20, help_text='e.g. "SPRING-". Letters, digits, - and _.')
    length = forms.IntegerField(label="Length of the random part", min_value=MIN_LENGTH, max_value=32, initial=8)
    usage_limit = forms.IntegerField(
        label="Uses per code", min_value=1, initial=1, required=False, help_text="1: single use. Empty: unlimited."
    )


class DiscountCodesGenerateView(StoreScopedFormMixin, WagtailAdminTemplateMixin, FormView):
    form_class = DiscountCodesGenerateForm
    template_name = "promotions/admin/discount_codes_generate.html"
    page_title = "Generate discount codes"
    header_icon = "key"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.has_perm("promotions.add_discountcode"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self) -> dict[str, Any]:
        return {**super().get_initial(), "discount": self.request.GET.get("discount")}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            action_url=self.request.get_full_path(),
            submit_button_label="Generate codes",
            submit_button_active_label="Generating…",
            media=context["form"].media,
        )
        return context

    def form_valid(self, form: DiscountCodesGenerateForm) -> HttpResponse:
        discount = form.cleaned_data["discount"]
        try:
            codes = discount_codes_generate(
                discount=discount,
                count=form.cleaned_data["count"],
                prefix=form.cleaned_data["prefix"],
                length=form.cleaned_data["length"],
                usage_limit=form.cleaned_data["usage_limit"],
            )
        except CommerceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, f"Generated {len(codes):,} codes for {discount.name}.")
        return redirect(f"{reverse('wagtailsnippets_promotions_discountcode:list')}?discount={discount.pk}")


def discount_codes_export(request: HttpRequest, discount_id: int) -> HttpResponse:
    """The discount's codes as a CSV download: code, usage_limit, times_used."""
    if not (
        request.user.has_perm("promotions.view_discountcode") or request.user.has_perm("promotions.change_discountcode")
    ):
        raise PermissionDenied
    discount = get_object_or_404(Discount, pk=discount_id)
    if not in_scope(request.user, discount):
        raise Http404
    buffer = io.StringIO()
    discount_codes_csv(discount=discount, out=buffer)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="discount-{discount.pk}-codes.csv"'
    return response


def discount_admin_urls() -> list[URLPattern]:
    return [
        path("promotions/discount-codes/generate/", DiscountCodesGenerateView.as_view(), name=GENERATE_URL_NAME),
        path("promotions/discounts/<int:discount_id>/codes.csv", discount_codes_export, name=EXPORT_URL_NAME),
    ]
