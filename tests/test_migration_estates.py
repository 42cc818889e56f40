"""Migration 0005 on a database made by the schema before estates (0004), with data in it.

Every ticket, bill, binding and staff member must survive; the estate there becomes ``default``
(the code a single-estate config.yaml has), so the deployment keeps working with no config change.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.clock import FrozenClock
from models.migrate import upgrade
from tests.support.chat import Chat

OLD_DATA = [
    "INSERT INTO estates (id, name) VALUES (1, '阳光花园')",
    "INSERT INTO buildings (id, estate_id, code) VALUES (1, 1, '3'), (2, 1, 'B')",
    "INSERT INTO homes (id, building_id, unit, room, room_key, in_custody, prepaid_balance) VALUES "
    "(1, 1, '2', '501', '3-2-501', false, 0), (2, 1, '2', '502', '3-2-502', false, 0), "
    "(3, 2, '', '1201', 'B-1201', false, 0)",
    "INSERT INTO residents (id, home_id, name, phone, role) VALUES (1, 1, '张伟', '13800000001', 'owner'), "
    "(2, 2, '李娜', '13800000002', 'owner')",
    "INSERT INTO wechat_accounts (openid, subscribed, prefers_traditional) VALUES ('o-zhang', true, false), "
    "('o-li', true, false)",
    "INSERT INTO home_bindings (id, openid, home_id, resident_id, role, status, is_current, created_at) VALUES "
    "(1, 'o-zhang', 1, 1, 'owner', 'active', true, '2026-11-01 10:00:00+08:00'), "
    "(2, 'o-li', 2, 2, 'owner', 'active', true, '2026-11-01 10:00:00+08:00')",
    "INSERT INTO staff (id, name, phone, role, skills, on_duty) VALUES "
    "(1, '王师傅', '13900000001', 'staff', '水电', true), "
    "(2, '赵主管', '13900000003', 'supervisor', '', true), (3, '陈经理', '13900000004', 'admin', '', true)",
    "INSERT INTO tickets (id, number, kind, status, home_id, place, description, multi_trade, openid, created_at, "
    "updated_at) VALUES (1, 'R20261101001', 'repair', 'closed', 1, NULL, '卫生间漏水', false, 'o-zhang', "
    "'2026-11-01 10:00:00+08:00', '2026-11-02 10:00:00+08:00'), "
    "(2, 'R20261101002', 'repair', 'assigned', NULL, '3栋电梯', '电梯坏了', false, NULL, "
    "'2026-11-01 11:00:00+08:00', '2026-11-01 11:00:00+08:00'), "
    "(3, 'C20261101001', 'complaint', 'new', 2, NULL, '噪音', false, 'o-li', "
    "'2026-11-01 12:00:00+08:00', '2026-11-01 12:00:00+08:00')",
    # amounts in fen, as models.types.Money stores them
    "INSERT INTO bills (id, home_id, period, item, amount, paid) VALUES (1, 1, '2026-10', '物业费', 23550, false), "
    "(2, 1, '2026-09', '物业费', 23550, true), (3, 2, '2026-10', '物业费', 19800, false)",
]

COUNTS = ("tickets", "bills", "home_bindings", "homes", "residents", "staff", "wechat_accounts")


async def _migrate_with_old_data(url: str) -> dict[str, object]:
    await asyncio.to_thread(upgrade, url, "0004")
    engine = create_async_engine(url)
    async with engine.begin() as connection:
        for statement in OLD_DATA:
            await connection.execute(text(statement))
        before = {table: await connection.scalar(text(f"SELECT count(*) FROM {table}")) for table in COUNTS}
    await asyncio.to_thread(upgrade, url)
    async with engine.connect() as connection:
        after = {table: await connection.scalar(text(f"SELECT count(*) FROM {table}")) for table in COUNTS}
        estates = [tuple(row) for row in await connection.execute(text("SELECT code, name FROM estates"))]
        tickets = dict((await connection.execute(text("SELECT number, estate FROM tickets"))).all())
        served = sorted(tuple(row) for row in await connection.execute(
            text("SELECT staff_id, estate FROM staff_estates")))
        owing = await connection.scalar(text(
            "SELECT sum(amount) FROM bills JOIN homes ON homes.id = bills.home_id JOIN buildings ON "
            "buildings.id = homes.building_id JOIN estates ON estates.id = buildings.estate_id "
            "WHERE estates.code = 'default' AND NOT bills.paid"))
    await engine.dispose()
    return {"before": before, "after": after, "estates": estates, "tickets": tickets, "served": served,
            "owing": owing}


def _check(result: dict[str, object]) -> None:
    assert result["after"] == result["before"], "a row was lost or added by the migration"
    assert result["estates"] == [("default", "阳光花园")]
    assert result["tickets"] == {"R20261101001": "default", "R20261101002": "default", "C20261101001": "default"}
    assert result["served"] == [(1, "default"), (2, "default")]  # the admin serves the company without rows
    assert result["owing"] == 43350  # fen


async def test_a_single_estate_sqlite_database_migrates_to_the_default_estate_keeping_everything(
        tmp_path: Path) -> None:
    _check(await _migrate_with_old_data(f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"))


async def test_a_single_estate_postgresql_database_migrates_the_same(postgres_url: str) -> None:
    _check(await _migrate_with_old_data(postgres_url))


@pytest.mark.sqlite_only("migrates a new file from an old revision; PostgreSQL's migration is the test above")
async def test_the_migrated_database_serves_todays_config_and_its_owners(  # type: ignore[no-untyped-def]
        start_service, make_single_estate_settings) -> None:
    """Today's config.yaml (one estate, no ``estates``) on the migrated data: the owner's bills and tickets."""
    settings = make_single_estate_settings()
    await _migrate_with_old_data(settings.database_url)
    clock = FrozenClock(datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    service = await start_service(settings, clock=clock, run_sender=False)
    chat = Chat(service=service, clock=clock, people={})
    assert "235.50" in await chat.person("o-zhang").says("我家物业费还欠多少")
    assert "R20261101001" in await chat.person("o-zhang").says("R20261101001进度怎么样")


async def test_two_instances_starting_at_once_both_find_the_estates_rows(postgres_url: str, make_settings) -> None:  # type: ignore[no-untyped-def]
    """`serve` on two machines, or `jobs run-due` beside `serve`: each writes config.yaml's estates at start."""
    from bot.storage.db import create_engine, session_factory
    from handlers import sync_estates

    settings = make_settings(WUYEBOT_DATABASE_URL=postgres_url)
    await asyncio.to_thread(upgrade, postgres_url)
    engine = create_engine(postgres_url)
    sessions = session_factory(engine)

    async def start() -> None:
        async with sessions.begin() as session:
            await sync_estates(session, settings)
            await asyncio.sleep(0.3)  # both have read "no rows" and written theirs before either commits

    try:
        await asyncio.gather(start(), start())
        async with sessions() as session:
            codes = sorted((await session.scalars(text("SELECT code FROM estates"))).all())
    finally:
        await engine.dispose()
    assert codes == ["default", "lanting"]
