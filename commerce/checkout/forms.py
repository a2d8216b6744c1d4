from __future__ import annotations

from django import forms
from django_countries import countries as countries_registry

from commerce.accounts.forms import PostalAddressForm


class ContactForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text="We send your order confirmation here.",
    )


class AddressForm(PostalAddressForm):
    """The shipping address: only countries the store ships to."""

    def __init__(self, *args, countries: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [(code, countries_registry.name(code) or code) for code in countries]


class ShippingMethodForm(forms.Form):
    shipping_method = forms.ChoiceField(widget=forms.RadioSelect, label="Shipping method")

    def __init__(self, *args, rates, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["shipping_method"].choices = [
            (rate.code, f"{rate.name} — {rate.price}" + (f" ({rate.estimated_days})" if rate.estimated_days else ""))
            for rate in rates
        ]
