"""``import_file``: one register file into the database, row by row checked, batch by batch written."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.domain.estates import estate_id, sync_estates
from handlers.importer.columns import match_header
from handlers.importer.errors import EmptyFile
from handlers.importer.estates import EstateScope, file_estates, scope_of
from handlers.importer.progress import ImportProgress
from handlers.importer.reading import open_table
from handlers.importer.records import bill_record, owner_record, staff_record
from handlers.importer.report import KIND_NAMES, ImportResult, Kind
from handlers.importer.upsert import make_importer

if TYPE_CHECKING:
    from bot.settings import Settings

_VALIDATORS: dict[str, Any] = {"owners": owner_record, "bills": bill_record, "staff": staff_record}
_PROGRESS_EVERY = 500  # rows between progress-bar updates


async def import_file(
    kind: Kind,
    path: Path,
    sessions: async_sessionmaker[AsyncSession],
    *,
    settings: Settings | None = None,
    estate: str | None = None,
    progress: bool = False,
    batch_size: int | None = None,
) -> ImportResult:
    """Import one file; the valid rows are committed, the others come back as rejections.

    ``settings`` gives the known estates (``settings.estate_list``); ``estate`` is ``--estate``,
    the estate of the whole file (a code, or a name or alias), see handlers.importer.estates.
    Without ``settings`` the deployment is taken as one estate, the default, and ``estate`` is its
    name (how callers from before estates call this). Raises HeaderError, EmptyFile,
    UnreadableFile, UnknownEstate or EstateRequired when the file as a whole is unusable, before
    anything is written.
    """
    if kind not in _VALIDATORS:
        raise ValueError(f"unknown import kind {kind!r}")
    started = time.perf_counter()
    validate = _VALIDATORS[kind]
    result = ImportResult(kind)
    with open_table(Path(path)) as table:
        header = match_header(kind, table.header)
        scope = scope_of(settings, estate)
        estates = file_estates(scope, estate, header.has("estate"))
        ids = await _estate_rows(sessions, settings, scope)
        importer = make_importer(kind, header, estates, ids)
        size = batch_size or importer.batch_size
        await importer.prepare(sessions)
        batch: list[Any] = []
        with ImportProgress(progress, f"导入{KIND_NAMES[kind]}", table.size) as bar:
            for line, cells in table.rows():
                result.read += 1
                record = validate(header, line, cells, estates)
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


async def _estate_rows(sessions: async_sessionmaker[AsyncSession], settings: Settings | None,
                       scope: EstateScope) -> dict[str, int]:
    """Every known estate has its row (sync_estates); their ids by code."""
    async with sessions.begin() as session:
        if settings is not None:
            await sync_estates(session, settings)
        return {estate.code: await estate_id(session, estate.code, estate.name) for estate in scope.estates}


async def _write(sessions: async_sessionmaker[AsyncSession], importer: Any, batch: list[Any],
                 result: ImportResult) -> None:
    async with sessions.begin() as session:
        counts = await importer.write(session, batch)
    result.inserted += counts.inserted
    result.updated += counts.updated
    result.unchanged += counts.unchanged
