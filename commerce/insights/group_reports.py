"""Reports of sales grouped by what was sold and who bought: categories, collections, customers.
Each row carries the comparison period's figure beside its own when the asker compares."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.safestring import SafeString
from wagtail.admin.ui.tables import Column

from .catalog_metrics import GroupSales, top_categories, top_collections
from .charts import bar_chart, charts_join
from .metrics import customer_mix
from .report_filters import PeriodFilterSet
from .report_views import MetricReportView


@dataclass(frozen=True)
class GroupRow:
    currency: str
    name: str
    products: int
    units: int
    revenue: Decimal
    previous_units: int | None = None
    previous_revenue: Decimal | None = None


GROUP_COLUMNS = [
    Column("currency", label="Currency"),
    Column("name", label="Name"),
    Column("products", label="Products sold"),
    Column("units", label="Units sold"),
    Column("revenue", label="Revenue (after discounts)"),
    Column("previous_units", label="Units (previous)"),
    Column("previous_revenue", label="Revenue (previous)"),
]


def per_currency_bars(rows: list[Any], *, title: str, label: str, value: str, compare: bool) -> SafeString:
    """One bar chart per currency (money is never charted across currencies)."""
    return charts_join(
        bar_chart(
            title=f"{title} in {currency}",
            labels=[getattr(row, label) for row in rows if row.currency == currency],
            values=[getattr(row, value) for row in rows if row.currency == currency],
            previous=[getattr(row, f"previous_{value}") or Decimal(0) for row in rows if row.currency == currency]
            if compare
            else None,
        )
        for currency in sorted({row.currency for row in rows})
    )


class GroupReportView(MetricReportView):
    filterset_class = PeriodFilterSet
    columns = GROUP_COLUMNS
    metric: Callable[..., list[GroupSales]]
    noun = ""

    def rows(self) -> list[GroupRow]:
        store_ids, metric = self.filters.store_ids(), type(self).metric
        current = metric(user=self.request.user, period=self.period, store_ids=store_ids, limit=25)
        previous = self.previous()
        before = (
            {
                (row.currency, row.group_id): row
                for row in metric(user=self.request.user, period=previous, store_ids=store_ids, limit=10_000)
            }
            if previous
            else {}
        )
        rows = []
        for row in current:
            other = before.get((row.currency, row.group_id))
            rows.append(
                GroupRow(
                    currency=row.currency,
                    name=row.name,
                    products=row.products,
                    units=row.units,
                    revenue=row.revenue,
                    previous_units=(other.units if other else 0) if previous else None,
                    previous_revenue=(other.revenue if other else Decimal("0.00")) if previous else None,
                )
            )
        return rows

    def chart(self, rows: list[GroupRow]) -> SafeString:
        return per_currency_bars(
            rows, title=f"Revenue by {self.noun}", label="name", value="revenue", compare=self.previous() is not None
        )


class CategoriesReportView(GroupReportView):
    page_title = "Sales by category"
    slug = "categories"
    noun = "category"
    metric = top_categories
    note = "A product in several categories counts in each, so the rows do not add up to the store's sales."


class CollectionsReportView(GroupReportView):
    page_title = "Sales by collection"
    slug = "collections"
    noun = "collection"
    metric = top_collections
    note = "Each collection counts the products it lists today (hand-picked and matched by its rules)."


@dataclass(frozen=True)
class CustomerRow:
    kind: str
    customers: int
    orders: int
    previous_customers: int | None = None
    previous_orders: int | None = None


class CustomersReportView(MetricReportView):
    page_title = "Customers"
    slug = "customers"
    filterset_class = PeriodFilterSet
    note = (
        "New customers placed their first paid order in the store in this period; customers are told apart by "
        "email in each store (an email that bought in two stores counts in each)."
    )
    columns = [
        Column("kind", label="Kind"),
        Column("customers", label="Customers"),
        Column("orders", label="Orders"),
        Column("previous_customers", label="Customers (previous)"),
        Column("previous_orders", label="Orders (previous)"),
    ]

    def rows(self) -> list[CustomerRow]:
        store_ids = self.filters.store_ids()
        mix = customer_mix(user=self.request.user, period=self.period, store_ids=store_ids)
        previous = self.previous()
        before = customer_mix(user=self.request.user, period=previous, store_ids=store_ids) if previous else None
        return [
            CustomerRow(
                kind=kind,
                customers=getattr(mix, f"{attr}_customers"),
                orders=getattr(mix, f"orders_from_{attr}"),
                previous_customers=getattr(before, f"{attr}_customers") if before else None,
                previous_orders=getattr(before, f"orders_from_{attr}") if before else None,
            )
            for kind, attr in (("New", "new"), ("Returning", "returning"))
        ]

    def chart(self, rows: list[CustomerRow]) -> SafeString:
        return bar_chart(
            title="Customers, new and returning",
            labels=[row.kind for row in rows],
            values=[Decimal(row.customers) for row in rows],
            previous=[Decimal(row.previous_customers or 0) for row in rows] if self.previous() else None,
        )
