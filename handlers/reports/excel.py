"""The reports as an .xlsx workbook (openpyxl): Chinese headers, fitted column widths, money as
¥#,##0.00, rates as percentages, and the charts.

One report (an estate's, or a single-estate deployment's): a sheet per table, header row frozen.
The company's of several estates: a company sheet (the estates side by side, then its tables) and
a sheet per estate, each with its tables one below the other."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from handlers.reports import wording as words
from handlers.reports.figures import Report, ReportSet
from handlers.reports.tables import (
    COUNT,
    DAY,
    MONEY,
    NUMERIC,
    RATE,
    TIME,
    Cell,
    Table,
    comparison_table,
    display,
    heading,
    report_tables,
)

FORMATS = {COUNT: "0", MONEY: "¥#,##0.00", RATE: "0.00%", TIME: "yyyy-mm-dd hh:mm", DAY: "yyyy-mm-dd"}
HEADER_FILL = PatternFill("solid", start_color="DDEBF7")
BOLD, RIGHT = Font(bold=True), Alignment(horizontal="right")  # shared: openpyxl looks each style up once
MIN_WIDTH, MAX_WIDTH = 8, 60
CHART_WIDTH_CM, CHART_HEIGHT_CM = 16, 8
CHART_ROWS = 18  # rows a chart covers, at the default row height
SHEET_NAME_MAX = 31  # Excel's limit
_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def write_workbook(report: Report, path: Path) -> None:
    """One report (the company's of a single-estate deployment, or one estate's): a sheet per table."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.title = heading(report)
    for table in report_tables(report):
        sheet = workbook.create_sheet(table.sheet)
        widths: dict[int, int] = {}
        _table(sheet, table, report, 1, widths, f"{get_column_letter(len(table.columns) + 3)}2")
        sheet.freeze_panes = "A2"
        _fit(sheet, widths)
    workbook.save(path)


