"""``wuyebot import owners|bills|staff FILE``: the synchronous entry point the CLI calls.

Prints the row-level report and the summary line on stdout, a whole-file error on stderr; shows
the progress bar only when stdout is a terminal. Exit codes: 0 every row imported; 1 some rows
rejected (the others are in); 2 the file was refused as a whole (wrong header, empty or
unreadable file, an unknown ``--estate``, several estates and no way to tell the rows' estate) or
the database failed.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from sqlalchemy.exc import SQLAlchemyError

from handlers.importer.errors import ImportFileError
from handlers.importer.estates import EstateScope
from handlers.importer.report import ImportResult, Kind

if TYPE_CHECKING:
    from bot.settings import Settings

KINDS: tuple[Kind, ...] = ("owners", "bills", "staff")


def run_import_command(
    kind: str, path: str, settings: Settings, *, stdout: TextIO | None = None, stderr: TextIO | None = None,
    estate: str | None = None,
) -> int:
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    if kind not in KINDS:
        print(f"wuyebot import: 未知的导入类型 {kind!r}，应为 {' | '.join(KINDS)}", file=stderr)
        return 2
    try:
        if estate is not None:
            EstateScope.of(settings).named(estate)  # an unknown --estate: refused before the database is opened
        result = asyncio.run(_run(kind, Path(path), settings, estate, progress=stdout.isatty()))
    except ImportFileError as error:
        print(f"wuyebot import {kind}: {error}", file=stderr)
        return 2
    except SQLAlchemyError as error:
        # Batches committed before the failure stay; re-running the import is safe (idempotent).
        cause = getattr(error, "orig", None) or error
        print(f"wuyebot import {kind}: 数据库出错，导入中止（可修复后重新导入）：{type(cause).__name__}: {cause}",
              file=stderr)
        return 2
    for line in result.report_lines():
        print(line, file=stdout)
    advice = result.advice_line()
    if advice:
        print(advice, file=stdout)
    print(result.summary_line(), file=stdout)
    return 0 if result.ok else 1


async def _run(kind: Kind, path: Path, settings: Settings, estate: str | None, *, progress: bool) -> ImportResult:
    # The service's own engine (SQLite WAL, busy timeout, BEGIN IMMEDIATE), so an import can run
    # beside `wuyebot serve`.
    from bot.storage.db import create_engine, is_sqlite, session_factory
    from handlers.importer.run import import_file

    if is_sqlite(settings.database_url):
        # The embedded database is created on first use, as `wuyebot serve` does.
        from models.migrate import upgrade_async

        await upgrade_async(settings.database_url)
    engine = create_engine(settings.database_url)
    try:
        return await import_file(kind, path, session_factory(engine), settings=settings, estate=estate,
                                 progress=progress)
    finally:
        await engine.dispose()
