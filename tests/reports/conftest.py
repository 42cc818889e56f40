"""October 2026 at 阳光花园, built through the real services with a frozen clock.

National Day (Oct 1-7) is a holiday in the working calendar. The script runs in time order and
ends on Tuesday Nov 3, 9:00; the scheduler's jobs run at the moments they would (the monthly
report on Nov 1, 9:00, the weekly one on Monday Nov 2, 9:00). Every figure the tests expect is
worked out by hand in the comments here and in test_figures.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.clock import FrozenClock
from bot.keys import JOBS, SERVICES, SESSIONS
from bot.settings import CalendarSettings
from handlers.domain.tickets import NewTicket
from models import Bill, Building, FeeReminder, Home, ReturnVisit, Staff, StaffEstate
from models import Estate as EstateRow
from tests.support.estate import seed_estate
from tests.support.understanding import gateway_dispatcher

TZ = ZoneInfo("Asia/Shanghai")
ADMIN_TOKEN = "report-admin-token"
NATIONAL_DAY = tuple(date(2026, 10, day) for day in range(1, 8))
SUMMARY_TEMPLATE = "TPL-SUMMARY"


def at(month: int, day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, second, tzinfo=TZ)


NOW = at(11, 3, 9)  # when the tests compute the reports


def report_settings_from(make_settings, **environ: str):  # type: ignore[no-untyped-def]
    """The estate's settings with National Day off and a template for the supervisors' summaries."""
    settings = make_settings(WUYEBOT_ADMIN_TOKEN=ADMIN_TOKEN, **environ)
    return settings.model_copy(update={
        "calendar": CalendarSettings(official_holidays=False, holidays=NATIONAL_DAY),  # a hand calendar
        "notifications": settings.notifications.model_copy(update={"templates": {"summary": SUMMARY_TEMPLATE}}),
    })


async def start_estate(start_service, settings):  # type: ignore[no-untyped-def]
    """An estate with nothing happening in it (the clock at NOW)."""
    clock = FrozenClock(NOW)
    service = await start_service(settings, clock=clock, dispatcher_factory=gateway_dispatcher, run_sender=False)
    async with service.app[SESSIONS].begin() as session:
        service.people = await seed_estate(session)
    service.clock = clock
    return service


@pytest.fixture
async def service(make_settings, start_service):  # type: ignore[no-untyped-def]
    return await start_estate(start_service, report_settings_from(make_settings))


@dataclass
class Estate:
    service: Any
    clock: FrozenClock
    numbers: dict[str, str] = field(default_factory=dict)

    @property
    def sessions(self):  # type: ignore[no-untyped-def]
        return self.service.app[SESSIONS]

    @property
    def people(self) -> dict[str, Any]:
        return self.service.people

    async def open(self, name: str, when: datetime, **fields: Any) -> None:
        self.clock.set(when)
        fields = {"description": name, "openid": "owner-zhang", "home_id": self.people["home"].id, **fields}
        async with self.sessions.begin() as session:
            opened = await self.service.app[SERVICES].intake.open(
                session, NewTicket(**fields), when, by="owner:owner-zhang", summary=name)
            assert opened.ticket.status == "assigned", name
            self.numbers[name] = opened.ticket.number

    async def act(self, name: str, when: datetime, *actions: str, by: str | None = None) -> None:
        self.clock.set(when)
        actor = self.people[by] if by else None
        async with self.sessions.begin() as session:
            services = self.service.app[SERVICES]
            ticket = await services.desk.load(session, self.numbers[name], for_update=True)
            for action in actions:
                await services.workflow.perform(session, ticket, action, when, actor=actor)

    async def rate(self, name: str, when: datetime, score: int) -> None:
        """The owner answers the return visit, recorded as the rating flow records it: 3 or more
        closes a finished ticket, 2 or less sends a repair back to maintenance (reopen)."""
        self.clock.set(when)
        async with self.sessions.begin() as session:
            services = self.service.app[SERVICES]
            ticket = await services.desk.load(session, self.numbers[name], for_update=True)
            visit = await session.scalar(
                select(ReturnVisit).where(ReturnVisit.ticket_id == ticket.id,
                                          ReturnVisit.status.in_(("scheduled", "sent", "phone"))))
            assert visit is not None, name
            visit.status, visit.score, visit.answered_at = "answered", score, when
            if score >= 3:
                for action in ("visit", "close"):
                    if ticket.status in ("completed", "visited"):
                        await services.desk.apply(session, ticket, action, when, by="owner:owner-zhang")
            elif ticket.kind == "repair":
                await services.workflow.perform(session, ticket, "reopen", when, actor=None, note="回访不满意")

    async def jobs(self, when: datetime) -> None:
        """The scheduler's tick at ``when``: return visits, SLA checks and any report due."""
        self.clock.set(when)
        await self.service.app[JOBS].run_due(when)


