"""The admin home's panel of low and sold-out variants in the staff member's stores.

The rows come from the inventory's own selector (available stock over active locations, as the
inventory screen shows it), read under the metrics' read-only savepoint and statement timeout
like every other dashboard panel: a slow read says so in the panel's box instead of stalling or
breaking the admin home."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from commerce.inventory.selectors import low_stock_variants

from .metrics_scope import metric_query
from .panel_guard import TimeoutGuardedPanel


class LowStockPanel(TimeoutGuardedPanel):
    name = "low_stock"
    heading = "Low and sold-out stock"
    order = 150
    template_name = "inventory/admin/low_stock_panel.html"

    def get_context_data(self, parent_context: Any = None) -> dict[str, Any]:
        with metric_query(user=self.user):
            rows = low_stock_variants(user=self.user)
        return {"rows": rows, "inventory_url": reverse("inventory:index") + "?low_stock=on"}
