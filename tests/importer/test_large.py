"""A 5 MB GBK owner register goes in, streamed and batched, in a few seconds."""

from __future__ import annotations

import csv
import time
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.importer import import_file
from models import Home, Resident

ROWS = 12_000
REMARK = "业主要求周末上门维修，联系前请先发短信确认" * 10  # an ignored 备注 column, as real registers have


def write_register(path: Path) -> None:
    with path.open("w", encoding="gbk", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["楼栋", "单元", "房号", "面积", "姓名", "手机", "身份", "备注"])
        for index in range(ROWS):
            building, rest = divmod(index, 400)
            unit, rest = divmod(rest, 100)
            floor, room = divmod(rest, 4)
            writer.writerow([f"{building + 1}栋", f"{unit + 1}单元", f"{floor + 1}{room + 1:02d}",
                             f"{80 + index % 50}.{index % 100:02d}", f"业主{index}", f"138{index:08d}", "业主",
                             f"{index}{REMARK}"])


async def test_five_megabyte_file(tmp_path: Path, sessions: async_sessionmaker[AsyncSession]) -> None:
    path = tmp_path / "owners.csv"
    write_register(path)
    assert path.stat().st_size >= 5 * 1024 * 1024
    started = time.perf_counter()
    result = await import_file("owners", path, sessions, estate="阳光花园")
    elapsed = time.perf_counter() - started
    assert result.summary_line() == f"import owners: read={ROWS} inserted={ROWS} updated=0 unchanged=0 rejected=0"
    assert elapsed < 30, f"{elapsed:.1f} s"
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Home)) == ROWS
        assert await session.scalar(select(func.count()).select_from(Resident)) == ROWS
    again = await import_file("owners", path, sessions, estate="阳光花园")
    assert again.unchanged == ROWS
