"""Forms for the account pages. They validate input; the services in services.py write."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, SetPasswordMixin, UsernameField
from django_countries import countries as countries_registry

from commerce.core.addresses import PostalAddress, postal_address_errors


class EmailAuthenticationForm(AuthenticationForm):
    """Django's log-in form; the username is the email, matched case-insensitively by the manager."""

    username = UsernameField(
        label="Email",
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )


class SignUpForm(SetPasswordMixin, forms.Form):
    email = forms.EmailField(
        label="Email",
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    first_name = forms.CharField(
        label="First name", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        label="Last name",
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    password1, password2 = SetPasswordMixin.create_password_fields(label1="Password", label2="Confirm password")

    def clean_email(self) -> str:
        # Whether the email has an account is never said here (issue 9): the sign-up mails its owner.
        return self.cleaned_data["email"].strip()

    def clean(self) -> dict:
        cleaned_data = super().clean()
        self.validate_passwords()
        # The similarity validator compares the password with the name and email being entered.
        applicant = get_user_model()(
            email=cleaned_data.get("email", ""),
            first_name=cleaned_data.get("first_name", ""),
            last_name=cleaned_data.get("last_name", ""),
        )
        self.validate_password_for_user(applicant, password_field_name="password1")  # noqa: S106 - a field name
        return cleaned_data


class PostalAddressForm(forms.Form):
    """The fields of a postal address, as the address book and the checkout ask for them."""

    full_name = forms.CharField(max_length=120, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    line1 = forms.CharField(
        label="Address line 1", max_length=200, widget=forms.TextInput(attrs={"autocomplete": "address-line1"})
    )
    line2 = forms.CharField(
        label="Address line 2",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-line2"}),
    )
    city = forms.CharField(
        label="Town / city", max_length=100, widget=forms.TextInput(attrs={"autocomplete": "address-level2"})
    )
    region = forms.CharField(
        label="State / region",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-level1"}),
    )
    postal_code = forms.CharField(max_length=20, widget=forms.TextInput(attrs={"autocomplete": "postal-code"}))
    country = forms.ChoiceField(widget=forms.Select(attrs={"autocomplete": "country"}))
    phone = forms.CharField(
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )

    def clean(self) -> dict:
        cleaned_data = super().clean()
        if not self.errors:  # the country's own rules: a state where it has states, its postcode pattern
            for field, message in postal_address_errors(self.address()).items():
                self.add_error(field, message)
        return cleaned_data

    def address(self) -> PostalAddress:
        data = {name: self.cleaned_data[name] for name in PostalAddressForm.base_fields}
        return PostalAddress(**{k: v.strip() if isinstance(v, str) else v for k, v in data.items()})


class AddressForm(PostalAddressForm):
    """An address-book entry: any country, the store's shipping countries listed first."""

    is_default = forms.BooleanField(label="Use as my default address", required=False)

    def __init__(self, *args, shipping_countries: list[str] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = country_choices(first=shipping_countries or [])


def country_choices(*, first: list[str]) -> list[tuple[str, str | list[tuple[str, str]]]]:
    """Every ISO 3166 country; the ones the store ships to come first, in their own group."""
    everything = [(code, name) for code, name in countries_registry]
    shipped = [code for code in dict.fromkeys(first) if code in countries_registry]
    if not shipped:
        return [("", "Choose a country"), *everything]
    return [
        ("", "Choose a country"),
        ("Countries this store ships to", [(code, countries_registry.name(code)) for code in shipped]),
        ("All countries", [(code, name) for code, name in everything if code not in shipped]),
    ]
