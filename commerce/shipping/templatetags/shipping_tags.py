"""Shipping on other apps' pages: the order screen's labels panel and the customer's tracking."""

from __future__ import annotations

from django import template

from commerce.orders.models import Order

from ..selectors import order_shipping_panel, order_tracking

register = template.Library()


@register.inclusion_tag("shipping/admin/order_shipping.html", takes_context=True)
def order_labels_panel(context, order: Order) -> dict:
    """Reuses the order screen's own fulfilments and returns when it has them (one query: labels)."""
    user = context["request"].user
    panel = order_shipping_panel(order=order, fulfilments=context.get("fulfilments"), returns=context.get("returns"))
    return {"order": order, "panel": panel, "can_label": user.has_perm("orders.add_fulfilment")}


@register.inclusion_tag("shipping/includes/order_tracking.html")
def order_tracking_panel(order: Order) -> dict:
    return {"order": order, "parcels": order_tracking(order=order)}
