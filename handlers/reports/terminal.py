"""The reports in the terminal: rich tables, the same tables the workbook holds."""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table as RichTable
from rich.text import Text

from handlers.reports import wording as words
from handlers.reports.figures import Report, ReportSet
from handlers.reports.tables import NUMERIC, Cell, Table, comparison_table, display, heading, report_tables


def render(report: Report, console: Console, names: dict[str, str] | None = None) -> None:
    tz = report.period.tz
    console.print(Text(heading(report), style="bold"))
    console.print(Text(f"统计截至 {report.as_of.astimezone(tz):%Y-%m-%d %H:%M}，"
                       f"计算于 {report.computed_at.astimezone(tz):%Y-%m-%d %H:%M}", style="dim"))
    for table in report_tables(report, names):
        console.print(_rich_table(table, report))


def render_company(reports: ReportSet, console: Console) -> None:
    """The company's tables (its lists with a 小区 column), then the estates side by side."""
    render(reports.company, console, {report.estate or "": report.estate_name for report in reports.estates})
    console.print(_rich_table(comparison_table(reports), reports.company))
    console.print(Text(words.ONE_ESTATE_HINT, style="dim"))


def _rich_table(table: Table, report: Report) -> RichTable:
    tz = report.period.tz
    shown = table.rows if table.terminal_rows is None else table.rows[:table.terminal_rows]
    hidden = len(table.rows) - len(shown)
    caption = f"另有 {hidden} 行未列出，完整名单请用 --out 导出 Excel" if hidden else None
    rich = RichTable(title=Text(table.title, style="bold"), title_justify="left", box=box.SIMPLE_HEAD,
                     caption=caption, caption_justify="left")
    for column in table.columns:
        numeric = column.kind in NUMERIC
        rich.add_column(Text(column.header), justify="right" if numeric else "left",
                        overflow="ellipsis" if numeric else "fold")
    for index, row in enumerate(shown):
        cells = []
        for column, value in zip(table.columns, row, strict=True):
            kind = value.kind if isinstance(value, Cell) else column.kind
            cells.append(Text(display(value, kind, tz), justify="right" if kind in NUMERIC else "left"))
        is_totals = table.totals and index == len(table.rows) - 1
        rich.add_row(*cells, style="bold" if is_totals else None, end_section=is_totals)
    if not table.rows:
        rich.add_row(*(Text("—" if i == 0 else "") for i in range(len(table.columns))))
    return rich
