"""Registers the inventory screen and stock locations (the low-stock dashboard panel is insights'
``stock_panels.LowStockPanel``, guarded by the metrics' timeout)."""

from __future__ import annotations

from wagtail import hooks
from wagtail.snippets.models import register_snippet

from .admin_views import inventory_viewset
from .location_admin import StockLocationViewSet

register_snippet(StockLocationViewSet)


@hooks.register("register_admin_viewset")
def register_inventory_viewset():
    return inventory_viewset
