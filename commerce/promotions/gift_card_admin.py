"""Gift cards in the Wagtail admin (wagtail-modeladmin): a list, an inspect page with the ledger,
and three actions — issue one, issue in bulk, adjust a balance — each calling a service.

Cards are never edited or deleted here: there is no create, edit or delete URL, and the full code
is shown only once, to the member of staff who issued it (the success message, or the CSV).
"""

from __future__ import annotations

import csv
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.admin import SimpleListFilter
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, re_path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic.edit import FormView
from wagtail.admin import messages
from wagtail.admin.widgets import AdminDateTimeInput
from wagtail_modeladmin.helpers.search import BaseSearchHandler
from wagtail_modeladmin.options import ModelAdmin
from wagtail_modeladmin.views import InspectView, InstanceSpecificView, WMABaseView

from commerce.core.exceptions import CommerceError
from commerce.core.money import Money
from commerce.orders.admin_views import LenientIndexView, ViewOnlyModelAdmin, ViewOnlyPermissionHelper
from commerce.orders.admin_views import register_in_sales_menu as _register_in_sales_menu
from commerce.stores.admin_scope import StoreFilter, StoreScopedFormMixin, scope_queryset
from commerce.stores.models import Store

from .gift_card_selectors import gift_card_ledger, gift_cards_search, gift_cards_unexpired
from .gift_card_staff import gift_card_issue_by_staff, gift_card_set_active
from .gift_cards import (
    BULK_MAX,
    gift_card_adjust,
    gift_card_format,
    gift_card_recipient,
    gift_cards_issue_bulk,
)
from .models import GiftCard


class GiftCardPermissionHelper(ViewOnlyPermissionHelper):
    """View to list and inspect; ``add`` to issue; ``change`` to adjust a balance. Never edit or delete."""

    def user_can_issue(self, user: Any) -> bool:
        return self.user_has_specific_permission(user, self.get_perm_codename("add"))

    def user_can_adjust(self, user: Any) -> bool:
        return self.user_has_specific_permission(user, self.get_perm_codename("change"))


class ExpiredFilter(SimpleListFilter):
    title = "expiry"
    parameter_name = "expired"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "Expired"), ("no", "Not expired")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[GiftCard]) -> QuerySet[GiftCard]:
        now = timezone.now()
        if self.value() == "yes":
            return queryset.filter(expires_at__lte=now)
        if self.value() == "no":
            return queryset.filter(gift_cards_unexpired(now))
        return queryset


class GiftCardSearchHandler(BaseSearchHandler):
    """By recipient email, by the last four characters, or by a whole code — never by any other
    part of a code, so the search cannot be used to read codes out a few characters at a time."""

    def search_queryset(self, queryset: QuerySet[GiftCard], search_term: str, **kwargs: Any) -> QuerySet[GiftCard]:
        return gift_cards_search(queryset, search_term)


# Forms -----------------------------------------------------------------------------------------


class _ExpiryField(forms.DateTimeField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            required=False, label="Expires", widget=AdminDateTimeInput, help_text="Empty: never expires.", **kwargs
        )


class GiftCardIssueForm(forms.Form):
    store = forms.ModelChoiceField(queryset=Store.objects.order_by("name"))
    value = forms.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal("0.01"), help_text="In the store's currency."
    )
    expires_at = _ExpiryField()
    recipient_email = forms.EmailField(required=False, help_text="The code is emailed here.")
    customer_email = forms.EmailField(
        required=False, label="Customer account", help_text="Email of an existing customer account that owns the card."
    )

    def clean_customer_email(self) -> Any:
        email = self.cleaned_data["customer_email"]
        if not email:
            return None
        customer = get_user_model().objects.filter(email__iexact=email).first()
        if customer is None:
            raise forms.ValidationError("No customer account has that email.")
        return customer


class GiftCardBulkIssueForm(forms.Form):
    store = forms.ModelChoiceField(queryset=Store.objects.order_by("name"))
    count = forms.IntegerField(label="Number of cards", min_value=1, max_value=BULK_MAX)
    value = forms.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal("0.01"), help_text="Each card, in the store's currency."
    )
    expires_at = _ExpiryField()


class GiftCardAdjustForm(forms.Form):
    amount = forms.DecimalField(
        max_digits=12, decimal_places=2, help_text="Positive adds to the balance, negative takes from it."
    )
    reason = forms.CharField(max_length=300, widget=forms.Textarea(attrs={"rows": 3}), help_text="Kept in the ledger.")


# Views -----------------------------------------------------------------------------------------


class GiftCardIndexView(LenientIndexView):
    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user = self.request.user
        return super().get_context_data(
            user_can_issue=self.permission_helper.user_can_issue(user),
            issue_url=self.url_helper.get_action_url("issue"),
            issue_bulk_url=self.url_helper.get_action_url("issue_bulk"),
            **kwargs,
        )


