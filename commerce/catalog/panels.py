"""The product editor's read-only stock panel: each saved variant's stock per location, with a link
to adjust it in the Inventory screen. Stock is never a field of the page (nor of its revisions)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.urls import NoReverseMatch, reverse
from wagtail.admin.panels import FieldPanel, Panel


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


class VariantBuilderPanel(Panel):
    """Name the options' values (S, M, L; Black, Stone), choose a SKU pattern and a price, and
    generate a variant row for every combination not yet in the table below. The rows come from
    ``/admin/products/variant-builder/`` (``variant_builder.py``) and are filled into Wagtail's own
    variants formset by ``catalog/variant_builder.js`` (a static file: no inline script)."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "catalog/admin/variant_builder_panel.html"

        class Media:
            js = ["catalog/variant_builder.js"]
            css = {"all": ["catalog/admin.css"]}

        def get_context_data(self, parent_context: Any = None) -> dict[str, Any]:
            from .variant_builder import DEFAULT_PATTERN

            context = super().get_context_data(parent_context)
            if self.instance.pk:
                query = f"page={self.instance.pk}"
            else:
                parent = getattr(self.form, "parent_page", None)
                query = f"parent={parent.pk}" if parent is not None else ""
            context["endpoint"] = f"{reverse('products:variant_builder')}?{query}"
            context["default_pattern"] = DEFAULT_PATTERN
            values = self._existing_values() if self.instance.pk else ("", "")
            context["option1_values"], context["option2_values"] = values
            return context

        def _existing_values(self) -> tuple[str, str]:
            """The option values the product's variants already use, in their order."""
            first: dict[str, None] = {}
            second: dict[str, None] = {}
            for variant in self.instance.variants.all():
                if variant.option1_value:
                    first[variant.option1_value] = None
                if variant.option2_value:
                    second[variant.option2_value] = None
            return ", ".join(first), ", ".join(second)


class ProductChooserPanel(FieldPanel):
    """A product field chosen with the product chooser (thumbnails, price, stock, the right store;
    ``product_chooser.py``), resolved when the form is built: the models declare this panel."""

    def get_form_options(self) -> dict[str, Any]:
        from .product_chooser import ProductChooserWidget

        options = super().get_form_options()
        options["widgets"] = {self.field_name: ProductChooserWidget}
        return options
