"""The Returns report: each currency's returns in the period by step, units returned, what their
refunds paid back and the top reasons; one column definition for the screen, CSV and XLSX."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from wagtail.admin.ui.tables import Column

from .money_reports import MoneyReportView, previous_figures
from .return_figures import ReturnsSummary, returns_summary


@dataclass(frozen=True)
class ReturnsRow:
    currency: str
    requested: int
    approved: int
    received: int
    rejected: int
    refunded: int
    units_returned: int
    refunded_value: Decimal
    top_reasons: str
    name: str = "Refunded on returns"
    previous_refunded_value: Decimal | None = None


def reasons_text(summary: ReturnsSummary) -> str:
    """``Arrived damaged: 3 units; Does not fit: 1 unit`` (the top reasons, most units first)."""
    return "; ".join(f"{r.label}: {r.units} unit{'s' if r.units != 1 else ''}" for r in summary.top_reasons)


class ReturnsReportView(MoneyReportView):
    page_title = "Returns"
    slug = "returns"
    chart_title, chart_value = "Refunded on returns", "refunded_value"
    note = (
        "A return counts in each step on the local day its order's history records it; units and reasons "
        "are those of returns opened in the period (rejected ones left out); the refunded value is what "
        "the refunds of returns refunded in the period paid back."
    )
    columns = [
        Column("currency", label="Currency"),
        Column("requested", label="Requested"),
        Column("approved", label="Approved"),
        Column("received", label="Received"),
        Column("rejected", label="Rejected"),
        Column("refunded", label="Refunded"),
        Column("units_returned", label="Units returned"),
        Column("refunded_value", label="Refunded value"),
        Column("top_reasons", label="Top reasons"),
        Column("previous_refunded_value", label="Refunded value (previous)"),
    ]

    def rows(self) -> list[ReturnsRow]:
        before = previous_figures(self, returns_summary, lambda r: r.currency, "refunded_value")
        return [
            ReturnsRow(
                currency=r.currency,
                requested=r.requested,
                approved=r.approved,
                received=r.received,
                rejected=r.rejected,
                refunded=r.refunded,
                units_returned=r.units_returned,
                refunded_value=r.refunded_value,
                top_reasons=reasons_text(r),
                previous_refunded_value=None if before is None else before.get(r.currency, Decimal("0.00")),
            )
            for r in self.current(returns_summary)
        ]
