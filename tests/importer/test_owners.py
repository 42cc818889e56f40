"""Importing the owner register (业主档案): homes, buildings and residents."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.importer import EmptyFile, HeaderError, import_file
from models import Building, Estate, Home, Resident
from tests.importer.conftest import OWNERS_HEADER, write_csv, write_xlsx

Sessions = async_sessionmaker[AsyncSession]

GOOD = [
    OWNERS_HEADER,
    ["3", "2", "501", "89.5", "张伟", "13800000001", "owner"],
    ["3", "2", "501", "", "刘洋", "13800000003", "tenant"],
    ["B", "", "1203", "120.00", "李娜", "13800000004", "owner"],
    ["1", "1", "101", "95.37", "王芳", "13800000002", "owner"],
]
GOOD_CHINESE = [
    ["楼栋", "单元", "房号", "面积", "姓名", "手机", "身份"],
    ["3栋", "2单元", "501室", "89.50", "张伟", "138 0000 0001", "业主"],
    ["三号楼", "二单元", "501", "", "刘洋", "13800000003", "租户"],
    ["B座", "", "1203", "120", "李娜", "13800000004", "业主"],
    ["", "", "1栋1单元101", "95.37", "王芳", "13800000002", "业主"],
]


async def residents(sessions: Sessions) -> list[tuple[str, str, str, str, Decimal | None]]:
    async with sessions() as session:
        rows = await session.execute(
            select(Home.room_key, Resident.name, Resident.phone, Resident.role, Home.area_m2)
            .join(Resident.home)
            .order_by(Home.room_key, Resident.phone)
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


async def count(sessions: Sessions, model: type) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


EXPECTED = [
    ("1-1-101", "王芳", "13800000002", "owner", Decimal("95.37")),
    ("3-2-501", "张伟", "13800000001", "owner", Decimal("89.50")),
    ("3-2-501", "刘洋", "13800000003", "tenant", Decimal("89.50")),
    ("B-1203", "李娜", "13800000004", "owner", Decimal("120.00")),
]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
@pytest.mark.parametrize("rows", [GOOD, GOOD_CHINESE], ids=["contract-header", "chinese-header"])
async def test_good_csv(tmp_path: Path, sessions: Sessions, encoding: str, rows: list[list[str]]) -> None:
    path = write_csv(tmp_path / "owners.csv", rows, encoding)
    result = await import_file("owners", path, sessions, estate="阳光花园")
    assert result.summary_line() == "import owners: read=4 inserted=4 updated=0 unchanged=0 rejected=0"
    assert result.report_lines() == []
    assert await residents(sessions) == EXPECTED


async def test_good_xlsx_with_numbers_as_numbers(tmp_path: Path, sessions: Sessions) -> None:
    path = write_xlsx(tmp_path / "owners.xlsx", [
        ["楼栋", "单元", "房号", "面积", "姓名", "手机", "身份"],
        [3, 2, 501, 89.5, "张伟", 13800000001, "业主"],
        [3, 2, 501, None, "刘洋", 13800000003, "租户"],
        ["B座", None, 1203, 120, "李娜", 13800000004, "业主"],
        [1, 1, 101, 95.37, "王芳", 13800000002.0, "owner"],
    ])
    result = await import_file("owners", path, sessions, estate="阳光花园")
    assert result.summary_line() == "import owners: read=4 inserted=4 updated=0 unchanged=0 rejected=0"
    assert await residents(sessions) == EXPECTED


async def test_homes_buildings_and_estate(tmp_path: Path, sessions: Sessions) -> None:
    await import_file("owners", write_csv(tmp_path / "owners.csv", GOOD), sessions, estate="阳光花园")
    async with sessions() as session:
        assert (await session.scalars(select(Estate.name))).all() == ["阳光花园"]
        assert sorted((await session.scalars(select(Building.code))).all()) == ["1", "3", "B"]
        homes = (await session.execute(select(Home.room_key, Home.unit, Home.room).order_by(Home.room_key))).all()
    assert [tuple(home) for home in homes] == [("1-1-101", "1", "101"), ("3-2-501", "2", "501"), ("B-1203", "", "1203")]


async def test_reimport_changes_nothing(tmp_path: Path, sessions: Sessions) -> None:
    path = write_csv(tmp_path / "owners.csv", GOOD)
    await import_file("owners", path, sessions, estate="阳光花园")
    again = await import_file("owners", path, sessions, estate="阳光花园")
    assert again.summary_line() == "import owners: read=4 inserted=0 updated=0 unchanged=4 rejected=0"
    # The same register written another way is the same register.
    chinese = await import_file("owners", write_csv(tmp_path / "zh.csv", GOOD_CHINESE, "gbk"), sessions)
    assert chinese.summary_line() == "import owners: read=4 inserted=0 updated=0 unchanged=4 rejected=0"
    assert await residents(sessions) == EXPECTED
    assert (await count(sessions, Home), await count(sessions, Building), await count(sessions, Estate)) == (3, 3, 1)


async def test_corrected_file_updates_the_rows_it_names(tmp_path: Path, sessions: Sessions) -> None:
    await import_file("owners", write_csv(tmp_path / "owners.csv", GOOD), sessions, estate="阳光花园")
    corrected = [
        OWNERS_HEADER,
        ["3", "2", "501", "90.10", "张伟", "13800000001", "owner"],  # area corrected
        ["3", "2", "501", "", "刘阳", "13800000003", "tenant"],  # name corrected
        ["1", "1", "101", "", "王芳", "13800000002", "owner"],  # empty area keeps the area
        ["1", "1", "102", "88", "赵磊", "13800000008", "owner"],  # new home
    ]
    result = await import_file("owners", write_csv(tmp_path / "corrected.csv", corrected), sessions)
    assert result.summary_line() == "import owners: read=4 inserted=1 updated=2 unchanged=1 rejected=0"
    assert await residents(sessions) == [
        ("1-1-101", "王芳", "13800000002", "owner", Decimal("95.37")),
        ("1-1-102", "赵磊", "13800000008", "owner", Decimal("88.00")),
        ("3-2-501", "张伟", "13800000001", "owner", Decimal("90.10")),
        ("3-2-501", "刘阳", "13800000003", "tenant", Decimal("90.10")),
        ("B-1203", "李娜", "13800000004", "owner", Decimal("120.00")),  # not in the file: kept, never removed
    ]


async def test_bad_rows_are_reported_and_good_rows_committed(tmp_path: Path, sessions: Sessions) -> None:
    rows = [
        ["楼栋", "单元", "房号", "面积", "姓名", "手机", "身份"],
        ["3", "2", "501", "89.50", "张伟", "13800000001", "业主"],  # 2 ok
        ["3", "2", "502", "89.50", "李娜", "1380013800", "业主"],  # 3 bad phone
        ["3", "2", "5o3", "89.50", "王芳", "13800000002", "业主"],  # 4 unknown room format
        ["", "", "601", "", "", "13800000005", "房东"],  # 5 three problems
        ["3", "2", "501", "89.5", "张伟", "13800000001", "owner"],  # 6 duplicate of 2
        ["3", "2", "501", "", "张薇", "13800000001", "owner"],  # 7 conflict with 2
        ["3", "2", "501", "91", "刘洋", "13800000003", "tenant"],  # 8 area differs from line 2
        ["3", "2", "504", "-5", "陈静", "13800000006", "owner"],  # 9 negative area
        ["B座", "", "1203", "120", "赵磊", "13800000008", "owner"],  # 10 ok
    ]
    result = await import_file("owners", write_csv(tmp_path / "owners.csv", rows, "gbk"), sessions)
    assert result.report_lines() == [
        "第3行 手机: “1380013800” 不是11位手机号",
        "第4行 房号: “5o3” 无法识别为房号（例如 501、3栋2单元501、3-2-501、B座1203）",
        "第5行 楼栋: 不能为空（房号 “601” 没有写楼栋）",
        "第5行 姓名: 不能为空",
        "第5行 身份: “房东” 应为 owner（业主）或 tenant（租户）",
        "第6行: 与第2行重复，已跳过",
        "第7行: 与第2行是同一房屋（3-2-501）的同一手机号，但内容不同；以第2行为准，本行未导入",
        "第8行 面积: 91.00 与第2行同一房屋 3-2-501 的面积 89.50 不一致",
        "第9行 面积: “-5” 面积不能是负数",
    ]
    assert result.summary_line() == "import owners: read=9 inserted=2 updated=0 unchanged=0 rejected=7"
    assert [row[:3] for row in await residents(sessions)] == [
        ("3-2-501", "张伟", "13800000001"), ("B-1203", "赵磊", "13800000008"),
    ]


async def test_wrong_header_writes_nothing(tmp_path: Path, sessions: Sessions) -> None:
    rows = [["楼栋", "房号", "面积", "姓名", "手机", "身份"], ["3", "501", "89", "张伟", "13800000001", "业主"]]
    with pytest.raises(HeaderError) as caught:
        await import_file("owners", write_csv(tmp_path / "owners.csv", rows), sessions)
    assert str(caught.value) == (
        "表头有误：缺少 unit（单元）列；应为 building,unit,room,area_m2,name,phone,role"
        "（或 楼栋,单元,房号,面积,姓名,手机,身份），文件中是 楼栋,房号,面积,姓名,手机,身份"
    )
    assert await count(sessions, Estate) == 0


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", ",".join(OWNERS_HEADER).encode() + b"\r\n\r\n"])
async def test_empty_file_is_an_error(tmp_path: Path, sessions: Sessions, content: bytes) -> None:
    path = tmp_path / "owners.csv"
    path.write_bytes(content)
    with pytest.raises(EmptyFile):
        await import_file("owners", path, sessions)


async def test_batches_do_not_change_the_outcome(tmp_path: Path, sessions: Sessions) -> None:
    rows = [OWNERS_HEADER] + [["3", "2", f"{floor}0{n}", "", f"住户{floor}{n}", f"1380000{floor:02d}{n:02d}", "owner"]
                              for floor in range(1, 20) for n in range(1, 5)]
    rows.append(["3", "2", "101", "", "住户11", "13800000101", "owner"])  # duplicate across batches
    result = await import_file("owners", write_csv(tmp_path / "owners.csv", rows), sessions, batch_size=7)
    assert result.summary_line() == "import owners: read=77 inserted=76 updated=0 unchanged=0 rejected=1"
    assert result.report_lines() == ["第78行: 与第2行重复，已跳过"]
    assert await count(sessions, Home) == 76
