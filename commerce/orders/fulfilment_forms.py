"""Forms of the fulfil, ship and return screens. They read input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms

from commerce.inventory.models import StockLocation

from .fulfilment import FulfilLine, fulfilment_default_location
from .models import Order, ReturnReason, ReturnRequest
from .returns import ReturnLineRequest, returnable_quantities


def _title(line: Any) -> str:
    return f"{line.product_title} ({line.variant_label})" if line.variant_label else line.product_title


class TrackingFields(forms.Form):
    carrier = forms.CharField(label="Carrier", required=False, max_length=60, help_text="e.g. USPS, UPS, FedEx, DHL.")
    tracking_number = forms.CharField(label="Tracking number", required=False, max_length=100)
    tracking_url = forms.URLField(
        label="Tracking page",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="Filled in for USPS, UPS, FedEx and DHL when left empty.",
    )


class FulfilForm(TrackingFields):
    location = forms.ModelChoiceField(label="Ship from", queryset=StockLocation.objects.none(), empty_label=None)
    ship_now = forms.BooleanField(label="Mark as shipped now (emails the customer)", required=False, initial=True)

    def __init__(self, *args: Any, order: Order, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order = order
        self.fields["location"].queryset = StockLocation.objects.filter(store_id=order.store_id, is_active=True)
        default = fulfilment_default_location(order=order)
        self.fields["location"].initial = default.pk if default else None
        self.fields["location"].help_text = "Defaults to where the stock was reserved."
        self.line_fields: list[tuple[Any, str]] = []
        for line in order.lines.all():
            left = line.quantity_to_fulfil
            if left <= 0:
                continue
            name = f"quantity_{line.pk}"
            self.fields[name] = forms.IntegerField(
                label=f"{_title(line)} — {line.sku}",
                min_value=0,
                max_value=left,
                initial=left,
                help_text=f"Up to {left}.",
            )
            self.line_fields.append((line, name))

    def fulfil_lines(self) -> list[FulfilLine]:
        return [
            FulfilLine(line.pk, self.cleaned_data[name])
            for line, name in self.line_fields
            if self.cleaned_data.get(name)
        ]


class ShipForm(TrackingFields):
    pass


class ReturnForm(forms.Form):
    """Shipped units to return, with a reason each; the customer's page and the staff screen share it."""

    note = forms.CharField(
        label="Anything to add?", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, order: Order, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        returnable = returnable_quantities(order=order)
        self.line_fields: list[tuple[Any, str, str]] = []
        for line in order.lines.all():
            left = returnable.get(line.pk, 0)
            if left <= 0:
                continue
            quantity, reason = f"quantity_{line.pk}", f"reason_{line.pk}"
            self.fields[quantity] = forms.IntegerField(
                label=f"{_title(line)}: how many to return",
                required=False,
                min_value=0,
                max_value=left,
                initial=0,
                help_text=f"Up to {left}.",
            )
            self.fields[reason] = forms.ChoiceField(
                label="Reason", required=False, choices=[("", "Choose a reason"), *ReturnReason.choices]
            )
            self.line_fields.append((line, quantity, reason))
        self.fields["note"] = self.fields.pop("note")  # after the items

    @property
    def has_lines(self) -> bool:
        return bool(self.line_fields)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for _line, quantity, reason in self.line_fields:
            if data.get(quantity) and not data.get(reason):
                self.add_error(reason, "Choose a reason for this item.")
        if not self.errors and not any(data.get(quantity) for _line, quantity, _reason in self.line_fields):
            raise forms.ValidationError("Choose at least one item to return.")
        return data

    def return_lines(self) -> list[ReturnLineRequest]:
        return [
            ReturnLineRequest(line.pk, self.cleaned_data[quantity], self.cleaned_data[reason])
            for line, quantity, reason in self.line_fields
            if self.cleaned_data.get(quantity)
        ]


class RejectForm(forms.Form):
    reason = forms.CharField(label="Why (the customer reads this)", max_length=300)


class ReceiveForm(forms.Form):
    """How many units of each returned line go back on the shelf (the rest are written off)."""

    def __init__(self, *args: Any, return_request: ReturnRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.line_fields: list[tuple[Any, str]] = []
        for line in return_request.lines.select_related("order_line"):
            name = f"restock_{line.pk}"
            self.fields[name] = forms.IntegerField(
                label=f"{line.order_line.product_title} — {line.order_line.sku}: units back in stock",
                min_value=0,
                max_value=line.quantity,
                initial=line.quantity,
                help_text=f"{line.quantity} returned ({line.get_reason_display()}); 0 if they cannot be sold again.",
            )
            self.line_fields.append((line, name))

    def restock(self) -> dict[int, int]:
        return {line.pk: self.cleaned_data[name] for line, name in self.line_fields if self.cleaned_data.get(name)}
