"""Sessions on a fresh, migrated database per test (tests/conftest.py's ``database_url``) and helpers
that write real CSV and xlsx files."""

from __future__ import annotations

import csv
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.storage.db import create_engine, session_factory
from tests.support.databases import migrated

OWNERS_HEADER = ["building", "unit", "room", "area_m2", "name", "phone", "role"]
BILLS_HEADER = ["building", "unit", "room", "period", "item", "amount", "paid"]
STAFF_HEADER = ["name", "phone", "openid", "role", "skills"]


@pytest.fixture
async def sessions(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    await migrated(database_url)
    engine = create_engine(database_url)
    yield session_factory(engine)
    await engine.dispose()


def write_csv(path: Path, rows: Sequence[Sequence[Any]], encoding: str = "utf-8") -> Path:
    """A CSV as Excel saves it: ``utf-8``, ``utf-8-sig`` (BOM), ``gbk``; CRLF line ends."""
    with path.open("w", encoding=encoding, newline="") as file:
        csv.writer(file).writerows(rows)
    return path


def write_xlsx(path: Path, rows: Sequence[Sequence[Any]]) -> Path:
    """A real workbook; cells keep their Python types (int, float, date) as Excel would store them."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    book.create_sheet("其他")  # only the first sheet is read
    book.save(path)
    return path
