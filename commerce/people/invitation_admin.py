"""Settings → Staff invitations (Owners): the invitations sent, and a form to invite someone by
email with a role and the stores they will act for. The view reads the form and calls
``staff_invite``; the link is built on ``WAGTAILADMIN_BASE_URL``, never on the request's Host."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from commerce.accounts.invitations import staff_invite
from commerce.accounts.models import StaffInvitation
from commerce.accounts.staff import staff_groups
from commerce.core.exceptions import CommerceError
from commerce.stores.admin_scope import scope_queryset
from commerce.stores.models import Store
from commerce.stores.staff_scope import staff_store_ids

INVITE_STAFF = "accounts.invite_staff"


class StaffInviteForm(forms.Form):
    email = forms.EmailField(label="Email")
    role = forms.ModelChoiceField(queryset=None, label="Role", empty_label=None)
    stores = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The stores they will act for. None ticked: every store.",
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["role"].queryset = staff_groups().order_by("name").distinct()
        self.fields["stores"].queryset = scope_queryset(Store.objects.order_by("name"), user)

    def clean_stores(self) -> Any:
        stores = self.cleaned_data["stores"]
        if not stores and staff_store_ids(self.user) is not None:
            # none ticked means every store: more than an owner limited to some stores may give
            raise forms.ValidationError("Choose at least one of your stores.")
        return stores


class _OwnersOnly(WagtailAdminTemplateMixin):
    header_icon = "mail"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.has_perm(INVITE_STAFF):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class InvitationListView(_OwnersOnly, TemplateView):
    template_name = "people/invitations.html"
    page_title = "Staff invitations"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        invitations = StaffInvitation.objects.select_related("role", "invited_by").prefetch_related("stores")[:200]
        return super().get_context_data(invitations=invitations, now=timezone.now(), **kwargs)

    def get_header_buttons(self) -> list:
        from wagtail.admin.widgets.button import HeaderButton

        return [HeaderButton("Invite staff", url=reverse("people_invitations:add"), icon_name="plus")]


class InvitationCreateView(_OwnersOnly, FormView):
    template_name = "people/invitation_form.html"
    page_title = "Invite staff"

    def get_form(self, form_class: Any = None) -> StaffInviteForm:
        return StaffInviteForm(**self.get_form_kwargs(), user=self.request.user)

    def form_valid(self, form: StaffInviteForm) -> HttpResponse:
        data = form.cleaned_data
        try:
            staff_invite(
                email=data["email"],
                role=data["role"],
                store_ids=[store.pk for store in data["stores"]],
                actor=self.request.user,
                base_url=settings.WAGTAILADMIN_BASE_URL,
            )
        except CommerceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(self.request, f"Invitation sent to {data['email']}.")
        return redirect("people_invitations:index")

    def form_invalid(self, form: StaffInviteForm) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form), status=400)


def invitation_admin_urls() -> list:
    return [
        path("staff-invitations/", InvitationListView.as_view(), name="index"),
        path("staff-invitations/new/", InvitationCreateView.as_view(), name="add"),
    ]
