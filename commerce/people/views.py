"""The emailed staff invitation link: GET shows the password form (and writes nothing), POST
accepts once and signs the new member of staff in to the admin. Throttled like every other door
a guesser knocks on."""

from __future__ import annotations

from django import forms
from django.contrib.auth import login
from django.contrib.auth.forms import SetPasswordMixin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from commerce.accounts.invitations import InvitationInvalid, invitation_accept, invitation_for_token
from commerce.core.throttle import throttled


class InvitationAcceptForm(SetPasswordMixin, forms.Form):
    first_name = forms.CharField(max_length=150, widget=forms.TextInput(attrs={"autocomplete": "given-name"}))
    last_name = forms.CharField(
        max_length=150, required=False, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    password1, password2 = SetPasswordMixin.create_password_fields(label1="Password", label2="Confirm password")

    def clean(self) -> dict:
        self.validate_passwords("password1", "password2")
        return super().clean()


@never_cache
@require_http_methods(["GET", "POST"])
@throttled("staff_invitation", methods=("GET", "POST"))
def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = invitation_for_token(token)
    except InvitationInvalid as error:
        return render(request, "people/invitation_invalid.html", {"error": error}, status=410)
    form = InvitationAcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitation_accept(
                token=token,
                password=form.cleaned_data["password1"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
            )
        except InvitationInvalid as error:
            return render(request, "people/invitation_invalid.html", {"error": error}, status=410)
        except ValidationError as error:
            # a password the validators reject, or a missing name: shown on the form
            errors = error.message_dict if hasattr(error, "error_dict") else {"password2": error.messages}
            for field, messages in errors.items():
                for message in messages:
                    form.add_error(field if field in form.fields else None, message)
        else:
            login(request, user, backend="commerce.accounts.backends.EmailBackend")
            return redirect("wagtailadmin_home")
    status = 400 if request.method == "POST" else 200
    return render(request, "people/invitation_accept.html", {"form": form, "invitation": invitation}, status=status)