def write_company_workbook(reports: ReportSet, path: Path) -> None:
    """The company's sheet (the estates side by side, then the company's tables), then a sheet per
    estate with its tables one below the other; sheet names from the estates' names."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.title = heading(reports.company)
    taken: set[str] = set()
    names = {report.estate or "": report.estate_name for report in reports.estates}
    _stacked(workbook.create_sheet(sheet_name(words.COMPANY_SHEET, taken)), reports.company,
             [comparison_table(reports), *report_tables(reports.company, names)])
    for report in reports.estates:
        _stacked(workbook.create_sheet(sheet_name(report.estate_name or report.estate or "", taken)), report,
                 report_tables(report))
    workbook.save(path)


def sheet_name(name: str, taken: set[str]) -> str:
    """A name Excel accepts: none of []:*?/\\, no quote at either end, 31 characters at most, not
    blank, not History, and unlike the others (Excel compares without case): (2), (3) … when it is."""
    cleaned = (_FORBIDDEN.sub("_", name).strip().strip("'").strip() or "小区")
    if cleaned.lower() == "history":
        cleaned += "_"
    chosen, number = cleaned[:SHEET_NAME_MAX], 1
    while chosen.lower() in taken:
        number += 1
        suffix = f"({number})"
        chosen = cleaned[:SHEET_NAME_MAX - len(suffix)] + suffix
    taken.add(chosen.lower())
    return chosen


def _stacked(sheet: Worksheet, report: Report, tables: list[Table]) -> None:
    """Tables one below the other, each under its title; the charts in a column to their right."""
    sheet.cell(row=1, column=1, value=heading(report)).font = Font(bold=True, size=14)
    widest = max(len(table.columns) for table in tables)
    chart_column = get_column_letter(widest + 4)  # past the hidden copies of plotted rates
    row, chart_row = 3, 3
    widths: dict[int, int] = {}
    for table in tables:
        sheet.cell(row=row, column=1, value=table.title).font = Font(bold=True)
        plotted = _table(sheet, table, report, row + 1, widths, f"{chart_column}{chart_row}", spare=widest + 1)
        chart_row += CHART_ROWS if plotted else 0
        row += len(table.rows) + 3
    _fit(sheet, widths, first_row=4)


def _table(sheet: Worksheet, table: Table, report: Report, header: int, widths: dict[int, int], anchor: str,
           spare: int | None = None) -> bool:
    """The table with its header row at ``header``; True when a chart was added at ``anchor``."""
    tz = report.period.tz
    for index, column in enumerate(table.columns, start=1):
        cell = sheet.cell(row=header, column=index, value=column.header)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")
        widths[index] = max(widths.get(index, 0), _width(column.header))
    for row_index, row in enumerate(table.rows, start=header + 1):
        is_totals = table.totals and row_index == header + len(table.rows)
        for column_index, (column, value) in enumerate(zip(table.columns, row, strict=True), start=1):
            kind = value.kind if isinstance(value, Cell) else column.kind
            raw = value.value if isinstance(value, Cell) else value
            cell = sheet.cell(row=row_index, column=column_index, value=_excel_value(raw, kind, tz))
            if kind in FORMATS:
                cell.number_format = FORMATS[kind]
            if kind in NUMERIC:
                cell.alignment = RIGHT
            if is_totals:
                cell.font = BOLD
            widths[column_index] = max(widths[column_index], _width(display(value, column.kind, tz)))
    if table.chart is None or not table.data_rows:
        return False
    _chart(sheet, table, header, anchor, spare)
    return True


def _fit(sheet: Worksheet, widths: dict[int, int], first_row: int = 2) -> None:
    for index, width in widths.items():
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, MIN_WIDTH), MAX_WIDTH)
        if width > MAX_WIDTH:
            for (cell,) in sheet.iter_rows(min_row=first_row, min_col=index, max_col=index):
                cell.alignment = Alignment(wrap_text=True, vertical="top")


def _chart(sheet: Worksheet, table: Table, header: int, anchor: str, spare: int | None) -> None:
    spec = table.chart
    assert spec is not None
    last = header + table.data_rows
    labels = Reference(sheet, min_col=spec.labels + 1, min_row=header + 1, max_row=last)
    chart: BarChart | LineChart
    if spec.kind == "line":
        chart = LineChart()
        chart.y_axis.number_format = "0%"
        chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 1
        series = [_plot_column(sheet, table, column, header, spare) for column in spec.series]
        chart.visible_cells_only = False  # the plotted copy is hidden
    else:
        chart = BarChart()
        chart.type = "col"
        series = [column + 1 for column in spec.series]
    for column in series:
        chart.add_data(Reference(sheet, min_col=column, min_row=header, max_row=last), titles_from_data=True)
    chart.set_categories(labels)
    chart.title = spec.title
    chart.y_axis.title = spec.axis_title
    chart.x_axis.delete = chart.y_axis.delete = False  # show the axes (openpyxl hides them by default)
    chart.display_blanks = "gap"
    chart.width, chart.height = CHART_WIDTH_CM, CHART_HEIGHT_CM
    sheet.add_chart(chart, anchor)


def _plot_column(sheet: Worksheet, table: Table, column: int, header: int, spare: int | None) -> int:
    """A hidden copy of a rate column with blanks for "—": Excel plots text as zero, blanks as gaps.
    ``spare``: the column to use on a sheet of several tables (past the widest; hidden for all)."""
    target = spare if spare is not None else sheet.max_column + 1
    sheet.cell(row=header, column=target, value=f"{table.columns[column].header}（图表）")
    for row_index, row in enumerate(table.rows[:table.data_rows], start=header + 1):
        value = row[column].value if isinstance(row[column], Cell) else row[column]
        sheet.cell(row=row_index, column=target, value=value).number_format = FORMATS[RATE]
    sheet.column_dimensions[get_column_letter(target)].hidden = True
    return target


def _excel_value(value: Any, kind: str, tz: Any) -> Any:
    if value is None:
        return words.NOTHING if kind == RATE else None
    if isinstance(value, datetime):
        return value.astimezone(tz).replace(tzinfo=None)  # Excel has no time zones: local wall time
    return value


def _width(text: str) -> int:
    """Display width: a Chinese character takes two columns."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
