"""`wuyebot report weekly|monthly [--period …] [--estate CODE] [--out FILE.xlsx]`: the tables in the
terminal, and a workbook."""

from __future__ import annotations

import asyncio
import sys
from datetime import datetime
from pathlib import Path

from bot.clock import Clock, SystemClock
from bot.settings import Settings
from handlers.reports.figures import Report, ReportSet, UnknownEstate, compute, compute_all, report_estates
from handlers.reports.period import KIND_OF_REPORT, BadPeriod, Period, last_complete, parse_period

WIDE_CONSOLE = 160  # when stdout is not a terminal (a pipe, a file), tables are not squeezed into 80 columns


def run_report_command(kind: str, period: str | None, out: str | None, settings: Settings, *,
                       clock: Clock | None = None, estate: str | None = None) -> int:
    """Print the report of ``period`` (default: the last complete week or month); 2 for a bad period
    or an unknown estate. Without ``estate``, several estates give the company's report and each
    estate's side by side (the workbook: a company sheet and a sheet per estate)."""
    from rich.console import Console

    from handlers.reports.excel import write_company_workbook, write_workbook
    from handlers.reports.terminal import render, render_company

    if kind not in KIND_OF_REPORT:
        print(f"wuyebot: report must be {' or '.join(KIND_OF_REPORT)}", file=sys.stderr)
        return 2
    now = (clock or SystemClock()).now()
    try:
        chosen = (parse_period(period, now, settings.tz, kind=KIND_OF_REPORT[kind]) if period
                  else last_complete(KIND_OF_REPORT[kind], now, settings.tz))
    except BadPeriod as error:
        print(f"wuyebot: {error}", file=sys.stderr)
        return 2
    if out is not None and Path(out).suffix.lower() != ".xlsx":
        print(f"wuyebot: --out {out!r} must name an .xlsx file", file=sys.stderr)
        return 2
    try:
        report = asyncio.run(_compute(settings, chosen, now, estate))
    except UnknownEstate as error:
        print(f"wuyebot: {error}", file=sys.stderr)
        return 2
    console = Console()
    if not console.is_terminal:
        console = Console(width=WIDE_CONSOLE)
    if isinstance(report, ReportSet):
        render_company(report, console)
    else:
        render(report, console)
    if out is not None:
        try:
            if isinstance(report, ReportSet):
                write_company_workbook(report, Path(out))
            else:
                write_workbook(report, Path(out))
        except OSError as error:
            print(f"wuyebot: cannot write {out}: {error.strerror or error}", file=sys.stderr)
            return 1
        console.print(f"已导出 {out}")
    return 0


async def _compute(settings: Settings, period: Period, now: datetime, estate: str | None) -> Report | ReportSet:
    """One estate's report; else the company's and each estate's, or, with one estate only, its report."""
    from bot.storage.db import create_engine, is_sqlite, session_factory

    if is_sqlite(settings.database_url):  # a fresh embedded database gets its schema: an empty report, not a crash
        from models.migrate import upgrade_async

        await upgrade_async(settings.database_url)
    engine = create_engine(settings.database_url)
    try:
        async with session_factory(engine)() as session:
            if estate is not None:
                return await compute(session, period, now, settings, estate=estate)
            if len(await report_estates(session, settings)) > 1:
                return await compute_all(session, period, now, settings)
            return await compute(session, period, now, settings)
    finally:
        await engine.dispose()