async def bills(estate: Estate) -> None:
    """501 owes 物业费 for March, September and October and October's parking; 502 paid October
    but for the water; 601 paid October but owes July and was reminded in August (the letter rung)."""
    async with estate.sessions.begin() as session:
        home, other = estate.people["home"], estate.people["other"]
        third = Home(building_id=home.building_id, unit="2", room="601", room_key="3-2-601")
        session.add(third)
        await session.flush()
        fee, parking, water = "物业费", "停车费", "水费"
        rows = [
            (home, "2026-03", fee, "268.50", False), (home, "2026-09", fee, "268.50", False),
            (home, "2026-10", fee, "268.50", False), (home, "2026-10", parking, "300.00", False),
            (home, "2026-11", fee, "268.50", False),  # not yet due on Nov 1
            (other, "2026-10", fee, "268.50", True), (other, "2026-10", parking, "300.00", True),
            (other, "2026-10", water, "45.30", False),
            (third, "2026-07", fee, "268.50", False), (third, "2026-10", fee, "268.50", True),
        ]
        session.add_all(Bill(home_id=h.id, period=p, item=i, amount=Decimal(a), paid=paid) for h, p, i, a, paid in rows)
        session.add(FeeReminder(home_id=third.id, month="2026-08", amount=Decimal("268.50"), months_owed=1,
                                oldest_period="2026-07", sent_at=at(8, 5, 10)))


@pytest.fixture
async def october(service) -> Estate:  # type: ignore[no-untyped-def]
    return await build_october(service)


