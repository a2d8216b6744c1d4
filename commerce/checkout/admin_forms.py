"""Forms of the order screen's actions. They read input; the services in ``order_actions`` decide."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django import forms

from commerce.core.money import Money
from commerce.orders.models import Order
from commerce.payments.refunds import RefundLineRequest

from .order_actions import TO_CARD, TO_GIFT_CARD


class RefundForm(forms.Form):
    to = forms.ChoiceField(
        label="Refund to", choices=[(TO_CARD, "The card paid with"), (TO_GIFT_CARD, "A gift card (store credit)")]
    )
    amount = forms.DecimalField(
        label="Amount",
        required=False,
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
        help_text="Leave empty to refund the lines chosen below (or, with none chosen, everything left on the card).",
    )
    reason = forms.CharField(label="Reason", required=False, max_length=300)
    # A one-time token made when the form is shown: submitting the same form twice refunds once.
    request_key = forms.CharField(widget=forms.HiddenInput, max_length=40)

    def __init__(self, *args: Any, order: Order, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order = order
        self.fields["request_key"].initial = uuid.uuid4().hex
        self.line_fields: list[tuple[Any, str, str]] = []
        for line in order.lines.all():
            left = line.quantity - line.quantity_refunded
            if left <= 0:
                continue
            quantity, restock = f"quantity_{line.pk}", f"restock_{line.pk}"
            self.fields[quantity] = forms.IntegerField(
                label=f"{line.product_title} ({line.sku}): quantity to refund",
                required=False,
                min_value=0,
                max_value=left,
                help_text=f"Up to {left}.",
            )
            self.fields[restock] = forms.BooleanField(label="Put back in stock", required=False)
            self.line_fields.append((line, quantity, restock))

    def refund_lines(self) -> list[RefundLineRequest]:
        return [
            RefundLineRequest(line.pk, self.cleaned_data[quantity], restock=bool(self.cleaned_data[restock]))
            for line, quantity, restock in self.line_fields
            if self.cleaned_data.get(quantity)
        ]

    def refund_amount(self) -> Money | None:
        amount = self.cleaned_data.get("amount")
        return None if amount is None else self.order.money(amount)


class NoteForm(forms.Form):
    note = forms.CharField(label="Internal note", max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
