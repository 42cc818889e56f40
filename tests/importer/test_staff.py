"""Importing the staff list: roles, skills from the SPEC categories, openids."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.importer import import_file
from models import Staff
from tests.importer.conftest import STAFF_HEADER, write_csv, write_xlsx

Sessions = async_sessionmaker[AsyncSession]

GOOD = [
    STAFF_HEADER,
    ["赵敏", "13900000001", "demo-staff-zhao", "supervisor", ""],
    ["王强", "13900000003", "demo-staff-wang", "staff", "水电|渗漏水|管道堵塞"],
    ["周婷", "13900000005", "", "staff", "噪音|养犬宠物"],
]


async def staff(sessions: Sessions) -> list[tuple[str, str, str | None, str, str, bool]]:
    async with sessions() as session:
        rows = await session.execute(
            select(Staff.name, Staff.phone, Staff.openid, Staff.role, Staff.skills, Staff.on_duty).order_by(Staff.phone)
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


EXPECTED = [
    ("赵敏", "13900000001", "demo-staff-zhao", "supervisor", "", True),
    ("王强", "13900000003", "demo-staff-wang", "staff", "水电|渗漏水|管道堵塞", True),
    ("周婷", "13900000005", None, "staff", "噪音|养犬宠物", True),
]


async def test_good_csv_and_reimport(tmp_path: Path, sessions: Sessions) -> None:
    path = write_csv(tmp_path / "staff.csv", GOOD, "utf-8-sig")
    result = await import_file("staff", path, sessions)
    assert result.summary_line() == "import staff: read=3 inserted=3 updated=0 unchanged=0 rejected=0"
    assert await staff(sessions) == EXPECTED
    again = await import_file("staff", path, sessions)
    assert again.summary_line() == "import staff: read=3 inserted=0 updated=0 unchanged=3 rejected=0"


async def test_xlsx_with_chinese_header(tmp_path: Path, sessions: Sessions) -> None:
    path = write_xlsx(tmp_path / "staff.xlsx", [
        ["姓名", "手机", "openid", "角色", "技能"],
        ["赵敏", 13900000001, "demo-staff-zhao", "主管", None],
        ["王强", 13900000003, "demo-staff-wang", "员工", "水电、渗漏水、管道堵塞"],
        ["周婷", 13900000005, None, "staff", "噪音|养犬宠物"],
    ])
    result = await import_file("staff", path, sessions)
    assert result.ok, result.report_lines()
    assert await staff(sessions) == EXPECTED


async def test_corrected_file(tmp_path: Path, sessions: Sessions) -> None:
    await import_file("staff", write_csv(tmp_path / "staff.csv", GOOD), sessions)
    corrected = [
        STAFF_HEADER,
        ["赵敏", "13900000001", "", "admin", ""],  # promoted; an empty openid keeps the one on record
        ["王强", "13900000003", "demo-staff-wang", "staff", "水电|渗漏水|管道堵塞"],
        ["周婷", "13900000005", "demo-staff-zhou", "staff", "噪音|养犬宠物|服务态度"],
    ]
    result = await import_file("staff", write_csv(tmp_path / "corrected.csv", corrected), sessions)
    assert result.summary_line() == "import staff: read=3 inserted=0 updated=2 unchanged=1 rejected=0"
    assert await staff(sessions) == [
        ("赵敏", "13900000001", "demo-staff-zhao", "admin", "", True),
        ("王强", "13900000003", "demo-staff-wang", "staff", "水电|渗漏水|管道堵塞", True),
        ("周婷", "13900000005", "demo-staff-zhou", "staff", "噪音|养犬宠物|服务态度", True),
    ]


async def test_bad_rows(tmp_path: Path, sessions: Sessions) -> None:
    await import_file("staff", write_csv(tmp_path / "staff.csv", GOOD), sessions)
    rows = [
        ["姓名", "手机", "openid", "角色", "技能"],
        ["李军", "13900000004", "demo-staff-wang", "staff", "电梯"],  # 2 openid of 王强
        ["吴刚", "1390000006", "demo-staff-wu", "保安", "停车|保安"],  # 3 phone, role, skill
        ["郑洁", "13900000007", "demo-staff-zheng", "staff", "其他"],  # 4 ok
        ["孙丽", "13900000002", "demo-staff-zheng", "admin", ""],  # 5 openid of line 4
        ["郑洁", "13900000007", "demo-staff-zheng", "staff", "其他"],  # 6 duplicate of 4
    ]
    result = await import_file("staff", write_csv(tmp_path / "bad.csv", rows), sessions)
    assert result.report_lines()[:3] == [
        "第2行 openid: “demo-staff-wang” 已属于员工 王强，一个 openid 只能对应一位员工",
        "第3行 手机: “1390000006” 不是11位手机号",
        "第3行 角色: “保安” 应为 staff（员工）、supervisor（主管）或 admin（管理员）",
    ]
    assert result.report_lines()[3].startswith("第3行 技能: “保安” 不是报修或投诉分类，可用：水电、")
    assert result.report_lines()[4:] == [
        "第5行 openid: “demo-staff-zheng” 与第4行的 openid 相同，一个 openid 只能对应一位员工",
        "第6行: 与第4行重复，已跳过",
    ]
    assert result.summary_line() == "import staff: read=5 inserted=1 updated=0 unchanged=0 rejected=4"
    assert [row[0] for row in await staff(sessions)] == ["赵敏", "王强", "周婷", "郑洁"]


@pytest.mark.parametrize("batch_size", [1, 1000])
async def test_openid_held_when_the_import_started(tmp_path: Path, sessions: Sessions, batch_size: int) -> None:
    await import_file("staff", write_csv(tmp_path / "staff.csv", GOOD), sessions)
    rows = [
        STAFF_HEADER,
        ["王强", "13900000003", "wang-new", "staff", "水电"],  # gives up demo-staff-wang …
        ["李军", "13900000004", "demo-staff-wang", "staff", "电梯"],  # … but it is refused in this run,
    ]
    path = write_csv(tmp_path / "swap.csv", rows)
    result = await import_file("staff", path, sessions, batch_size=batch_size)
    assert result.summary_line() == "import staff: read=2 inserted=0 updated=1 unchanged=0 rejected=1"
    assert result.report_lines() == ["第3行 openid: “demo-staff-wang” 已属于员工 王强，一个 openid 只能对应一位员工"]
    again = await import_file("staff", path, sessions, batch_size=batch_size)  # … and taken on the next
    assert again.summary_line() == "import staff: read=2 inserted=1 updated=0 unchanged=1 rejected=0"
    assert ("李军", "13900000004", "demo-staff-wang", "staff", "电梯", True) in await staff(sessions)
