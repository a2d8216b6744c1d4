"""``{% order_receipt order as receipt %}``: the receipt's figures for the order pages and emails."""

from __future__ import annotations

from django import template

from commerce.orders.models import Order
from commerce.orders.receipts import Receipt
from commerce.orders.receipts import order_receipt as build_receipt

register = template.Library()


@register.simple_tag
def order_receipt(order: Order) -> Receipt:
    return build_receipt(order)
