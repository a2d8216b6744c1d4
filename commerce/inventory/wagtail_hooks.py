"""Registers the inventory screen and the dashboard panel."""

from __future__ import annotations

from wagtail import hooks

from .admin_views import inventory_viewset
from .panels import LowStockPanel


@hooks.register("register_admin_viewset")
def register_inventory_viewset():
    return inventory_viewset


@hooks.register("construct_homepage_panels")
def add_low_stock_panel(request, panels):
    if request.user.has_perm("inventory.view_stocklevel"):
        panels.append(LowStockPanel(request.user))
