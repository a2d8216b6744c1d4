"""Forms of the inventory screens: HTTP input only; the services decide and record."""

from __future__ import annotations

from typing import Any

from django import forms

from .models import AdjustmentReason, StockLocation


class AdjustForm(forms.Form):
    """One variant at one location: a change (+/-) or what was counted."""

    MODES = [("delta", "Change on hand by"), ("count", "We counted")]

    location = forms.ModelChoiceField(queryset=StockLocation.objects.none())
    mode = forms.ChoiceField(choices=MODES, initial="delta", widget=forms.RadioSelect)
    quantity = forms.IntegerField(help_text="A change such as 5 or -2; or the number counted.")
    reason = forms.ChoiceField(choices=AdjustmentReason.choices, required=False, help_text="For a change.")
    note = forms.CharField(max_length=255, required=False)

    def __init__(self, *args: Any, locations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = locations

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("mode") == "count" and (data.get("quantity") or 0) < 0:
            self.add_error("quantity", "A count cannot be below 0.")
        if data.get("mode") == "delta":
            if data.get("quantity") == 0:
                self.add_error("quantity", "Change it by at least one unit.")
            if not data.get("reason"):
                self.add_error("reason", "Choose a reason for the change.")
        return data


class BulkAdjustForm(forms.Form):
    """The same change, with one reason, for every selected level."""

    levels = forms.ModelMultipleChoiceField(queryset=None, widget=forms.MultipleHiddenInput)
    delta = forms.IntegerField(help_text="Added to each selected row's on hand (negative to remove).")
    reason = forms.ChoiceField(choices=AdjustmentReason.choices)
    note = forms.CharField(max_length=255, required=False)

    def __init__(self, *args: Any, levels: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["levels"].queryset = levels
        self.fields["levels"].error_messages["required"] = "Select at least one row."

    def clean_delta(self) -> int:
        if self.cleaned_data["delta"] == 0:
            raise forms.ValidationError("Change it by at least one unit.")
        return self.cleaned_data["delta"]


class TransferForm(forms.Form):
    from_location = forms.ModelChoiceField(queryset=StockLocation.objects.none(), label="From")
    to_location = forms.ModelChoiceField(queryset=StockLocation.objects.none(), label="To")
    quantity = forms.IntegerField(min_value=1)
    note = forms.CharField(max_length=255, required=False)

    def __init__(self, *args: Any, locations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["from_location"].queryset = locations
        self.fields["to_location"].queryset = locations


class ImportForm(forms.Form):
    file = forms.FileField(help_text="CSV with a header: sku, location, and count or delta (optional: store).")
    reason = forms.ChoiceField(
        choices=AdjustmentReason.choices, initial=AdjustmentReason.CORRECTION, help_text="For delta rows."
    )
