"""The reports as an .xlsx workbook (openpyxl): one sheet per table, Chinese headers, frozen header
row, fitted column widths, money as ¥#,##0.00, rates as percentages, and the charts."""

from __future__ import annotations

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
from handlers.reports.figures import Report
from handlers.reports.tables import COUNT, DAY, MONEY, NUMERIC, RATE, TIME, Cell, Table, display, heading, report_tables

FORMATS = {COUNT: "0", MONEY: "¥#,##0.00", RATE: "0.00%", TIME: "yyyy-mm-dd hh:mm", DAY: "yyyy-mm-dd"}
HEADER_FILL = PatternFill("solid", start_color="DDEBF7")
MIN_WIDTH, MAX_WIDTH = 8, 60
CHART_WIDTH_CM, CHART_HEIGHT_CM = 16, 8


def write_workbook(report: Report, path: Path) -> None:
    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.title = heading(report)
    for table in report_tables(report):
        _sheet(workbook.create_sheet(table.sheet), table, report)
    workbook.save(path)


def _sheet(sheet: Worksheet, table: Table, report: Report) -> None:
    tz = report.period.tz
    sheet.append([column.header for column in table.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")
    widths = [_width(column.header) for column in table.columns]
    for row_index, row in enumerate(table.rows, start=2):
        is_totals = table.totals and row_index == len(table.rows) + 1
        for column_index, (column, value) in enumerate(zip(table.columns, row, strict=True), start=1):
            kind = value.kind if isinstance(value, Cell) else column.kind
            raw = value.value if isinstance(value, Cell) else value
            cell = sheet.cell(row=row_index, column=column_index, value=_excel_value(raw, kind, tz))
            if kind in FORMATS:
                cell.number_format = FORMATS[kind]
            if kind in NUMERIC:
                cell.alignment = Alignment(horizontal="right")
            if is_totals:
                cell.font = Font(bold=True)
            widths[column_index - 1] = max(widths[column_index - 1], _width(display(value, column.kind, tz)))
    sheet.freeze_panes = "A2"
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, MIN_WIDTH), MAX_WIDTH)
        if width > MAX_WIDTH:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    if table.chart is not None and table.data_rows:
        _chart(sheet, table)


def _chart(sheet: Worksheet, table: Table) -> None:
    spec = table.chart
    assert spec is not None
    last = table.data_rows + 1
    labels = Reference(sheet, min_col=spec.labels + 1, min_row=2, max_row=last)
    chart: BarChart | LineChart
    if spec.kind == "line":
        chart = LineChart()
        chart.y_axis.number_format = "0%"
        chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 1
        series = [_plot_column(sheet, table, column) for column in spec.series]
        chart.visible_cells_only = False  # the plotted copy is hidden
    else:
        chart = BarChart()
        chart.type = "col"
        series = [column + 1 for column in spec.series]
    for column in series:
        chart.add_data(Reference(sheet, min_col=column, min_row=1, max_row=last), titles_from_data=True)
    chart.set_categories(labels)
    chart.title = spec.title
    chart.y_axis.title = spec.axis_title
    chart.x_axis.delete = chart.y_axis.delete = False  # show the axes (openpyxl hides them by default)
    chart.display_blanks = "gap"
    chart.width, chart.height = CHART_WIDTH_CM, CHART_HEIGHT_CM
    sheet.add_chart(chart, f"{get_column_letter(len(table.columns) + 3)}2")


def _plot_column(sheet: Worksheet, table: Table, column: int) -> int:
    """A hidden copy of a rate column with blanks for "—": Excel plots text as zero, blanks as gaps."""
    target = sheet.max_column + 1
    sheet.cell(row=1, column=target, value=f"{table.columns[column].header}（图表）")
    for row_index, row in enumerate(table.rows[:table.data_rows], start=2):
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
