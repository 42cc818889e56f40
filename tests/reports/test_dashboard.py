"""The console's dashboard on a real SQLite file: 阳光花园 (default) and 兰亭苑 (lanting) on Thursday
Dec 10, 2026, 15:00, with every figure worked out by hand beside the rows that make it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from decimal import Decimal
from itertools import count
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.settings import Settings
from bot.storage.db import create_engine, session_factory
from handlers.reports.dashboard import CategoryCount, Dashboard, EstateCollection, WeekScore, dashboard
from models import Bill, Building, Estate, Home, ReturnVisit, Ticket, TicketDeadline
from models.migrate import upgrade_async

TZ = ZoneInfo("Asia/Shanghai")
ALL = None  # an admin: every estate
SUNSHINE, LANTING = frozenset({"default"}), frozenset({"lanting"})
WEEKS = ("10/19", "10/26", "11/2", "11/9", "11/16", "11/23", "11/30", "12/7")


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=TZ)


NOW = at(12, 10, 15)  # Thursday of ISO week 50 (Mon Dec 7)
_numbers = count(1)


def ticket(estate: str, kind: str, category: str | None, status: str, created: datetime,
           *deadlines: tuple[datetime, datetime | None]) -> Ticket:
    """A ticket as the desk leaves it, with its deadlines (due, met)."""
    return Ticket(number=f"T{next(_numbers):06d}", kind=kind, estate=estate, category=category, status=status,
                  description="", created_at=created, updated_at=created,
                  deadlines=[TicketDeadline(name=f"clock{i}", starts_at=created, due_at=due, met_at=met)
                             for i, (due, met) in enumerate(deadlines)])


def visit(of: Ticket, answered: datetime | None, score: int | None) -> ReturnVisit:
    return ReturnVisit(ticket_id=of.id, openid="owner", due_at=of.created_at + timedelta(days=2),
                       status="answered" if score else "sent", score=score, answered_at=answered)


@pytest.fixture
async def sessions(make_settings: Any) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    settings = make_settings()
    await upgrade_async(settings.database_url)
    engine = create_engine(settings.database_url)
    yield session_factory(engine)
    await engine.dispose()


@pytest.fixture
def settings(make_settings: Any) -> Settings:
    return make_settings()  # type: ignore[no-any-return]


@pytest.fixture
async def december(sessions: async_sessionmaker[AsyncSession]) -> async_sessionmaker[AsyncSession]:
    async with sessions.begin() as session:
        estates = {code: Estate(code=code, name=name) for code, name in [
            ("default", "阳光花园"), ("lanting", "兰亭苑"), ("oldtown", "老城花园"), ("gone", "旧盘")]}
        homes = {code: Home(building=Building(estate=estate, code="1"), unit="1", room="101", room_key="1-1-101")
                 for code, estate in estates.items()}
        session.add_all([*estates.values(), *homes.values()])
        tickets = {
            # today (local): created 07:00 on Dec 10, which is still Dec 9 in UTC; due tomorrow
            "A": ticket("default", "repair", "水电", "assigned", at(12, 10, 7), (at(12, 11, 7), None)),
            # open, its resolve clock ran out yesterday: overdue
            "B": ticket("default", "repair", "水电", "in_progress", at(12, 1), (at(12, 2), at(12, 1, 10)),
                        (at(12, 9), None)),
            # open, due exactly now: not yet overdue
            "C": ticket("default", "complaint", "噪音", "accepted", at(12, 5), (NOW, None)),
            # completed with an unmet clock: not open, so not overdue
            "D": ticket("default", "repair", "门窗门锁", "completed", at(12, 2), (at(12, 3), None)),
            # open, its clock met late: not overdue
            "E": ticket("default", "suggestion", None, "new", at(12, 8), (at(12, 9, 10), at(12, 9, 12))),
            # more than 30 days ago: in no figure but a return visit's week
            "F": ticket("default", "repair", "水电", "closed", at(11, 1)),
            # yesterday 23:30 local: not today's
            "G": ticket("default", "complaint", "噪音", "closed", at(12, 9, 23, 30)),
            # 兰亭苑: new today and already late; a parking complaint of November
            "L1": ticket("lanting", "repair", "水电", "new", at(12, 10, 10), (at(12, 10, 11), None)),
            "L2": ticket("lanting", "complaint", "停车", "closed", at(11, 20)),
        }
        session.add_all(tickets.values())
        await session.flush()
        f, g, l1 = tickets["F"], tickets["G"], tickets["L1"]
        session.add_all([
            visit(f, at(12, 8), 5), visit(f, at(12, 9), 3),
            visit(f, at(12, 7, 0, 30), 5),  # Monday 00:30 local (Sunday in UTC): this week
            visit(l1, at(12, 10, 9), 4),
            visit(g, at(10, 20), 2),  # the oldest week shown
            visit(g, at(10, 18), 5),  # the week before it: not shown
            visit(g, None, None),  # sent, never answered
        ])
        session.add_all(Bill(home_id=homes[code].id, period=period, item=item, amount=Decimal(amount), paid=paid)
                        for code, period, item, amount, paid in [
                            ("default", "2026-12", "物业费", "268.50", True),
                            ("default", "2026-12", "停车费", "300.00", False),
                            ("default", "2026-11", "物业费", "268.50", False),  # last month: not shown
                            ("lanting", "2026-11", "物业费", "300.00", False),  # no bill this month
                            ("oldtown", "2026-12", "物业费", "100.00", False),  # on file, not configured
                        ])
    return sessions


async def board(sessions: async_sessionmaker[AsyncSession], settings: Settings,
                estates: frozenset[str] | None, now: datetime = NOW) -> Dashboard:
    async with sessions() as session:
        return await dashboard(session, settings, now, estates)


class TestTickets:
    async def test_today_open_and_overdue(self, december, settings) -> None:  # type: ignore[no-untyped-def]
        company = await board(december, settings, ALL)
        assert (company.today_new, company.open, company.overdue) == (2, 5, 2)  # A L1; A B C E L1; B L1

    async def test_each_estate_counts_its_own(self, december, settings) -> None:  # type: ignore[no-untyped-def]
        sunshine, lanting = await board(december, settings, SUNSHINE), await board(december, settings, LANTING)
        assert (sunshine.today_new, sunshine.open, sunshine.overdue) == (1, 4, 1)
        assert (lanting.today_new, lanting.open, lanting.overdue) == (1, 1, 1)
        nothing = await board(december, settings, frozenset())
        assert (nothing.today_new, nothing.open, nothing.overdue, nothing.by_category, nothing.collection) == (
            0, 0, 0, (), ())

    async def test_overdue_moves_with_the_clock(self, december, settings) -> None:  # type: ignore[no-untyped-def]
        # a minute later C's clock has run out; the next morning A's too, and nothing is new that day
        assert (await board(december, settings, SUNSHINE, NOW + timedelta(minutes=1))).overdue == 2
        tomorrow = await board(december, settings, SUNSHINE, at(12, 11, 8))
        assert (tomorrow.today_new, tomorrow.overdue) == (0, 3)
        # the day before anything was due: B's clock ran out Dec 9, A's and C's later
        assert (await board(december, settings, SUNSHINE, at(12, 8, 23))).overdue == 0


class TestCategories:
    async def test_the_last_30_days_largest_first(self, december, settings) -> None:  # type: ignore[no-untyped-def]
        assert (await board(december, settings, ALL)).by_category == (
            CategoryCount("水电", 3), CategoryCount("噪音", 2), CategoryCount("停车", 1),
            CategoryCount("门窗门锁", 1), CategoryCount("其他", 1))  # 其他: E, a suggestion
        assert (await board(december, settings, LANTING)).by_category == (
            CategoryCount("停车", 1), CategoryCount("水电", 1))  # a tie: by name

    async def test_at_most_eight_bars(self, sessions, settings) -> None:  # type: ignore[no-untyped-def]
        async with sessions.begin() as session:
            session.add(Estate(code="default", name="阳光花园"))
            session.add_all(ticket("default", "repair", f"类{n}", "closed", at(12, 1))
                            for n in range(1, 10) for _ in range(n))  # 类1 once … 类9 nine times
            session.add(ticket("default", "suggestion", None, "closed", at(12, 1)))
        bars = (await board(sessions, settings, ALL)).by_category
        assert [(bar.category, bar.count) for bar in bars] == [
            ("类9", 9), ("类8", 8), ("类7", 7), ("类6", 6), ("类5", 5), ("类4", 4), ("类3", 3), ("其他", 1 + 2 + 1)]


class TestSatisfaction:
    async def test_eight_weeks_oldest_first(self, december, settings) -> None:  # type: ignore[no-untyped-def]
        weeks = (await board(december, settings, ALL)).satisfaction
        assert tuple(week.label for week in weeks) == WEEKS
        assert weeks[0] == WeekScore("10/19", 1, 0, Decimal("0.0000"))
        assert weeks[-1] == WeekScore("12/7", 4, 3, Decimal("0.7500"))  # 5 3 5 here, 4 at 兰亭苑
        assert all(week.rated == 0 and week.rate is None for week in weeks[1:-1])

    async def test_by_the_visited_tickets_estate(self, december, settings) -> None:  # type: ignore[no-untyped-def]
        assert (await board(december, settings, SUNSHINE)).satisfaction[-1] == WeekScore("12/7", 3, 2,
                                                                                         Decimal("0.6667"))
        lanting = (await board(december, settings, LANTING)).satisfaction
        assert lanting[-1] == WeekScore("12/7", 1, 1, Decimal("1.0000"))
        assert lanting[0].rated == 0


class TestCollection:
    async def test_this_months_bills_per_estate(self, december, settings) -> None:  # type: ignore[no-untyped-def]
        company = await board(december, settings, ALL)
        assert company.month == "2026-12"
        assert company.collection == (
            EstateCollection("default", "阳光花园", Decimal("568.50"), Decimal("268.50"), Decimal("0.4723")),
            EstateCollection("lanting", "兰亭苑", Decimal("0.00"), Decimal("0.00"), None),  # configured, unbilled
            EstateCollection("oldtown", "老城花园", Decimal("100.00"), Decimal("0.00"), Decimal("0.0000")),
        )  # 旧盘 is neither configured nor billed

    async def test_only_the_estates_served(self, december, settings) -> None:  # type: ignore[no-untyped-def]
        assert [row.code for row in (await board(december, settings, LANTING)).collection] == ["lanting"]
        assert (await board(december, settings, frozenset({"oldtown", "default"}))).collection[1].code == "oldtown"

    async def test_the_month_is_local(self, december, settings) -> None:  # type: ignore[no-untyped-def]
        # Dec 1, 00:30 in Shanghai is still November in UTC
        assert (await board(december, settings, ALL, at(12, 1, 0, 30))).month == "2026-12"
        assert (await board(december, settings, ALL, at(11, 30, 23))).month == "2026-11"
