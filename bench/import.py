"""Rows per second of ``wuyebot import`` on SQLite: 20,000 owners, then 100,000 bills for them.

Each file is generated into a temporary folder and imported with ``import_file`` into a fresh
SQLite file, then imported again (idempotent: every row unchanged). The corrected file changes the
paid flag of half the bills, timing the bulk UPDATE path. Target (issue 5): the 100,000 bills in
under 60 s.

Two deployments are measured side by side (issue 16): a single estate, whose files carry no
estate column, and ``--estates`` estates (5 by default), whose files carry one: the same homes and
bills spread over the estates, every estate with the same room numbers (``3-2-501`` in each is a
home of its own). ``--runs`` repeats both; the table at the end gives each step's median rows/s,
by the clock and per CPU second of this process (the steadier figure on a machine shared with
other work).

Run: ``python bench/import.py`` (``--runs 1 --estates 1`` for the single-estate figure alone).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.settings import Settings, load_settings  # noqa: E402
from bot.storage.db import create_engine, session_factory  # noqa: E402
from handlers.importer import ImportResult, import_file  # noqa: E402
from models.migrate import upgrade  # noqa: E402

ITEMS = ("物业费", "停车费", "水费", "电费", "垃圾费")
STEPS = ("owners", "owners (re-import)", "bills", "bills (re-import)", "bills (corrected)")


def home(index: int) -> tuple[str, str, str]:
    """Distinct homes: 50 buildings × 4 units × 25 floors × 4 rooms (20,000)."""
    building, rest = divmod(index, 400)
    unit, rest = divmod(rest, 100)
    floor, room = divmod(rest, 4)
    return str(building + 1), str(unit + 1), f"{floor + 1}{room + 1:02d}"


def placed(index: int, homes: int, codes: list[str]) -> tuple[str, tuple[str, str, str]]:
    """Home ``index`` of ``homes``: its estate and address; each estate has the same room numbers."""
    per_estate = -(-homes // len(codes))
    estate, number = divmod(index, per_estate)
    return codes[estate], home(number)


def estate_column(codes: list[str]) -> list[str]:
    """The estate column's header: only where there are several estates (a single estate needs none)."""
    return ["estate"] if len(codes) > 1 else []


def write_owners(path: Path, homes: int, codes: list[str]) -> int:
    column = len(codes) > 1
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["building", "unit", "room", "area_m2", "name", "phone", "role", *estate_column(codes)])
        for index in range(homes):
            estate, (building, unit, room) = placed(index, homes, codes)
            area = f"{60 + index % 90}.{index % 100:02d}"
            writer.writerow([building, unit, room, area, f"业主{index}", f"138{index:08d}", "owner",
                             *([estate] if column else [])])
    return homes


def write_bills(path: Path, homes: int, bills: int, codes: list[str], *, shift: int = 0) -> int:
    """Five items a month per home; ``shift`` changes which bills are paid (a corrected file)."""
    per_home = bills // homes
    column = len(codes) > 1
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["building", "unit", "room", "period", "item", "amount", "paid", *estate_column(codes)])
        for index in range(homes):
            estate, (building, unit, room) = placed(index, homes, codes)
            for number in range(per_home):
                period = f"2025-{number // len(ITEMS) + 1:02d}"
                item = ITEMS[number % len(ITEMS)]
                amount = f"{(index * 7 + number * 13) % 900 + 10}.{(index + number) % 100:02d}"
                writer.writerow([building, unit, room, period, item, amount, int((index + number + shift) % 4 != 0),
                                 *([estate] if column else [])])
    return homes * per_home


def deployment(folder: Path, estates: int, url: str) -> Settings:
    """The repo's config.yaml with ``estates`` estates (the default one and e2, e3 …)."""
    config = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
    config["estates"] = [{"code": f"e{number}", "name": f"测试小区{number}"} for number in range(2, estates + 1)]
    path = folder / f"config-{estates}.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return load_settings(path, {"WUYEBOT_DATABASE_URL": url})


def line(label: str, result: ImportResult, seconds: float, cpu: float) -> str:
    return (
        f"{label:<22} {result.read:>7,} rows {seconds:7.2f} s {result.read / seconds:>9,.0f} rows/s "
        f"{result.read / cpu:>9,.0f} rows/cpu-s   ({result.summary_line()})"
    )


async def run(folder: Path, homes: int, bills: int, estates: int) -> dict[str, tuple[float, float]]:
    """One fresh database, the five steps; rows per second and per CPU second of each."""
    url = f"sqlite+aiosqlite:///{folder / f'bench-{estates}.db'}"
    await asyncio.to_thread(upgrade, url)
    settings = deployment(folder, estates, url)
    codes = [estate.code for estate in settings.estate_list]
    owners_csv, bills_csv, corrected_csv = (folder / f"{name}-{estates}.csv" for name in ("owners", "bills", "fixed"))
    write_owners(owners_csv, homes, codes)
    write_bills(bills_csv, homes, bills, codes)
    write_bills(corrected_csv, homes, bills, codes, shift=1)
    engine = create_engine(url)
    sessions = session_factory(engine)
    rates: dict[str, tuple[float, float]] = {}
    try:
        for label, path in zip(STEPS, (owners_csv, owners_csv, bills_csv, bills_csv, corrected_csv), strict=True):
            kind = label.split()[0]
            started, cpu_started = time.perf_counter(), time.process_time()
            result = await import_file(kind, path, sessions, settings=settings)  # type: ignore[arg-type]
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
            print(line(label, result, seconds, cpu), flush=True)
            assert result.rejected == 0, result.report_lines()[:5]
            if "re-import" in label:
                assert result.unchanged == result.read, result.summary_line()
            rates[label] = (result.read / seconds, result.read / cpu)
    finally:
        await engine.dispose()
    return rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--homes", type=int, default=20_000)
    parser.add_argument("--bills", type=int, default=100_000)
    parser.add_argument("--estates", type=int, default=5, help="estates of the second deployment (1: skip it)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    counts = sorted({1, max(args.estates, 1)})
    rates: dict[int, list[dict[str, tuple[float, float]]]] = {count: [] for count in counts}
    for number in range(1, args.runs + 1):
        for count in counts:
            print(f"-- run {number}, {count} estate{'s' if count > 1 else ''}", flush=True)
            with tempfile.TemporaryDirectory(prefix="wuyebot-bench-") as folder:
                rates[count].append(asyncio.run(run(Path(folder), args.homes, args.bills, count)))
    names = [f"{count} estate{'s' if count > 1 else ''}" for count in counts]
    print(f"\nmedian of {args.runs} run{'s' if args.runs > 1 else ''}: rows/s (rows per CPU second)")
    print(f"{'step':<22}" + "".join(f"{name:>24}" for name in names))
    for step in STEPS:
        cells = []
        for count in counts:
            wall = statistics.median(run[step][0] for run in rates[count])
            cpu = statistics.median(run[step][1] for run in rates[count])
            cells.append(f"{wall:>12,.0f} ({cpu:>8,.0f})")
        print(f"{step:<22}" + "".join(f"{cell:>24}" for cell in cells))

if __name__ == "__main__":
    main()
