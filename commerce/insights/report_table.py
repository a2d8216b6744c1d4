"""The table under a report's chart, as plain strings computed once.

Wagtail's ``Table`` renders a small template per cell: a year by day (365 rows × 7 columns, with the
headers and rows' own components) spent about a second there. Here each cell is formatted in Python,
the way Wagtail's ``Column`` shows it (integers unlocalised, everything else localised as a template
would, ``None`` blank) and escaped into one ``<td>`` run per row, so the template loops over rows
only. Headings come from the same ``columns`` as the CSV and XLSX exports: one list of fields."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.formats import localize
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from wagtail.admin.ui.tables import Column


@dataclass(frozen=True)
class ReportTable:
    caption: str
    headings: list[str]
    rows: list[list[str]]  # the cells' text, unescaped

    @property
    def row_cells_html(self) -> list[SafeString]:
        """Each row's cells as ``<td>`` elements, escaped: what the template puts in each ``<tr>``."""
        return [format_html_join("", "<td>{}</td>", ((cell,) for cell in row)) for row in self.rows]


def cell_text(column: Column, row: Any) -> str:
    """What Wagtail's cell template would show for ``column`` of ``row`` (escaped later, by the template)."""
    value = column.get_value(row)
    if value is None:
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return str(localize(value))


def report_table(*, caption: str, columns: Sequence[Column], rows: Sequence[Any]) -> ReportTable:
    return ReportTable(
        caption=caption,
        headings=[str(column.label) for column in columns],
        rows=[[cell_text(column, row) for column in columns] for row in rows],
    )
