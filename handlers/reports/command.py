"""`wuyebot report weekly|monthly [--period …] [--out FILE.xlsx]`: the tables in the terminal, and a workbook."""

from __future__ import annotations

import asyncio
import sys
from datetime import datetime
from pathlib import Path

from bot.clock import Clock, SystemClock
from bot.settings import Settings
from handlers.reports.figures import Report, compute
from handlers.reports.period import KIND_OF_REPORT, BadPeriod, Period, last_complete, parse_period

WIDE_CONSOLE = 160  # when stdout is not a terminal (a pipe, a file), tables are not squeezed into 80 columns


def run_report_command(kind: str, period: str | None, out: str | None, settings: Settings, *,
                       clock: Clock | None = None, estate: str | None = None) -> int:
    """Print the report of ``period`` (default: the last complete week or month); 2 for a bad period."""
    from rich.console import Console

    from handlers.reports.excel import write_workbook
    from handlers.reports.terminal import render

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
    report = asyncio.run(_compute(settings, chosen, now))
    console = Console()
    if not console.is_terminal:
        console = Console(width=WIDE_CONSOLE)
    render(report, console)
    if out is not None:
        try:
            write_workbook(report, Path(out))
        except OSError as error:
            print(f"wuyebot: cannot write {out}: {error.strerror or error}", file=sys.stderr)
            return 1
        console.print(f"已导出 {out}")
    return 0


async def _compute(settings: Settings, period: Period, now: datetime) -> Report:
    from bot.storage.db import create_engine, is_sqlite, session_factory

    if is_sqlite(settings.database_url):  # a fresh embedded database gets its schema: an empty report, not a crash
        from models.migrate import upgrade_async

        await upgrade_async(settings.database_url)
    engine = create_engine(settings.database_url)
    try:
        async with session_factory(engine)() as session:
            return await compute(session, period, now, settings)
    finally:
        await engine.dispose()
