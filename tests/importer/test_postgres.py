"""The same imports on PostgreSQL: bulk INSERT … RETURNING, bulk UPDATE by primary key, exact money."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from bot.settings import Settings
from bot.storage.db import create_engine, session_factory
from handlers.importer import import_file
from models import Bill, Building, Estate, Home, Resident, Staff, StaffEstate
from models.migrate import upgrade
from tests.importer.conftest import BILLS_HEADER, OWNERS_HEADER, STAFF_HEADER, write_csv, write_xlsx


async def test_imports_on_postgres(tmp_path: Path, postgres_url: str) -> None:
    await asyncio.to_thread(upgrade, postgres_url)
    engine = create_engine(postgres_url)
    sessions = session_factory(engine)
    try:
        owners = write_csv(tmp_path / "owners.csv", [
            ["楼栋", "单元", "房号", "面积", "姓名", "手机", "身份"],
            ["3栋", "2单元", "501", "89.5", "张伟", "13800000001", "业主"],
            ["3", "2", "501", "", "刘洋", "13800000003", "租户"],
            ["B座", "", "1203", "120", "李娜", "13800000004", "业主"],
            ["3", "2", "5o1", "", "王芳", "13800000002", "业主"],
        ], "gbk")
        result = await import_file("owners", owners, sessions, estate="阳光花园", batch_size=2)
        assert result.summary_line() == "import owners: read=4 inserted=3 updated=0 unchanged=0 rejected=1"
        again = await import_file("owners", owners, sessions, estate="阳光花园")
        assert again.summary_line() == "import owners: read=4 inserted=0 updated=0 unchanged=3 rejected=1"

        bills = write_xlsx(tmp_path / "bills.xlsx", [
            BILLS_HEADER,
            [3, 2, 501, "2025-01", "物业费", 250.6, 1],
            [3, 2, 501, "2025-02", "物业费", 250.6, 0],
            ["B", None, 1203, "2025-02", "水费", 0.1, 1],
            [3, 2, 999, "2025-02", "水费", 0.1, 1],
        ])
        result = await import_file("bills", bills, sessions)
        assert result.summary_line() == "import bills: read=4 inserted=3 updated=0 unchanged=0 rejected=1"
        corrected = write_csv(tmp_path / "bills.csv", [
            BILLS_HEADER,
            ["3", "2", "501", "2025-02", "物业费", "250.60", "1"],
            ["B", "", "1203", "2025-02", "水费", "0.20", "1"],
            ["3", "2", "501", "2025-01", "物业费", "250.60", "1"],
        ])
        result = await import_file("bills", corrected, sessions)
        assert result.summary_line() == "import bills: read=3 inserted=0 updated=2 unchanged=1 rejected=0"

        staff = write_csv(tmp_path / "staff.csv",
                          [STAFF_HEADER, ["王强", "13900000003", "demo-staff-wang", "staff", "水电|渗漏水"]])
        assert (await import_file("staff", staff, sessions)).inserted == 1
        assert (await import_file("staff", staff, sessions)).unchanged == 1

        async with sessions() as session:
            assert (await session.execute(
                select(Home.room_key, Home.area_m2).order_by(Home.room_key)
            )).all() == [("3-2-501", Decimal("89.50")), ("B-1203", Decimal("120.00"))]
            assert len((await session.scalars(select(Resident.id))).all()) == 3
            assert (await session.execute(
                select(Bill.period, Bill.item, Bill.amount, Bill.paid).order_by(Bill.period, Bill.item)
            )).all() == [
                ("2025-01", "物业费", Decimal("250.60"), True),
                ("2025-02", "水费", Decimal("0.20"), True),
                ("2025-02", "物业费", Decimal("250.60"), True),
            ]
            assert await session.scalar(select(Staff.skills)) == "水电|渗漏水"
    finally:
        await engine.dispose()


async def test_two_estates_on_postgres(tmp_path: Path, postgres_url: str,
                                       make_settings: Callable[..., Settings]) -> None:
    """The same room in two estates is two homes; bills and staff estates land right (RETURNING by building)."""
    await asyncio.to_thread(upgrade, postgres_url)
    settings = make_settings(WUYEBOT_DATABASE_URL=postgres_url)
    engine = create_engine(postgres_url)
    sessions = session_factory(engine)
    try:
        owners = write_csv(tmp_path / "owners.csv", [
            [*OWNERS_HEADER, "estate"],
            ["3", "2", "501", "89.5", "张伟", "13800000001", "owner", "default"],
            ["3", "2", "501", "120", "陈静", "13800000009", "owner", "lanting"],
        ])
        result = await import_file("owners", owners, sessions, settings=settings)
        assert result.summary_line() == "import owners: read=2 inserted=2 updated=0 unchanged=0 rejected=0"
        bills = write_csv(tmp_path / "bills.csv", [
            BILLS_HEADER,
            ["3", "2", "501", "2025-01", "物业费", "300.00", "0"],
        ])
        assert (await import_file("bills", bills, sessions, settings=settings, estate="lanting")).ok
        staff = write_csv(tmp_path / "staff.csv", [[*STAFF_HEADER, "estate"],
                                                   ["王强", "13900000003", "", "staff", "水电", "default|lanting"]])
        assert (await import_file("staff", staff, sessions, settings=settings)).inserted == 1
        assert (await import_file("staff", staff, sessions, settings=settings)).unchanged == 1
        async with sessions() as session:
            assert (await session.execute(
                select(Estate.code, Home.room_key, Home.area_m2, Bill.amount)
                .join(Building, Building.estate_id == Estate.id).join(Home, Home.building_id == Building.id)
                .outerjoin(Bill, Bill.home_id == Home.id).order_by(Estate.code)
            )).all() == [("default", "3-2-501", Decimal("89.50"), None),
                         ("lanting", "3-2-501", Decimal("120.00"), Decimal("300.00"))]
            assert sorted(await session.scalars(select(StaffEstate.estate))) == ["default", "lanting"]
    finally:
        await engine.dispose()