async def build_october(service) -> Estate:  # type: ignore[no-untyped-def]
    estate = Estate(service, service.clock)
    await bills(estate)
    repair = {"kind": "repair"}
    # R1: reported the day before National Day; due on site Oct 8 10:00 and done by Oct 12 10:00,
    # because Oct 1-7 are not working days. Started Oct 8 9:30, finished Oct 9: on time.
    await estate.open("R1", at(9, 30, 10), category="水电", **repair)
    await estate.act("R1", at(10, 8, 9), "accept", by="wang")
    await estate.act("R1", at(10, 8, 9, 30), "start", by="wang")
    await estate.act("R1", at(10, 9, 15), "complete", by="wang")  # visit due Oct 11 15:00
    await estate.jobs(at(10, 11, 15))
    await estate.rate("R1", at(10, 11, 16), 5)
    # R2: on site due Oct 13 9:00, started 10:00: late.
    await estate.open("R2", at(10, 12, 9), category="水电", **repair)
    await estate.act("R2", at(10, 12, 10), "accept", by="wang")
    # S1: answered the next day (due Oct 15 10:00): on time.
    await estate.open("S1", at(10, 12, 10), kind="suggestion")
    await estate.act("S1", at(10, 12, 11), "accept", by="zhao")
    await estate.act("R2", at(10, 13, 10), "start", by="wang")
    await estate.act("S1", at(10, 13, 10), "start", by="zhao")
    await estate.act("R2", at(10, 13, 12), "complete", by="wang")  # visit due Oct 15 12:00
    await estate.act("S1", at(10, 13, 12, 30), "complete", by="zhao")
    # R3: finished on time, rated 2, reopened Fri Oct 16 17:00 with fresh clocks (on site due
    # Mon Oct 19 17:00), started 18:00: late by its latest deadlines.
    await estate.open("R3", at(10, 14, 9), category="门窗门锁", **repair)
    await estate.act("R3", at(10, 14, 10), "accept", "start", by="li")
    await estate.act("R3", at(10, 14, 16), "complete", by="li")  # visit due Oct 16 16:00
    await estate.jobs(at(10, 15, 12))
    await estate.rate("R2", at(10, 15, 13), 4)
    await estate.jobs(at(10, 16, 16))
    await estate.rate("R3", at(10, 16, 17), 2)
    await estate.act("R3", at(10, 19, 9), "accept", by="li")
    await estate.act("R3", at(10, 19, 18), "start", by="li")
    await estate.act("R3", at(10, 20, 10), "complete", by="li")  # second visit due Oct 22 10:00
    # C1 (minor, resolve due Oct 22 10:00): done Oct 21, closed; S2 answered a day late; R5 withdrawn.
    await estate.open("C1", at(10, 20, 10), kind="complaint", category="噪音", tier="minor")
    await estate.open("S2", at(10, 20, 10, 30), kind="suggestion")
    await estate.act("C1", at(10, 20, 11), "accept", by="zhao")
    await estate.open("R5", at(10, 20, 11), category="水电", **repair)
    await estate.act("R5", at(10, 20, 11, 30), "cancel")
    await estate.act("C1", at(10, 21, 10), "complete", by="zhao")
    # R6: on time; its visit goes unanswered and is handed to staff to phone (Oct 26 15:00).
    await estate.open("R6", at(10, 21, 10), category="门窗门锁", **repair)
    await estate.act("C1", at(10, 21, 11), "close", by="zhao")  # visit due Oct 24 11:00
    await estate.act("R6", at(10, 21, 11), "accept", "start", by="li")
    await estate.act("R6", at(10, 21, 15), "complete", by="li")  # visit due Oct 23 15:00
    # C5 (minor, resolve due Oct 24 10:00): closed Oct 23 in time, rated 1, reopened Oct 27 with
    # resolve due Oct 29 9:00, closed again Oct 30: late by its latest deadline.
    await estate.jobs(at(10, 22, 10))
    await estate.open("C5", at(10, 22, 10), kind="complaint", category="噪音", tier="minor")
    await estate.act("C5", at(10, 22, 10, 30), "accept", by="zhao")
    await estate.rate("R3", at(10, 22, 11), 5)
    await estate.act("C5", at(10, 23, 10), "complete", by="zhao")
    # C8 (minor, resolve due Oct 25 10:00): nobody ever takes it up.
    await estate.open("C8", at(10, 23, 10), kind="complaint", category="空调滴水", tier="minor")
    await estate.act("C5", at(10, 23, 11), "close", by="zhao")  # visit due Oct 26 11:00
    await estate.jobs(at(10, 23, 15))
    await estate.act("S2", at(10, 24, 10), "accept", "start", by="zhao")  # due Oct 23 10:30: late
    await estate.jobs(at(10, 24, 11))
    await estate.rate("C1", at(10, 24, 12), 4)
    # Week 44 (Oct 26 - Nov 1).
    # C2 (major): reported to the manager, answered Oct 27, done Nov 2 (resolve due Nov 5 9:00).
    await estate.open("C2", at(10, 26, 9), kind="complaint", category="高空抛物", tier="major")
    await estate.act("C2", at(10, 26, 10), "accept", by="zhao")
    await estate.jobs(at(10, 26, 11))
    await estate.rate("C5", at(10, 26, 12), 1)
    await estate.jobs(at(10, 26, 15))
    await estate.act("C5", at(10, 27, 9), "reopen", by="zhao")
    await estate.act("C5", at(10, 27, 9, 30), "accept", by="zhao")
    # C3 (important, resolve due Oct 30 10:00): taken up in time, still open.
    await estate.open("C3", at(10, 27, 10), kind="complaint", category="服务态度", tier="important")
    await estate.act("C2", at(10, 27, 10), "start", by="zhao")
    await estate.act("C3", at(10, 27, 10, 30), "accept", by="zhao")
    # C4 (minor, resolve due Oct 30 9:00): done and closed the same morning.
    await estate.open("C4", at(10, 28, 9), kind="complaint", category="停车", tier="minor")
    await estate.act("C4", at(10, 28, 9, 30), "accept", by="zhao")
    await estate.act("C4", at(10, 28, 10), "complete", "close", by="zhao")  # visit due Oct 31 10:00
    # C6: withdrawn within the hour.
    await estate.open("C6", at(10, 29, 10), kind="complaint", category="环境卫生", tier="minor")
    await estate.act("C6", at(10, 29, 11), "cancel")
    await estate.act("C5", at(10, 30, 10), "complete", by="zhao")
    await estate.act("C5", at(10, 30, 11), "close", by="zhao")  # second visit due Nov 2 11:00
    # R4: reported Oct 30, still open at the end of October, done Nov 2.
    await estate.open("R4", at(10, 30, 10), category="渗漏水", **repair)
    await estate.act("R4", at(10, 30, 11), "accept", by="wang")
    # S3 (due Nov 2 10:00): answered Nov 1, on time. S4 (due Nov 3 15:00): not yet answered on Nov 3.
    await estate.open("S3", at(10, 30, 12), kind="suggestion")
    await estate.jobs(at(10, 31, 10))  # C4's visit is sent, never answered
    await estate.open("S4", at(10, 31, 15), kind="suggestion")
    await estate.jobs(at(11, 1, 9))  # the monthly report for October
    await estate.act("S3", at(11, 1, 10), "accept", "start", by="zhao")
    await estate.jobs(at(11, 2, 9))  # the weekly report for week 44
    await estate.act("C2", at(11, 2, 10), "complete", by="zhao")
    await estate.act("R4", at(11, 2, 10), "start", by="wang")
    await estate.act("C2", at(11, 2, 11), "close", by="zhao")
    await estate.act("R4", at(11, 2, 16), "complete", by="wang")
    estate.clock.set(NOW)
    return estate


