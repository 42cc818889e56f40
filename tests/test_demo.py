"""`serve --demo`: the two sample estates go in through the importer, once."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.cli.demo import DEMO_STAFF, bill_periods, load_demo_if_empty
from bot.clock import FrozenClock
from bot.settings import Settings
from bot.storage.db import create_engine, session_factory
from models import Bill, Building, Estate, Home, Resident, Staff, StaffEstate
from models.migrate import upgrade

# 00:30 on 1 Dec in Shanghai is still 30 Nov in UTC: the months follow the estate's time zone.
CLOCK = FrozenClock(datetime(2026, 12, 1, 0, 30, tzinfo=ZoneInfo("Asia/Shanghai")))


@pytest.fixture
async def settings(make_settings: Callable[..., Settings]) -> Settings:
    settings = make_settings()
    await asyncio.to_thread(upgrade, settings.database_url)
    return settings


async def test_loads_once_through_the_importer(settings: Settings, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="bot.demo")
    assert await load_demo_if_empty(settings, clock=CLOCK) is True
    summaries = [record.getMessage() for record in caplog.records if record.name == "bot.demo"]
    assert "demo estate: import owners: read=126 inserted=126 updated=0 unchanged=0 rejected=0" in summaries
    assert any(line.startswith("demo estate: import bills: read=") and line.endswith("rejected=0")
               for line in summaries)
    assert "demo estate: import staff: read=10 inserted=10 updated=0 unchanged=0 rejected=0" in summaries
    assert not [record for record in caplog.records if record.levelno >= logging.WARNING]

    caplog.clear()
    assert await load_demo_if_empty(settings, clock=CLOCK) is False
    assert [record.getMessage() for record in caplog.records] == [
        "demo estate not loaded: the database already has homes"
    ]


async def test_the_estate_is_plausible(settings: Settings) -> None:
    await load_demo_if_empty(settings, clock=CLOCK)
    engine = create_engine(settings.database_url)
    sessions = session_factory(engine)
    try:
        async with sessions() as session:
            assert sorted((await session.execute(select(Estate.code, Estate.name))).all()) == [
                ("default", "阳光花园"), ("lanting", "兰亭苑")]
            buildings = (await session.execute(select(Estate.code, Building.code).join(Building.estate))).all()
            assert sorted(buildings) == [("default", "1"), ("default", "2"), ("default", "3"), ("default", "B"),
                                         ("lanting", "5"), ("lanting", "6")]
            assert await session.scalar(select(func.count()).select_from(Home)) == 64 + 48
            roles = dict((await session.execute(select(Resident.role, func.count()).group_by(Resident.role))).all())
            assert roles["owner"] == 64 + 48 and roles["tenant"] >= 4
            lin = sorted((await session.execute(
                select(Estate.code, Home.room_key).join(Resident.home).join(Home.building).join(Building.estate)
                .where(Resident.phone == "13800000021"))).all())
            assert lin == [("default", "2-1-101"), ("lanting", "6-2-601")]  # an owner in both estates
            served = sorted((await session.execute(
                select(Staff.openid, StaffEstate.estate).join(StaffEstate, StaffEstate.staff_id == Staff.id))).all())
            assert ("demo-staff-he", "lanting") in served and ("demo-staff-wang", "default") in served
            assert not [row for row in served if row[0] == "demo-staff-sun"]  # the admin serves the company

            zhang = (await session.execute(
                select(Resident.name, Resident.role, Home.room_key).join(Resident.home)
                .where(Resident.phone == "13800000001")
            )).one()
            assert tuple(zhang) == ("张伟", "owner", "3-2-501")

            periods = sorted(set((await session.scalars(select(Bill.period))).all()))
            assert periods == bill_periods(CLOCK.now().astimezone(settings.tz).date())
            assert periods[0] == "2025-12" and periods[-1] == "2026-11"
            items = set((await session.scalars(select(Bill.item))).all())
            assert items == {"物业费", "停车费", "水费", "电费"}

            owing = dict((await session.execute(
                select(Home.room_key, func.count(func.distinct(Bill.period)))
                .join(Home, Home.id == Bill.home_id).where(Bill.paid.is_(False)).group_by(Home.room_key)
            )).all())
            assert owing["3-2-501"] == 2 and owing["2-1-302"] == 8 and owing["1-2-201"] == 4
            assert min(owing.values()) >= 1 and max(owing.values()) == 8
            assert 5 <= len(owing) <= 30  # most homes are paid up
            assert owing["5-1-302"] == 1  # 周敏, 兰亭苑

            unpaid_2_1_302 = await session.scalar(
                select(func.count()).select_from(Bill).join(Home, Home.id == Bill.home_id)
                .where(Home.room_key == "2-1-302", Bill.paid.is_(False))
            )
            assert unpaid_2_1_302 == 8 * 3  # 物业费, 水费, 电费 for eight months

            balances = dict((await session.execute(
                select(Home.room_key, Home.prepaid_balance).where(Home.prepaid_balance > Decimal("0.00"))
            )).all())
            assert balances == {"B-1203": Decimal("600.00"), "2-2-401": Decimal("1200.00")}
            assert (await session.scalars(select(Home.room_key).where(Home.in_custody))).all() == ["B-1401"]
            custody_fee, area = (await session.execute(
                select(Bill.amount, Home.area_m2).join(Home, Home.id == Bill.home_id)
                .where(Home.room_key == "B-1401", Bill.item == "物业费").limit(1)
            )).one()
            assert custody_fee == (area * Decimal("3.50") * Decimal("0.70")).quantize(Decimal("0.01"))

            staff = {row.openid: row for row in (await session.execute(select(Staff))).scalars()}
            assert set(staff) == {person.openid for person in DEMO_STAFF}
            assert staff["demo-staff-wang"].skill_set == {"水电", "渗漏水", "管道堵塞"}
            assert {person.role for person in staff.values()} == {"staff", "supervisor", "admin"}
    finally:
        await engine.dispose()


def test_bill_periods_cross_the_year() -> None:
    from datetime import date

    assert bill_periods(date(2026, 1, 15), 3) == ["2025-10", "2025-11", "2025-12"]


async def test_a_config_of_one_estate_gets_the_one_demo_estate(make_single_estate_settings) -> None:  # type: ignore[no-untyped-def]
    settings = make_single_estate_settings()
    await asyncio.to_thread(upgrade, settings.database_url)
    assert await load_demo_if_empty(settings, clock=CLOCK)
    engine = create_engine(settings.database_url)
    try:
        async with session_factory(engine)() as session:
            assert (await session.scalars(select(Estate.code))).all() == ["default"]
            assert await session.scalar(select(func.count()).select_from(Home)) == 64
            assert "demo-staff-he" not in set((await session.scalars(select(Staff.openid))).all())
    finally:
        await engine.dispose()
