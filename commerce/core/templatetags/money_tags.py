"""``{{ order.total|money:order.currency }}`` and ``{{ price|money }}``: the one money format in templates."""

from __future__ import annotations

from decimal import Decimal

from django import template

from commerce.core.money import Money
from commerce.core.money_format import format_amount

register = template.Library()


@register.filter
def money(value: Decimal | Money | None, currency: str | None = None) -> str:
    if value is None or value == "":
        return ""
    return format_amount(value, currency)


@register.filter
def money_off(value: Decimal | Money | None, currency: str | None = None) -> str:
    """A deduction (discount, gift card) with a true minus sign; the stylesheet keeps it on one line."""
    if value is None or value == "":
        return ""
    return "\u2212" + format_amount(value, currency)
