"""Inventory reports: variants running low, and what the stock on hand is worth. Stock is a state
now, so these have a store filter and no date range."""

from __future__ import annotations

from decimal import Decimal

from django.utils.safestring import SafeString
from wagtail.admin.ui.tables import Column

from .charts import bar_chart
from .group_reports import per_currency_bars
from .report_filters import StoreFilterSet
from .report_views import MetricReportView
from .stock_metrics import LowStock, StockValue, low_stock, stock_value


class LowStockReportView(MetricReportView):
    page_title = "Low stock"
    slug = "low-stock"
    uses_period = False
    filterset_class = StoreFilterSet
    note = "Active variants at or below their low-stock threshold, sold out first (at most 200)."
    columns = [
        Column("store", label="Store"),
        Column("sku", label="SKU"),
        Column("title", label="Product"),
        Column("label", label="Variant"),
        Column("on_hand", label="On hand"),
        Column("available", label="Available"),
        Column("threshold", label="Threshold"),
    ]

    def rows(self) -> list[LowStock]:
        return low_stock(user=self.request.user, store_ids=self.filters.store_ids(), limit=200)

    def chart(self, rows: list[LowStock]) -> SafeString:
        shown = rows[:20]
        return bar_chart(
            title="Available units of the lowest variants (the first 20)",
            labels=[f"{row.sku} {row.title}" for row in shown],
            values=[Decimal(row.available) for row in shown],
        )


class StockValueReportView(MetricReportView):
    page_title = "Stock value"
    slug = "stock-value"
    uses_period = False
    filterset_class = StoreFilterSet
    note = "Units on hand in every location, valued at each variant's current selling price."
    columns = [
        Column("currency", label="Currency"),
        Column("variants", label="Variants stocked"),
        Column("units_on_hand", label="Units on hand"),
        Column("units_reserved", label="Units reserved by checkouts"),
        Column("retail_value", label="Retail value"),
    ]

    def rows(self) -> list[StockValue]:
        return stock_value(user=self.request.user, store_ids=self.filters.store_ids())

    def chart(self, rows: list[StockValue]) -> SafeString:
        return per_currency_bars(
            rows, title="Retail value of stock", label="currency", value="retail_value", compare=False
        )
