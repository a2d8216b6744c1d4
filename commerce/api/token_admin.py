"""Settings → API tokens (Owners and Managers: ``api.manage_apitoken``).

The list shows the tokens the person may see (their own; with every store, all; limited to some
stores, the tokens limited to stores among theirs); the form issues a token for themselves with
scopes their role allows and some of their stores, and its answer is the only page that ever shows
the secret; revoking asks for confirmation and is a POST. The views read forms and call the
services in ``commerce.api.tokens``, which write Wagtail's audit log.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets import AdminDateTimeInput

from commerce.core.exceptions import CommerceError
from commerce.stores.admin_scope import scope_queryset
from commerce.stores.models import Store
from commerce.stores.staff_scope import staff_store_ids

from .models import MANAGE_API_TOKENS, ApiToken
from .scopes import AREA_LABELS, AREAS, scopes_allowed_for
from .tokens import api_token_issue, api_token_revoke, scope_labels

NO_ACCESS, READ, READ_WRITE = "", "read", "write"
LEVEL_LABELS = {NO_ACCESS: "No access", READ: "Read", READ_WRITE: "Read and write"}


def tokens_visible_to(user: Any) -> QuerySet[ApiToken]:
    """The tokens ``user`` may list and revoke (RLS underneath says the same)."""
    tokens = ApiToken.objects.select_related("owner").prefetch_related("stores")
    store_ids = staff_store_ids(user)
    if store_ids is None:
        return tokens
    outside = Store.objects.exclude(pk__in=store_ids)
    within = tokens.filter(all_stores=False, stores__isnull=False).exclude(stores__in=outside)
    return tokens.filter(Q(owner=user) | Q(pk__in=within.values("pk"))).distinct()


class ApiTokenForm(forms.Form):
    name = forms.CharField(label="Name", max_length=100, help_text="What will use it, e.g. 'ERP sync'.")
    stores = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The stores the token acts for. None ticked: every store you act for.",
    )
    expires_at = forms.DateTimeField(
        label="Expires", required=False, widget=AdminDateTimeInput, help_text="Empty: never expires."
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["stores"].queryset = scope_queryset(Store.objects.order_by("name"), user)
        allowed = set(scopes_allowed_for(user))
        for area in AREAS:
            choices = [(NO_ACCESS, LEVEL_LABELS[NO_ACCESS])]
            if f"{area}:read" in allowed:
                choices.append((READ, LEVEL_LABELS[READ]))
                if f"{area}:write" in allowed:
                    choices.append((READ_WRITE, LEVEL_LABELS[READ_WRITE]))
            self.fields[f"scope_{area}"] = forms.ChoiceField(
                label=AREA_LABELS[area], choices=choices, required=False, initial=NO_ACCESS
            )
        self.order_fields(["name", *(f"scope_{area}" for area in AREAS), "stores", "expires_at"])

    def clean_stores(self) -> Any:
        stores = self.cleaned_data["stores"]
        if not stores and staff_store_ids(self.user) is not None:
            raise forms.ValidationError("Choose at least one of your stores.")
        return stores

    def chosen_scopes(self) -> list[str]:
        scopes: list[str] = []
        for area in AREAS:
            level = self.cleaned_data.get(f"scope_{area}") or NO_ACCESS
            if level in (READ, READ_WRITE):
                scopes.append(f"{area}:read")
            if level == READ_WRITE:
                scopes.append(f"{area}:write")
        return scopes


class _TokenManagersOnly(WagtailAdminTemplateMixin):
    header_icon = "key"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.has_perm(MANAGE_API_TOKENS):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ApiTokenListView(_TokenManagersOnly, TemplateView):
    template_name = "api/tokens.html"
    page_title = "API tokens"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        tokens = list(tokens_visible_to(self.request.user)[:500])
        rows = [(token, scope_labels(token.scopes)) for token in tokens]
        return super().get_context_data(rows=rows, **kwargs)

    def get_header_buttons(self) -> list:
        from wagtail.admin.widgets.button import HeaderButton

        return [HeaderButton("New API token", url=reverse("api_tokens:add"), icon_name="plus")]


class ApiTokenCreateView(_TokenManagersOnly, FormView):
    template_name = "api/token_form.html"
    page_title = "New API token"

    def get_form(self, form_class: Any = None) -> ApiTokenForm:
        return ApiTokenForm(**self.get_form_kwargs(), user=self.request.user)

    def form_valid(self, form: ApiTokenForm) -> HttpResponse:
        data = form.cleaned_data
        try:
            issued = api_token_issue(
                owner=self.request.user,
                name=data["name"],
                scopes=form.chosen_scopes(),
                store_ids=[store.pk for store in data["stores"]] or None,
                expires_at=data["expires_at"],
                actor=self.request.user,
            )
        except CommerceError as error:
            field = error.field if error.field in form.fields else None
            if error.field == "scopes":
                field = None
            form.add_error(field, error.message)
            return self.form_invalid(form)
        # The only page that shows the secret: rendered in answer to the POST, never stored.
        response = self.response_class(
            request=self.request,
            template=["api/token_created.html"],
            context=self.get_context_data(form=None, token=issued.token, secret=issued.secret),
        )
        response["Cache-Control"] = "no-store"
        return response

    def form_invalid(self, form: ApiTokenForm) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ApiTokenRevokeView(_TokenManagersOnly, TemplateView):
    template_name = "api/token_revoke.html"
    page_title = "Revoke API token"

    def get_token(self) -> ApiToken:
        token = tokens_visible_to(self.request.user).filter(pk=self.kwargs["pk"]).first()
        if token is None:
            raise Http404
        return token

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        token = self.get_token()
        return super().get_context_data(token=token, scopes=scope_labels(token.scopes), **kwargs)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        token = api_token_revoke(token=self.get_token(), actor=request.user)
        messages.success(request, f"API token “{token.name}” revoked: it no longer works.")
        return redirect("api_tokens:index")


def token_admin_urls() -> list:
    return [
        path("api-tokens/", ApiTokenListView.as_view(), name="index"),
        path("api-tokens/new/", ApiTokenCreateView.as_view(), name="add"),
        path("api-tokens/<int:pk>/revoke/", ApiTokenRevokeView.as_view(), name="revoke"),
    ]
