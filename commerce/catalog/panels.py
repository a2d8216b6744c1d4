"""The product editor's read-only stock panel: each saved variant's stock per location, with a link
to adjust it in the Inventory screen. Stock is never a field of the page (nor of its revisions)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.urls import NoReverseMatch, reverse
from wagtail.admin.panels import Panel


class StockPanel(Panel):
    class BoundPanel(Panel.BoundPanel):
        template_name = "catalog/admin/stock_panel.html"

        def get_context_data(self, parent_context: Any = None) -> dict[str, Any]:
            context = super().get_context_data(parent_context)
            context["variants"] = variant_stock_rows(product_id=self.instance.pk) if self.instance.pk else []
            return context


def variant_stock_rows(*, product_id: int) -> list[dict[str, Any]]:
    """Each variant of the product with its levels (two queries, whatever the number of locations)."""
    from .models import ProductVariant  # models declare this panel

    levels = ProductVariant._meta.get_field("stock_levels").related_model.objects.select_related("location")
    variants = (
        ProductVariant.objects.filter(product_id=product_id)
        .order_by("sort_order", "pk")
        .prefetch_related(Prefetch("stock_levels", queryset=levels.order_by("-location__priority", "location__name")))
    )
    rows = []
    for variant in variants:
        try:
            adjust_url = reverse("inventory:adjust", args=[variant.pk])
        except NoReverseMatch:  # the inventory screen is not installed
            adjust_url = ""
        rows.append({"variant": variant, "levels": list(variant.stock_levels.all()), "adjust_url": adjust_url})
    return rows
