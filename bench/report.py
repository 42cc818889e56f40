"""How long the monthly service report takes on SQLite for a large estate (issue 9: under 10 s),
and the company's report of many estates side by side (issue 16: under 5 s).

Builds a fresh SQLite database with 20,000 homes, a year of bills for each (物业费 and 水费 every
month, 停车费 for a third of the homes), 50,000 tickets over that year with their events, SLA
deadlines (from the real SLA policy and calendar) and return visits, and the arrears reminders;
then times ``monthly_report`` for the last month through the service's own async engine, and the
terminal tables and the .xlsx written from it. Run: ``python bench/report.py``.

``--company``: 50 estates of 2,000 homes each (100,000 homes, a year of bills, 250,000 tickets:
the same per home), and times the company's monthly report with every estate's beside it
(``compute_all``), as ``wuyebot report monthly`` prints and exports it, and one estate's alone.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sqlalchemy import create_engine as create_sync_engine  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from bot.settings import load_settings  # noqa: E402
from bot.storage.db import create_engine, session_factory  # noqa: E402
from handlers.domain.calendar import WorkingCalendar  # noqa: E402
from handlers.domain.kinds import TicketKinds  # noqa: E402
from handlers.domain.sla import SlaPolicy  # noqa: E402
from handlers.reports import MONTH, WEEK, MonthlyReport, last_complete, monthly_report, weekly_report  # noqa: E402
from models import (  # noqa: E402
    Bill,
    Building,
    Estate,
    FeeReminder,
    Home,
    ReturnVisit,
    Staff,
    Ticket,
    TicketDeadline,
    TicketEvent,
)
from models.migrate import upgrade  # noqa: E402

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 1, 9, 0, tzinfo=TZ)  # the monthly job's fire time for October 2026
FIRST_DAY = datetime(2025, 11, 1, tzinfo=TZ)
MONTHS = [f"{2025 + (10 + i) // 12}-{(10 + i) % 12 + 1:02d}" for i in range(12)]  # 2025-11 … 2026-10
REPAIRS = ("水电", "渗漏水", "管道堵塞", "门窗门锁", "电梯", "燃气", "墙面地面", "公共设施", "其他")
COMPLAINTS = ("噪音", "养犬宠物", "高空抛物", "违章搭建", "空调滴水", "住改商", "停车", "环境卫生", "服务态度",
              "安全秩序")
SCORES = (5, 5, 5, 5, 5, 4, 4, 4, 3, 2, 1)
BATCH = 20_000


def hours(rng: random.Random, low: float, high: float) -> timedelta:
    return timedelta(hours=rng.uniform(low, high))


class Builder:
    def __init__(self, homes: int, tickets: int, sla: SlaPolicy, estate_of: Any) -> None:
        self.rng = random.Random(9)
        self.homes, self.tickets, self.sla, self.estate_of = homes, tickets, sla, estate_of
        self.rows: dict[Any, list[dict[str, Any]]] = {
            Ticket: [], TicketEvent: [], TicketDeadline: [], ReturnVisit: []}
        self.sequences: dict[tuple[str, str], int] = {}

    def number(self, kind: str, at: datetime) -> str:
        key = (TicketKinds()[kind].prefix, f"{at.astimezone(TZ):%Y%m%d}")
        self.sequences[key] = self.sequences.get(key, 0) + 1
        return f"{key[0]}{key[1]}{self.sequences[key]:03d}"

    def build(self) -> None:
        rng = self.rng
        year = (NOW - FIRST_DAY).total_seconds()
        moments = sorted(FIRST_DAY + timedelta(seconds=rng.uniform(0, year - 86400)) for _ in range(self.tickets))
        for ticket_id, created in enumerate(moments, start=1):
            roll = rng.random()
            kind = ("repair" if roll < 0.65 else "complaint" if roll < 0.85
                    else "suggestion" if roll < 0.95 else "emergency")
            self.ticket(ticket_id, kind, created)

    def ticket(self, ticket_id: int, kind: str, created: datetime) -> None:
        rng = self.rng
        tier = rng.choices(("major", "important", "minor"), (5, 25, 70))[0] if kind == "complaint" else None
        category = (rng.choice(COMPLAINTS) if kind == "complaint" else rng.choice(REPAIRS)
                    if kind in ("repair", "emergency") else None)
        multi = kind == "repair" and category == "渗漏水"
        events: list[tuple[datetime, str, str | None, str]] = [(created, "create", None, "new"),
                                                               (created, "assign", "new", "assigned")]
        clocks = {d.name: [created, d.due_at, None] for d in self.sla.deadlines(kind, created, tier=tier,
                                                                                  multi_trade=multi)}
        recent = NOW - created < timedelta(days=10)
        stays_open = rng.random() < (0.5 if recent else 0.03)
        status, at, completed, closed = "assigned", created, None, None
        rounds = 2 if kind == "repair" and rng.random() < 0.05 else 1  # some repairs are reopened
        for round_ in range(rounds):
            at += hours(rng, 0.05, 4)
            events.append((at, "accept", status, "accepted"))
            status = "accepted"
            for name in ("acknowledge", "report"):
                if name in clocks and clocks[name][2] is None:
                    clocks[name][2] = at
            if stays_open and round_ == rounds - 1 and rng.random() < 0.5:
                break
            if kind != "emergency":
                at += hours(rng, 0.5, 30)
                events.append((at, "start", status, "in_progress"))
                status = "in_progress"
                for name in ("on_site", "answer"):
                    if name in clocks and clocks[name][2] is None:
                        clocks[name][2] = at
            if stays_open and round_ == rounds - 1:
                break
            at += hours(rng, 1, 70)
            events.append((at, "complete", status, "completed"))
            status, completed = "completed", at
            for clock in clocks.values():
                clock[2] = clock[2] or at
            if round_ < rounds - 1:  # a poor return visit: back to maintenance with fresh clocks
                at += timedelta(days=2, hours=1)
                events.append((at, "reopen", status, "assigned"))
                status, completed = "assigned", None
                for d in self.sla.deadlines(kind, at, tier=tier, multi_trade=multi):
                    clocks[d.name] = [at, d.due_at, None]
        done = completed
        if status == "completed" and rng.random() < 0.9:
            at += hours(rng, 1, 72)
            events.append((at, "close", status, "closed"))
            status, closed = "closed", at
        if at > NOW:  # nothing happens after the report is run: the same story, a few days earlier
            return self.ticket(ticket_id, kind, created - timedelta(days=5))
        if kind in ("repair", "emergency") and done is not None:
            self.visit(ticket_id, kind, done)  # 回访 after the work is done
        elif kind == "complaint" and closed is not None:
            self.visit(ticket_id, kind, closed)  # after a complaint is closed
        home = rng.randint(1, self.homes)
        self.rows[Ticket].append({
            "id": ticket_id, "number": self.number(kind, created), "kind": kind, "status": status,
            "estate": self.estate_of(home), "home_id": home, "place": None, "building": None, "category": category,
            "tier": tier, "description": "bench", "openid": f"o-{rng.randint(1, self.homes)}", "contact_phone": None,
            "preferred_time": None, "multi_trade": multi, "owner_due": None, "assignee_id": 1,
            "created_at": created, "updated_at": at, "completed_at": completed, "closed_at": closed})
        self.rows[TicketEvent] += [{"ticket_id": ticket_id, "at": when, "action": action, "from_status": before,
                                    "to_status": after, "by": "bench", "note": ""}
                                   for when, action, before, after in events]
        self.rows[TicketDeadline] += [{"ticket_id": ticket_id, "name": name, "starts_at": starts, "due_at": due,
                                       "met_at": met, "escalation_level": 0}
                                      for name, (starts, due, met) in clocks.items()]
        return None

    def visit(self, ticket_id: int, kind: str, done: datetime) -> None:
        rng = self.rng
        due = done + timedelta(days=3 if kind == "complaint" else 2)
        if due > NOW:
            status = "scheduled"
        else:
            status = rng.choices(("answered", "phone", "sent"), (80, 14, 6))[0]
        answered = due + hours(rng, 0.5, 30) if status == "answered" else None
        if answered is not None and answered > NOW:
            status, answered = "sent", None
        self.rows[ReturnVisit].append({
            "ticket_id": ticket_id, "openid": "o", "due_at": due, "status": status,
            "sent_at": due if status != "scheduled" else None, "reminded_at": None,
            "score": rng.choice(SCORES) if answered else None, "comment": None, "answered_at": answered})


def estate_code(estate: int) -> str:
    return "default" if estate == 1 else f"e{estate:02d}"


def seed(url: str, homes: int, tickets: int, settings: Any, estates: int = 1) -> dict[str, int]:
    engine = create_sync_engine(url.replace("sqlite+aiosqlite", "sqlite"))
    rng = random.Random(5)
    counts: dict[str, int] = {}
    with engine.begin() as connection:
        def put(model: Any, rows: list[dict[str, Any]]) -> None:
            for start in range(0, len(rows), BATCH):
                connection.execute(insert(model), rows[start:start + BATCH])
            counts[model.__tablename__] = counts.get(model.__tablename__, 0) + len(rows)

        per_estate = homes // estates
        buildings = (homes + 399) // 400

        def estate_of_building(building: int) -> int:
            return min((building - 1) * 400 // per_estate + 1, estates)

        put(Estate, [{"id": e, "code": estate_code(e), "name": f"基准花园{e}" if estates > 1 else "基准花园"}
                     for e in range(1, estates + 1)])
        put(Building, [{"id": b, "estate_id": estate_of_building(b), "code": str(b)} for b in range(1, buildings + 1)])
        put(Home, [{"id": h, "building_id": (h - 1) // 400 + 1, "unit": str((h - 1) % 400 // 100 + 1),
                    "room": f"{(h - 1) % 100 // 4 + 1}{(h - 1) % 4 + 1:02d}",
                    "room_key": f"{(h - 1) // 400 + 1}-{(h - 1) % 400 // 100 + 1}-"
                                f"{(h - 1) % 100 // 4 + 1}{(h - 1) % 4 + 1:02d}",
                    "area_m2": Decimal("89.50"), "in_custody": False, "prepaid_balance": Decimal("0.00")}
                   for h in range(1, homes + 1)])
        put(Staff, [{"id": 1, "name": "王师傅", "phone": "13900000001", "openid": "staff-wang", "role": "staff",
                     "skills": "水电", "on_duty": True, "password_hash": None}])
        late_payers = set(rng.sample(range(1, homes + 1), homes // 12))
        bills, reminders = [], []
        for home in range(1, homes + 1):
            owing_from = rng.randint(0, 11) if home in late_payers else 12
            items = [("物业费", Decimal(f"{180 + home % 200}.50")),
                     ("水费", Decimal(f"{20 + home % 60}.{home % 100:02d}"))]
            if home % 3 == 0:
                items.append(("停车费", Decimal("300.00")))
            for index, month in enumerate(MONTHS):
                unpaid_now = index >= owing_from or (index == 11 and rng.random() < 0.06)
                bills += [{"home_id": home, "period": month, "item": item, "amount": amount, "paid": not unpaid_now}
                          for item, amount in items]
            if owing_from < 11:
                for month in MONTHS[owing_from + 1:]:
                    reminders.append({"home_id": home, "month": month, "amount": Decimal("100.00"), "months_owed": 1,
                                      "oldest_period": MONTHS[owing_from],
                                      "sent_at": datetime.fromisoformat(f"{month}-05T10:00:00+08:00")})
        put(Bill, bills)
        put(FeeReminder, reminders)
        builder = Builder(homes, tickets, SlaPolicy(settings, WorkingCalendar(
            settings.calendar, settings.estate.office_hours, settings.tz)),
            lambda home: estate_code(estate_of_building((home - 1) // 400 + 1)))
        builder.build()
        for model, rows in builder.rows.items():
            put(model, rows)
    engine.dispose()
    return counts


async def timed_company(url: str, settings: Any, runs: int) -> None:
    """The company's monthly report and every estate's (compute_all), then one estate's alone."""
    from rich.console import Console

    from handlers.reports import compute_all
    from handlers.reports.excel import write_company_workbook
    from handlers.reports.terminal import render_company

    engine = create_engine(url)
    sessions = session_factory(engine)
    month = last_complete(MONTH, NOW, TZ)
    try:
        for attempt in range(1, runs + 1):
            async with sessions() as session:
                started = time.perf_counter()
                reports = await compute_all(session, month, NOW, settings)
                company_seconds = time.perf_counter() - started
                started = time.perf_counter()
                await monthly_report(session, month, NOW, settings, estate="e25")
                one_seconds = time.perf_counter() - started
            started = time.perf_counter()
            render_company(reports, Console(file=io.StringIO(), width=160))
            terminal_seconds = time.perf_counter() - started
            with tempfile.TemporaryDirectory() as folder:
                started = time.perf_counter()
                write_company_workbook(reports, Path(folder) / "company.xlsx")
                excel_seconds = time.perf_counter() - started
            print(f"run {attempt}: company monthly report {month.label}, {len(reports.estates)} estates side by side "
                  f"{company_seconds:.2f} s (+ terminal {terminal_seconds:.2f} s, + xlsx {excel_seconds:.2f} s); "
                  f"one estate alone {one_seconds:.2f} s")
        company = reports.company
        assert isinstance(company, MonthlyReport)
        print(f"October: {company.repairs.totals.completed} repairs completed, on time "
              f"{company.repairs.totals.on_time_rate}, collection {company.fees.totals.rate} of "
              f"¥{company.fees.totals.billed:,.2f}, {len(company.arrears)} homes in arrears")
    finally:
        await engine.dispose()


