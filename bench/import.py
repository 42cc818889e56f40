"""Rows per second of ``wuyebot import`` on SQLite: 20,000 owners, then 100,000 bills for them.

Each file is generated into a temporary folder and imported with ``import_file`` into a fresh
SQLite file, then imported again (idempotent: every row unchanged). Run: ``python bench/import.py``.
Target (issue 5): the 100,000 bills in under 60 s. The corrected file changes the paid flag of
half the bills, timing the bulk UPDATE path.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.storage.db import create_engine, session_factory  # noqa: E402
from handlers.importer import ImportResult, import_file  # noqa: E402
from models.migrate import upgrade  # noqa: E402

ITEMS = ("物业费", "停车费", "水费", "电费", "垃圾费")


def home(index: int) -> tuple[str, str, str]:
    """20,000 distinct homes: 50 buildings × 4 units × 25 floors × 4 rooms."""
    building, rest = divmod(index, 400)
    unit, rest = divmod(rest, 100)
    floor, room = divmod(rest, 4)
    return str(building + 1), str(unit + 1), f"{floor + 1}{room + 1:02d}"


def write_owners(path: Path, homes: int) -> int:
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["building", "unit", "room", "area_m2", "name", "phone", "role"])
        for index in range(homes):
            building, unit, room = home(index)
            area = f"{60 + index % 90}.{index % 100:02d}"
            writer.writerow([building, unit, room, area, f"业主{index}", f"138{index:08d}", "owner"])
    return homes


def write_bills(path: Path, homes: int, bills: int, *, shift: int = 0) -> int:
    """Five items a month per home; ``shift`` changes which bills are paid (a corrected file)."""
    per_home = bills // homes
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["building", "unit", "room", "period", "item", "amount", "paid"])
        for index in range(homes):
            building, unit, room = home(index)
            for number in range(per_home):
                period = f"2025-{number // len(ITEMS) + 1:02d}"
                item = ITEMS[number % len(ITEMS)]
                amount = f"{(index * 7 + number * 13) % 900 + 10}.{(index + number) % 100:02d}"
                writer.writerow([building, unit, room, period, item, amount, int((index + number + shift) % 4 != 0)])
    return homes * per_home


def line(label: str, result: ImportResult, seconds: float) -> str:
    return (
        f"{label:<22} {result.read:>7,} rows {seconds:7.2f} s {result.read / seconds:>9,.0f} rows/s   "
        f"({result.summary_line()})"
    )


async def run(folder: Path, homes: int, bills: int) -> None:
    url = f"sqlite+aiosqlite:///{folder / 'bench.db'}"
    await asyncio.to_thread(upgrade, url)
    owners_csv, bills_csv, corrected_csv = folder / "owners.csv", folder / "bills.csv", folder / "corrected.csv"
    write_owners(owners_csv, homes)
    write_bills(bills_csv, homes, bills)
    write_bills(corrected_csv, homes, bills, shift=1)
    engine = create_engine(url)
    sessions = session_factory(engine)
    try:
        for label, kind, path in (
            ("owners", "owners", owners_csv),
            ("owners (re-import)", "owners", owners_csv),
            ("bills", "bills", bills_csv),
            ("bills (re-import)", "bills", bills_csv),
            ("bills (corrected)", "bills", corrected_csv),
        ):
            started = time.perf_counter()
            result = await import_file(kind, path, sessions, estate="阳光花园")  # type: ignore[arg-type]
            print(line(label, result, time.perf_counter() - started), flush=True)
            assert result.rejected == 0, result.report_lines()[:5]
            if "re-import" in label:
                assert result.unchanged == result.read, result.summary_line()
    finally:
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--homes", type=int, default=20_000)
    parser.add_argument("--bills", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wuyebot-bench-") as folder:
        asyncio.run(run(Path(folder), args.homes, args.bills))


if __name__ == "__main__":
    main()
