from __future__ import annotations

from django import forms
from django_countries import countries as countries_registry

from commerce.core.addresses import PostalAddress


class ContactForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text="We send your order confirmation here.",
    )


class AddressForm(forms.Form):
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
    city = forms.CharField(max_length=100, widget=forms.TextInput(attrs={"autocomplete": "address-level2"}))
    region = forms.CharField(
        label="State / region",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-level1"}),
    )
    postal_code = forms.CharField(max_length=20, widget=forms.TextInput(attrs={"autocomplete": "postal-code"}))
    country = forms.ChoiceField(widget=forms.Select(attrs={"autocomplete": "country"}))
    phone = forms.CharField(
        max_length=40, required=False, widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"})
    )

    def __init__(self, *args, countries: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [(code, countries_registry.name(code) or code) for code in countries]

    def address(self) -> PostalAddress:
        data = {name: value.strip() if isinstance(value, str) else value for name, value in self.cleaned_data.items()}
        return PostalAddress(**data)


class ShippingMethodForm(forms.Form):
    shipping_method = forms.ChoiceField(widget=forms.RadioSelect, label="Shipping method")

    def __init__(self, *args, rates, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["shipping_method"].choices = [
            (rate.code, f"{rate.name} — {rate.price}" + (f" ({rate.estimated_days})" if rate.estimated_days else ""))
            for rate in rates
        ]