async def timed(url: str, settings: Any) -> None:
    from rich.console import Console

    from handlers.reports.excel import write_workbook
    from handlers.reports.terminal import render

    engine = create_engine(url)
    sessions = session_factory(engine)
    month, week = last_complete(MONTH, NOW, TZ), last_complete(WEEK, NOW, TZ)
    try:
        for attempt in ("cold", "warm"):
            async with sessions() as session:
                started = time.perf_counter()
                report = await monthly_report(session, month, NOW, settings)
                monthly_seconds = time.perf_counter() - started
                started = time.perf_counter()
                await weekly_report(session, week, NOW, settings)
                weekly_seconds = time.perf_counter() - started
            started = time.perf_counter()
            render(report, Console(file=io.StringIO(), width=160))
            terminal_seconds = time.perf_counter() - started
            with tempfile.TemporaryDirectory() as folder:
                started = time.perf_counter()
                write_workbook(report, Path(folder) / "monthly.xlsx")
                excel_seconds = time.perf_counter() - started
            print(f"{attempt}: monthly report {month.label} {monthly_seconds:.2f} s "
                  f"(+ terminal {terminal_seconds:.2f} s, + xlsx {excel_seconds:.2f} s); "
                  f"weekly {week.label} {weekly_seconds:.2f} s")
        totals = report.repairs.totals
        print(f"October: {totals.completed} repairs completed, on time {totals.on_time_rate}, "
              f"{report.return_visits.due} visits due, satisfaction {report.satisfaction.rate}, "
              f"collection {report.fees.totals.rate} of ¥{report.fees.totals.billed:,.2f}, "
              f"{len(report.arrears)} homes in arrears")
    finally:
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--homes", type=int, default=20_000)
    parser.add_argument("--tickets", type=int, default=50_000)
    parser.add_argument("--company", action="store_true",
                        help="50 estates x 2,000 homes and 250,000 tickets; time the company's report")
    parser.add_argument("--runs", type=int, default=3, help="--company: how many times to time it")
    parser.add_argument("--db", type=Path, help="keep the database in this file; an existing one is reused as it is")
    args = parser.parse_args()
    estates, homes, tickets = (50, 100_000, 250_000) if args.company else (1, args.homes, args.tickets)
    with tempfile.TemporaryDirectory() as folder:
        path = args.db or Path(folder) / "report.db"
        url = f"sqlite+aiosqlite:///{path}"
        settings = load_settings(REPO / "config.yaml", {"WUYEBOT_DATABASE_URL": url})
        if not path.exists():
            upgrade(url)
            started = time.perf_counter()
            counts = seed(url, homes, tickets, settings, estates)
            print(f"seeded in {time.perf_counter() - started:.0f} s: "
                  + ", ".join(f"{n:,} {table}" for table, n in counts.items()))
        asyncio.run(timed_company(url, settings, args.runs) if args.company else timed(url, settings))


if __name__ == "__main__":
    main()
