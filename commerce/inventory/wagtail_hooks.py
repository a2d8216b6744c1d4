"""Registers the inventory screen, stock locations and the dashboard panel."""

from __future__ import annotations

from wagtail import hooks
from wagtail.snippets.models import register_snippet

from .admin_views import inventory_viewset
from .location_admin import StockLocationViewSet
from .panels import LowStockPanel

register_snippet(StockLocationViewSet)


@hooks.register("register_admin_viewset")
def register_inventory_viewset():
    return inventory_viewset


@hooks.register("construct_homepage_panels")
def add_low_stock_panel(request, panels):
    if request.user.has_perm("inventory.view_stocklevel"):
        panels.append(LowStockPanel(request.user))