LANTING = "lanting"


@pytest.fixture
async def two_estates(october) -> Estate:  # type: ignore[no-untyped-def]
    return await add_lanting(october)


async def add_lanting(estate: Estate) -> Estate:
    """兰亭苑 beside October's 阳光花园: a home with the same room key 3-2-501, 孙师傅 who serves it
    only, its bills (September's 物业费 and October's 停车费 unpaid: ¥450.00 owed over 2 months) and
    three tickets of October: L1 a repair done Oct 13, L2 a repair still open, LC1 a complaint."""
    async with estate.sessions.begin() as session:
        lanting = await session.scalar(select(EstateRow).where(EstateRow.code == LANTING))
        assert lanting is not None  # made at start-up from config.yaml
        building = Building(estate_id=lanting.id, code="3")
        home = Home(building=building, unit="2", room="501", room_key="3-2-501")
        sun = Staff(name="孙师傅", phone="13900000009", openid="staff-sun", role="staff", skills="水电|噪音")
        session.add_all([building, home, sun])
        await session.flush()
        session.add(StaffEstate(staff_id=sun.id, estate=LANTING))
        session.add_all(Bill(home_id=home.id, period=period, item=item, amount=Decimal(amount), paid=paid)
                        for period, item, amount, paid in [("2026-09", "物业费", "300.00", False),
                                                           ("2026-10", "物业费", "300.00", True),
                                                           ("2026-10", "停车费", "150.00", False)])
    estate.people["lanting_home"], estate.people["sun"] = home, sun
    lanting_owner = {"home_id": home.id, "openid": "owner-sun"}
    await open_ticket(estate, "L1", at(10, 12, 9), kind="repair", category="水电", **lanting_owner)
    await estate.act("L1", at(10, 12, 10), "accept", "start", by="sun")
    await estate.act("L1", at(10, 13, 10), "complete", by="sun")
    await open_ticket(estate, "L2", at(10, 20, 9), kind="repair", category="水电", **lanting_owner)
    await open_ticket(estate, "LC1", at(10, 21, 9), kind="complaint", category="噪音", tier="minor", **lanting_owner)
    estate.clock.set(NOW)
    return estate


async def open_ticket(estate: Estate, name: str, when: datetime, **fields: Any) -> None:
    """A ticket opened through the intake, whoever it is routed to."""
    estate.clock.set(when)
    async with estate.sessions.begin() as session:
        opened = await estate.service.app[SERVICES].intake.open(
            session, NewTicket(description=name, **fields), when, by=f"owner:{fields['openid']}", summary=name)
        estate.numbers[name] = opened.ticket.number
