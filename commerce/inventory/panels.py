"""The admin home's panel of low and sold-out variants in the staff member's stores."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from wagtail.admin.ui.components import Component

from .selectors import low_stock_variants


class LowStockPanel(Component):
    name = "low_stock"
    order = 150
    template_name = "inventory/admin/low_stock_panel.html"

    def __init__(self, user: Any) -> None:
        self.user = user

    def get_context_data(self, parent_context: Any = None) -> dict[str, Any]:
        return {
            "rows": low_stock_variants(user=self.user),
            "inventory_url": reverse("inventory:index") + "?low_stock=on",
        }
