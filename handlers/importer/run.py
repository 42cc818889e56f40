"""``import_file``: one register file into the database, row by row checked, batch by batch written."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.importer.columns import match_header
from handlers.importer.errors import EmptyFile
from handlers.importer.progress import ImportProgress
from handlers.importer.reading import open_table
from handlers.importer.records import bill_record, owner_record, staff_record
from handlers.importer.report import KIND_NAMES, ImportResult, Kind
from handlers.importer.upsert import make_importer

_VALIDATORS: dict[str, Any] = {"owners": owner_record, "bills": bill_record, "staff": staff_record}
_PROGRESS_EVERY = 500  # rows between progress-bar updates


async def import_file(
    kind: Kind,
    path: Path,
    sessions: async_sessionmaker[AsyncSession],
    *,
    progress: bool = False,
    estate: str | None = None,
    batch_size: int | None = None,
) -> ImportResult:
    """Import one file; the valid rows are committed, the others come back as rejections.

    ``estate`` names the estate that new buildings belong to (owners only; the settings' estate
    name). Raises HeaderError, EmptyFile or UnreadableFile when the file as a whole is unusable,
    before anything is written.
    """
    if kind not in _VALIDATORS:
        raise ValueError(f"unknown import kind {kind!r}")
    started = time.perf_counter()
    validate = _VALIDATORS[kind]
    result = ImportResult(kind)
    with open_table(Path(path)) as table:
        header = match_header(kind, table.header)
        importer = make_importer(kind, header, estate)
        size = batch_size or importer.batch_size
        await importer.prepare(sessions)
        batch: list[Any] = []
        with ImportProgress(progress, f"导入{KIND_NAMES[kind]}", table.size) as bar:
            for line, cells in table.rows():
                result.read += 1
                record = validate(header, line, cells)
                problems = record if isinstance(record, list) else importer.check(record)
                if problems:
                    result.reject(problems)
                else:
                    batch.append(record)
                if len(batch) >= size:
                    await _write(sessions, importer, batch, result)
                    batch = []
                if result.read % _PROGRESS_EVERY == 0:
                    bar.update(table.position(), result.read)
            if batch:
                await _write(sessions, importer, batch, result)
            bar.update(table.position(), result.read)
    if result.read == 0:
        raise EmptyFile("文件只有表头，没有数据行")
    result.seconds = time.perf_counter() - started
    return result


async def _write(sessions: async_sessionmaker[AsyncSession], importer: Any, batch: list[Any],
                 result: ImportResult) -> None:
    async with sessions.begin() as session:
        counts = await importer.write(session, batch)
    result.inserted += counts.inserted
    result.updated += counts.updated
    result.unchanged += counts.unchanged
