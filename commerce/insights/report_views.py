"""Reports in the Wagtail admin (Reports menu): Wagtail's ``ReportView`` over rows computed by the
metrics, a server-rendered chart above the table, and CSV/XLSX of exactly the rows shown."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils.safestring import SafeString
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.reports import ReportView
from wagtail.permission_policies import ModelPermissionPolicy

from .charts import bar_chart, charts_join, line_chart
from .metrics import top_products
from .metrics_scope import MetricTimedOut, Period
from .models import ReportAccess
from .report_filters import ReportFilterSet
from .report_table import report_table
from .sales_rows import SalesRow, sales_rows

logger = logging.getLogger(__name__)

TIMED_OUT = "This range took too long to compute; choose a shorter range or fewer stores."
TIMED_OUT_STATUS = 503  # the request was fine; the server could not answer it in time


class ReportAccessPolicy(ModelPermissionPolicy):
    def user_has_permission(self, user: Any, action: str) -> bool:
        return user.is_active and user.has_perm("insights.view_reports")


class MetricReportView(ReportView):
    """A report whose rows are metric dataclasses; subclasses say how to compute and chart them."""

    results_template_name = "insights/report_results.html"
    filterset_class = ReportFilterSet
    permission_policy = ReportAccessPolicy(ReportAccess)
    any_permission_required = ["view"]
    paginate_by = None
    header_icon = "doc-full"

    slug = ""  # the report's URL name under ``insights_reports:``; also the export's file name
    uses_period = True  # False: a state now (stock), no date range
    note = ""  # one sentence under the title: what the figures mean

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """The export is exactly what the table shows: its fields and headings come from ``columns``."""
        super().__init_subclass__(**kwargs)
        if cls.slug:
            cls.index_url_name = f"insights_reports:{cls.slug}"
            cls.index_results_url_name = f"insights_reports:{cls.slug}_results"
            cls.export_filename = cls.slug
        cls.list_export = [column.name for column in cls.columns]
        cls.export_headings = {column.name: column.label for column in cls.columns}

    timed_out = False  # the metrics were cancelled by their statement timeout

    def get_filtered_queryset(self) -> list[Any]:
        self.period: Period | None = self.filters.period() if self.uses_period else None
        try:
            return self.rows()
        except MetricTimedOut:
            logger.warning(
                "report %s timed out (period %s, stores %s)",
                self.page_title,
                self.period,
                self.filters.store_ids(),
                exc_info=True,
            )
            self.timed_out = True
            return []

    def previous(self) -> Period | None:
        """The comparison period when the asker wants one."""
        return self.period.previous() if self.period and self.filters.comparing() else None

    def get_base_queryset(self):  # no queryset: the rows come from the metrics
        return []

    def rows(self) -> list[Any]:
        raise NotImplementedError

    def chart(self, rows: list[Any]) -> SafeString:
        """The chart above the table, as safe HTML (several joined with ``charts_join``)."""
        raise NotImplementedError

    def get_context_data(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(*args, **kwargs)
        rows = context["object_list"]
        context["chart"] = self.chart(rows)
        context["period"] = self.period
        context["report_note"] = self.note
        context["timed_out"] = TIMED_OUT if self.timed_out else ""
        context["report_table"] = report_table(caption=self.page_title, columns=self.columns, rows=rows)
        return context

    def render_to_response(self, context: dict[str, Any], **response_kwargs: Any) -> HttpResponse:
        """A timed-out report: the page with the filters and the message (503), or for an export the
        message as text (an empty file would read as "no sales"). The results fragment the filters
        fetch answers 200, so the admin swaps the message in."""
        if not self.timed_out:
            return super().render_to_response(context, **response_kwargs)
        if self.is_export:
            return HttpResponse(TIMED_OUT, status=TIMED_OUT_STATUS, content_type="text/plain; charset=utf-8")
        if not self.results_only:
            response_kwargs["status"] = TIMED_OUT_STATUS
        return super().render_to_response(context, **response_kwargs)


@dataclass(frozen=True)
class ProductRow:
    currency: str
    title: str
    units: int
    revenue: Decimal


class SalesReportView(MetricReportView):
    page_title = "Sales over time"
    index_url_name = "insights_reports:sales"
    index_results_url_name = "insights_reports:sales_results"
    export_filename = "sales"
    columns = [
        Column("starts_on", label="Period"),
        Column("currency", label="Currency"),
        Column("orders", label="Orders"),
        Column("net_sales", label="Net sales (before refunds)"),
        Column("previous_starts_on", label="Previous period"),
        Column("previous_orders", label="Orders (previous)"),
        Column("previous_net_sales", label="Net sales (previous)"),
    ]

    def rows(self) -> list[SalesRow]:
        return sales_rows(
            user=self.request.user,
            period=self.period,
            interval=self.filters.chosen_interval(),
            store_ids=self.filters.store_ids(),
            compare=self.filters.comparing(),
        )

    def chart(self, rows: list[SalesRow]) -> SafeString:
        currencies = sorted({row.currency for row in rows})
        charts = []
        for currency in currencies:
            mine = [row for row in rows if row.currency == currency]
            charts.append(
                line_chart(
                    title=f"Net sales in {currency}",
                    labels=[str(row.starts_on) for row in mine],
                    current=[row.net_sales for row in mine],
                    previous=[row.previous_net_sales or Decimal(0) for row in mine]
                    if self.filters.comparing()
                    else None,
                )
            )
        return charts_join(charts)


class ProductsReportView(MetricReportView):
    page_title = "Top products"
    index_url_name = "insights_reports:products"
    index_results_url_name = "insights_reports:products_results"
    export_filename = "top-products"
    columns = [
        Column("currency", label="Currency"),
        Column("title", label="Product"),
        Column("units", label="Units sold"),
        Column("revenue", label="Revenue (after discounts)"),
    ]

    def rows(self) -> list[ProductRow]:
        return [
            ProductRow(currency=p.currency, title=p.title, units=p.units, revenue=p.revenue)
            for p in top_products(
                user=self.request.user, period=self.period, store_ids=self.filters.store_ids(), limit=20
            )
        ]

    def chart(self, rows: list[ProductRow]) -> SafeString:
        return charts_join(
            bar_chart(
                title=f"Revenue by product in {currency}",
                labels=[row.title for row in rows if row.currency == currency],
                values=[row.revenue for row in rows if row.currency == currency],
            )
            for currency in sorted({row.currency for row in rows})
        )