class GiftCardInspectView(InspectView):
    """The card (masked), its balance and the ledger, with an "Adjust balance" action."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        card = self.instance
        return super().get_context_data(
            card=card,
            initial_value=Money(card.initial_value, card.currency),
            balance=Money(card.balance, card.currency),
            expired=card.is_expired(),
            recipient=gift_card_recipient(card),
            ledger=[
                (row, Money(row.amount, card.currency), Money(row.balance_after, card.currency))
                for row in gift_card_ledger(card)
            ],
            adjust_url=(
                self.url_helper.get_action_url("adjust", self.pk_quoted)
                if self.permission_helper.user_can_adjust(self.request.user)
                else ""
            ),
            set_active_url=(
                self.url_helper.get_action_url("set_active", self.pk_quoted)
                if self.permission_helper.user_can_adjust(self.request.user)
                else ""
            ),
            **kwargs,
        )


class _ServiceFormMixin:
    """A form whose valid submission calls a service; a CommerceError becomes a form error."""

    template_name = "promotions/admin/gift_card_form.html"
    submit_label = "Save"
    intro = ""

    def form_valid(self, form: forms.Form) -> HttpResponse:
        try:
            return self.perform(form)
        except CommerceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
            return self.form_invalid(form)

    def perform(self, form: forms.Form) -> HttpResponse:
        raise NotImplementedError

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(submit_label=self.submit_label, intro=self.intro, **kwargs)


class GiftCardIssueView(StoreScopedFormMixin, _ServiceFormMixin, WMABaseView, FormView):
    page_title = "Issue gift card"
    form_class = GiftCardIssueForm
    submit_label = "Issue gift card"
    intro = "The full code is shown once, after issuing, and emailed to the recipient or customer."

    def check_action_permitted(self, user: Any) -> bool:
        return self.permission_helper.user_can_issue(user)

    def perform(self, form: forms.Form) -> HttpResponse:
        data = form.cleaned_data
        store: Store = data["store"]
        card, emailed_to = gift_card_issue_by_staff(
            store=store,
            value=Money(data["value"], store.currency),
            expires_at=data["expires_at"],
            customer=data["customer_email"],
            recipient_email=data["recipient_email"],
            actor=self.request.user,
        )
        emailed = f" It is being emailed to {emailed_to}." if emailed_to else ""
        messages.success(
            self.request,
            f"Issued a {Money(card.initial_value, card.currency)} gift card with the code "
            f"{gift_card_format(card.code)}. Copy it now: the full code is not shown again.{emailed}",
        )
        return redirect(self.url_helper.get_action_url("inspect", card.pk))


class GiftCardBulkIssueView(StoreScopedFormMixin, _ServiceFormMixin, WMABaseView, FormView):
    page_title = "Issue gift cards in bulk"
    form_class = GiftCardBulkIssueForm
    submit_label = "Issue and download CSV"
    intro = (
        f"Issues up to {BULK_MAX} cards and downloads their codes as a CSV file. "
        "This download is the only time the codes are shown in full: keep the file safe."
    )

    def check_action_permitted(self, user: Any) -> bool:
        return self.permission_helper.user_can_issue(user)

    def perform(self, form: forms.Form) -> HttpResponse:
        data = form.cleaned_data
        store: Store = data["store"]
        cards = gift_cards_issue_bulk(
            store=store,
            value=Money(data["value"], store.currency),
            count=data["count"],
            expires_at=data["expires_at"],
            actor=self.request.user,
        )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="gift-cards-store{store.pk}-{stamp}.csv"'
        response["Cache-Control"] = "no-store"
        writer = csv.writer(response)
        writer.writerow(["code", "value", "currency", "expires_at"])
        for card in cards:
            expires = card.expires_at.isoformat() if card.expires_at else ""
            writer.writerow([gift_card_format(card.code), card.initial_value, card.currency, expires])
        return response


class GiftCardAdjustView(_ServiceFormMixin, InstanceSpecificView, FormView):
    form_class = GiftCardAdjustForm
    submit_label = "Adjust balance"

    def check_action_permitted(self, user: Any) -> bool:
        return self.permission_helper.user_can_adjust(user)

    def get_page_title(self) -> str:
        return "Adjust balance"

    @cached_property
    def intro(self) -> str:  # type: ignore[override]
        card = self.instance
        return f"{card.masked_code} in {card.store.name}: the balance is {Money(card.balance, card.currency)}."

    def perform(self, form: forms.Form) -> HttpResponse:
        card = self.instance
        row = gift_card_adjust(
            gift_card=card,
            amount=Money(form.cleaned_data["amount"], card.currency),
            reason=form.cleaned_data["reason"],
            actor=self.request.user,
        )
        messages.success(
            self.request,
            f"Adjusted {card.masked_code} by {Money(row.amount, card.currency)}; "
            f"the balance is now {Money(row.balance_after, card.currency)}.",
        )
        return redirect(self.url_helper.get_action_url("inspect", self.pk_quoted))


class GiftCardSetActiveView(InstanceSpecificView):
    """POST only: disable or enable the card (``gift_card_set_active``), then back to its page."""

    http_method_names = ["post"]

    def check_action_permitted(self, user: Any) -> bool:
        return self.permission_helper.user_can_adjust(user)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        active = request.POST.get("active") == "1"
        card = gift_card_set_active(gift_card=self.instance, active=active)
        state = "enabled: it can pay again" if active else "disabled: it cannot pay until enabled again"
        messages.success(request, f"Gift card {card.masked_code} {state}.")
        return redirect(self.url_helper.get_action_url("inspect", self.pk_quoted))


# The ModelAdmin: configuration only -----------------------------------------------------------


class GiftCardAdmin(ViewOnlyModelAdmin):
    model = GiftCard
    menu_label = "Gift cards"
    menu_icon = "tag"
    menu_order = 30
    permission_helper_class = GiftCardPermissionHelper
    index_view_class = GiftCardIndexView
    index_template_name = "promotions/admin/gift_card_index.html"
    inspect_view_class = GiftCardInspectView
    inspect_template_name = "promotions/admin/gift_card_inspect.html"
    inspect_view_fields = ["store", "currency", "expires_at", "is_active", "created_at"]  # never the code
    list_display = ("masked", "store", "currency", "initial", "current_balance", "expires_at", "owner", "is_active")
    list_filter = (("store", StoreFilter), "is_active", ExpiredFilter)
    search_handler_class = GiftCardSearchHandler
    search_fields = ("recipient_email",)  # shows the search box; GiftCardSearchHandler decides the rest
    ordering = ("-created_at", "-pk")
    list_per_page = 50

    def get_queryset(self, request: HttpRequest) -> QuerySet[GiftCard]:
        return scope_queryset(super().get_queryset(request).select_related("store", "customer"), request.user)

    def masked(self, card: GiftCard) -> str:
        return card.masked_code

    masked.short_description = "Code"  # type: ignore[attr-defined]

    def initial(self, card: GiftCard) -> str:
        return str(Money(card.initial_value, card.currency))

    initial.short_description = "Initial value"  # type: ignore[attr-defined]
    initial.admin_order_field = "initial_value"  # type: ignore[attr-defined]

    def current_balance(self, card: GiftCard) -> str:
        return str(Money(card.balance, card.currency))

    current_balance.short_description = "Balance"  # type: ignore[attr-defined]
    current_balance.admin_order_field = "balance"  # type: ignore[attr-defined]

    def owner(self, card: GiftCard) -> str:
        return card.customer.email if card.customer_id else card.recipient_email

    owner.short_description = "Customer / recipient"  # type: ignore[attr-defined]

    def issue_view(self, request: HttpRequest) -> HttpResponse:
        return GiftCardIssueView.as_view(model_admin=self)(request)

    def issue_bulk_view(self, request: HttpRequest) -> HttpResponse:
        return GiftCardBulkIssueView.as_view(model_admin=self)(request)

    def adjust_view(self, request: HttpRequest, instance_pk: str) -> HttpResponse:
        self.check_object_in_scope(request, instance_pk)
        return GiftCardAdjustView.as_view(model_admin=self, instance_pk=instance_pk)(request)

    def set_active_view(self, request: HttpRequest, instance_pk: str) -> HttpResponse:
        self.check_object_in_scope(request, instance_pk)
        return GiftCardSetActiveView.as_view(model_admin=self, instance_pk=instance_pk)(request)

    def get_admin_urls_for_registration(self) -> tuple[URLPattern, ...]:
        base, name = self.url_helper.base_url_path, self.url_helper.get_action_url_name
        return (
            *super().get_admin_urls_for_registration(),
            re_path(rf"^{base}/issue/$", self.issue_view, name=name("issue")),
            re_path(rf"^{base}/issue-bulk/$", self.issue_bulk_view, name=name("issue_bulk")),
            re_path(self.url_helper.get_action_url_pattern("adjust"), self.adjust_view, name=name("adjust")),
            re_path(
                self.url_helper.get_action_url_pattern("set_active"), self.set_active_view, name=name("set_active")
            ),
        )


def gift_card_admin_url(action: str, *args: Any) -> str:
    """The admin URL of one of the gift card screens (``index``, ``inspect``, ``issue``, ...)."""
    return reverse(f"promotions_giftcard_modeladmin_{action}", args=args)


def register_gift_card_admin() -> ModelAdmin:
    """Called once from wagtail_hooks.py: the gift cards screen, in the Sales menu."""
    return _register_in_sales_menu(GiftCardAdmin)
