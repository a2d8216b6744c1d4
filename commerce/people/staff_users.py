"""Wagtail's Users screen, made to agree with Magpie about who is staff.

Wagtail's own user form never sets ``is_staff``, so a user given the Manager group there could
sign in to the admin yet count as a customer to row-level security. These forms end every save
in ``staff_access_apply``: a staff role makes the user staff (and removing every staff role
unmakes them), and owners choose the stores the person acts for on the same form.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import transaction
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views.users import CreateView, EditView, UserViewSet

from commerce.accounts.models import User
from commerce.accounts.staff import staff_access_apply, staff_access_snapshot, staff_store_choice
from commerce.stores.admin_scope import scope_queryset
from commerce.stores.models import Store
from commerce.stores.staff_scope import staff_store_ids

STORES_PERMISSION = "accounts.invite_staff"


class StaffStoresFormMixin(forms.Form):
    stores = forms.ModelMultipleChoiceField(
        queryset=Store.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Stores",
        help_text="The stores this member of staff acts for. None ticked: every store.",
    )

    def __init__(self, *args: Any, for_user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.for_user = for_user
        self.before = staff_access_snapshot(self.instance)
        if for_user is not None and for_user.has_perm(STORES_PERMISSION):
            self.fields["stores"].queryset = scope_queryset(Store.objects.order_by("name"), for_user)
            if self.instance.pk and self.instance.is_staff:
                self.initial["stores"] = staff_store_choice(self.instance) or []
        else:
            del self.fields["stores"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if "stores" in self.fields and not data.get("stores") and staff_store_ids(self.for_user) is not None:
            # "none ticked" means every store: more than an owner limited to some stores may give
            self.add_error("stores", "Choose at least one of your stores.")
        return data

    def chosen_store_ids(self) -> list[int]:
        """The stores ticked, plus those the person already had outside the editor's own stores
        (an owner limited to some stores cannot see them, so cannot have meant to remove them)."""
        chosen = {store.pk for store in self.cleaned_data.get("stores") or ()}
        editor_scope = staff_store_ids(self.for_user)
        previous = self.before.get("stores") if self.before.get("is_staff") else []
        if editor_scope is not None and previous:
            chosen |= {pk for pk in previous if pk not in editor_scope}
        return sorted(chosen)

    @transaction.atomic
    def save(self, commit: bool = True) -> User:
        user = super().save(commit=commit)
        if commit:
            can_choose = "stores" in self.fields
            staff_access_apply(
                user=user,
                actor=self.for_user,
                store_ids=self.chosen_store_ids() if can_choose else None,
                keep_stores=not can_choose,
                before=self.before,
            )
        return user


class StaffUserCreationForm(StaffStoresFormMixin, UserCreationForm):
    pass


class StaffUserEditForm(StaffStoresFormMixin, UserEditForm):
    pass


class _ForUserMixin:
    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "for_user": self.request.user}


class StaffUserCreateView(_ForUserMixin, CreateView):
    pass


class StaffUserEditView(_ForUserMixin, EditView):
    pass


class StaffUserViewSet(UserViewSet):
    add_view_class = StaffUserCreateView
    edit_view_class = StaffUserEditView
    create_template_name = "people/users/create.html"
    edit_template_name = "people/users/edit.html"

    def get_form_class(self, for_update: bool = False) -> type[forms.ModelForm]:
        return StaffUserEditForm if for_update else StaffUserCreationForm
