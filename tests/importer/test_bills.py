"""Importing bills (账单): exact money, real months, only for homes on the register."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.importer import HeaderError, import_file
from models import Bill, Home
from tests.importer.conftest import BILLS_HEADER, OWNERS_HEADER, write_csv, write_xlsx

Sessions = async_sessionmaker[AsyncSession]


@pytest.fixture
async def estate(tmp_path: Path, sessions: Sessions) -> Sessions:
    owners = [
        OWNERS_HEADER,
        ["3", "2", "501", "89.50", "张伟", "13800000001", "owner"],
        ["B", "", "1203", "120", "李娜", "13800000004", "owner"],
    ]
    result = await import_file("owners", write_csv(tmp_path / "owners.csv", owners), sessions, estate="阳光花园")
    assert result.ok
    return sessions


async def bills(sessions: Sessions) -> list[tuple[str, str, str, Decimal, bool]]:
    async with sessions() as session:
        rows = await session.execute(
            select(Home.room_key, Bill.period, Bill.item, Bill.amount, Bill.paid)
            .join(Home, Home.id == Bill.home_id)
            .order_by(Home.room_key, Bill.period, Bill.item)
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


GOOD = [
    BILLS_HEADER,
    ["3", "2", "501", "2025-01", "物业费", "250.60", "1"],
    ["3", "2", "501", "2025-02", "物业费", "250.6", "0"],
    ["3", "2", "501", "2025-02", "停车费", "300", "0"],
    ["B", "", "1203", "2025-02", "水费", "0.1", "1"],
]
EXPECTED = [
    ("3-2-501", "2025-01", "物业费", Decimal("250.60"), True),
    ("3-2-501", "2025-02", "停车费", Decimal("300.00"), False),
    ("3-2-501", "2025-02", "物业费", Decimal("250.60"), False),
    ("B-1203", "2025-02", "水费", Decimal("0.10"), True),
]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
async def test_good_csv(tmp_path: Path, estate: Sessions, encoding: str) -> None:
    result = await import_file("bills", write_csv(tmp_path / "bills.csv", GOOD, encoding), estate)
    assert result.summary_line() == "import bills: read=4 inserted=4 updated=0 unchanged=0 rejected=0"
    assert await bills(estate) == EXPECTED


async def test_chinese_header_and_forms(tmp_path: Path, estate: Sessions) -> None:
    rows = [
        ["楼栋", "单元", "房号", "账期", "项目", "金额", "已缴"],
        ["3栋", "2单元", "501", "2025年1月", "物业费", "￥250.60", "是"],
        ["", "", "3-2-501", "2025/02", "物业费", "250.60", "否"],
        ["", "", "3栋2单元501", "2025-2", "停车费", "300.00", "未缴"],
        ["B座", "", "1203室", "202502", "水费", "0.10", "已缴"],
    ]
    result = await import_file("bills", write_csv(tmp_path / "bills.csv", rows, "gbk"), estate)
    assert result.ok, result.report_lines()
    assert await bills(estate) == EXPECTED


async def test_xlsx_numbers_become_exact_money(tmp_path: Path, estate: Sessions) -> None:
    path = write_xlsx(tmp_path / "bills.xlsx", [
        BILLS_HEADER,
        [3, 2, 501, "2025-01", "物业费", 250.6, 1],
        [3, 2, 501, "2025-02", "物业费", 250.60, 0],
        [3, 2, 501, "2025-02", "停车费", 300, False],
        ["B", None, 1203, "2025-02", "水费", 0.1, True],
    ])
    result = await import_file("bills", path, estate)
    assert result.summary_line() == "import bills: read=4 inserted=4 updated=0 unchanged=0 rejected=0"
    assert await bills(estate) == EXPECTED


async def test_bad_rows(tmp_path: Path, estate: Sessions) -> None:
    rows = [
        BILLS_HEADER,
        ["3", "2", "501", "2025-13", "物业费", "250.60", "1"],  # 2 month 13
        ["3", "2", "501", "2025-01", "物业费", "-1", "1"],  # 3 negative
        ["3", "2", "501", "2025-01", "停车费", "三百", "1"],  # 4 not a number
        ["3", "2", "501", "2025-01", "水费", "12.345", "1"],  # 5 three decimals
        ["3", "2", "999", "2025-01", "物业费", "250.60", "1"],  # 6 unknown home
        ["3", "2", "501", "2025-01", "电费", "88.80", "2"],  # 7 paid
        ["3", "2", "501", "2025-01", "", "88.80", "1"],  # 8 no item
        ["3", "2", "501", "2025-01", "物业费", "250.60", "1"],  # 9 ok
        ["3", "2", "501", "2025-01", "物业费", "250.60", "1"],  # 10 duplicate of 9
        ["3", "2", "501", "2025-01", "物业费", "260.00", "1"],  # 11 conflict with 9
    ]
    result = await import_file("bills", write_csv(tmp_path / "bills.csv", rows), estate)
    assert result.report_lines() == [
        "第2行 period: “2025-13” 不是有效账期：没有13月",
        "第3行 amount: “-1” 金额不能是负数",
        "第4行 amount: “三百” 不是有效的金额",
        "第5行 amount: “12.345” 金额最多两位小数",
        "第6行 room: 房屋 3-2-999 不在业主档案中，请先导入业主或核对房号",
        "第7行 paid: “2” 应为 1（已缴）或 0（未缴）",
        "第8行 item: 不能为空",
        "第10行: 与第9行重复，已跳过",
        "第11行: 与第9行是同一房屋（3-2-501）同一账期同一项目，但内容不同；以第9行为准，本行未导入",
    ]
    assert result.summary_line() == "import bills: read=10 inserted=1 updated=0 unchanged=0 rejected=9"
    assert await bills(estate) == [("3-2-501", "2025-01", "物业费", Decimal("250.60"), True)]


async def test_a_bill_never_invents_a_home(tmp_path: Path, estate: Sessions) -> None:
    rows = [BILLS_HEADER, ["9", "9", "909", "2025-01", "物业费", "1.00", "0"]]
    result = await import_file("bills", write_csv(tmp_path / "bills.csv", rows), estate)
    assert result.rejected == 1
    async with estate() as session:
        assert await session.scalar(select(func.count()).select_from(Home)) == 2


async def test_reimport_and_corrected_file(tmp_path: Path, estate: Sessions) -> None:
    path = write_csv(tmp_path / "bills.csv", GOOD)
    await import_file("bills", path, estate)
    again = await import_file("bills", path, estate)
    assert again.summary_line() == "import bills: read=4 inserted=0 updated=0 unchanged=4 rejected=0"
    assert await bills(estate) == EXPECTED

    corrected = [
        BILLS_HEADER,
        ["3", "2", "501", "2025-02", "物业费", "250.60", "1"],  # now paid
        ["3", "2", "501", "2025-02", "停车费", "280.00", "0"],  # amount corrected
        ["3", "2", "501", "2025-01", "物业费", "250.60", "1"],  # as before
        ["3", "2", "501", "2025-03", "物业费", "250.60", "0"],  # new month
    ]
    result = await import_file("bills", write_csv(tmp_path / "corrected.csv", corrected), estate)
    assert result.summary_line() == "import bills: read=4 inserted=1 updated=2 unchanged=1 rejected=0"
    assert await bills(estate) == [
        ("3-2-501", "2025-01", "物业费", Decimal("250.60"), True),
        ("3-2-501", "2025-02", "停车费", Decimal("280.00"), False),
        ("3-2-501", "2025-02", "物业费", Decimal("250.60"), True),
        ("3-2-501", "2025-03", "物业费", Decimal("250.60"), False),
        ("B-1203", "2025-02", "水费", Decimal("0.10"), True),
    ]


async def test_owner_file_given_as_bills(tmp_path: Path, estate: Sessions) -> None:
    rows = [OWNERS_HEADER, ["3", "2", "501", "89.50", "张伟", "13800000001", "owner"]]
    with pytest.raises(HeaderError) as caught:
        await import_file("bills", write_csv(tmp_path / "bills.csv", rows), estate)
    assert str(caught.value) == (
        "表头有误：缺少 period（账期）、item（项目）、amount（金额）、paid（已缴）列；"
        "应为 building,unit,room,period,item,amount,paid（或 楼栋,单元,房号,账期,项目,金额,已缴），"
        "文件中是 building,unit,room,area_m2,name,phone,role"
    )
