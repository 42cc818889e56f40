"""Imports carry the estate (issue 16): the estate column, ``--estate``, and the rules around them.

The repo's config.yaml has two estates, ``default`` (阳光花园) and ``lanting`` (兰亭苑);
``make_settings()`` reads it with the database of the ``sessions`` fixture.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.settings import Settings, load_settings
from handlers.importer import EstateRequired, UnknownEstate, import_file, run_import_command
from models import Bill, Building, Estate, Home, Resident, Staff, StaffEstate
from tests.importer.conftest import BILLS_HEADER, OWNERS_HEADER, STAFF_HEADER, write_csv, write_xlsx

Sessions = async_sessionmaker[AsyncSession]
REPO = Path(__file__).resolve().parents[2]
KNOWN = "default（阳光花园）、lanting（兰亭苑）"


async def homes(sessions: Sessions) -> list[tuple[str, str, Decimal | None]]:
    async with sessions() as session:
        rows = await session.execute(
            select(Estate.code, Home.room_key, Home.area_m2)
            .join(Building, Building.estate_id == Estate.id).join(Home, Home.building_id == Building.id)
            .order_by(Estate.code, Home.room_key))
        return [tuple(row) for row in rows]  # type: ignore[misc]


async def residents(sessions: Sessions) -> list[tuple[str, str, str]]:
    async with sessions() as session:
        rows = await session.execute(
            select(Estate.code, Home.room_key, Resident.name)
            .join(Building, Building.estate_id == Estate.id).join(Home, Home.building_id == Building.id)
            .join(Resident, Resident.home_id == Home.id).order_by(Estate.code, Home.room_key, Resident.name))
        return [tuple(row) for row in rows]  # type: ignore[misc]


async def bills(sessions: Sessions) -> list[tuple[str, str, str, Decimal]]:
    async with sessions() as session:
        rows = await session.execute(
            select(Estate.code, Home.room_key, Bill.period, Bill.amount)
            .join(Building, Building.estate_id == Estate.id).join(Home, Home.building_id == Building.id)
            .join(Bill, Bill.home_id == Home.id).order_by(Estate.code, Home.room_key, Bill.period))
        return [tuple(row) for row in rows]  # type: ignore[misc]


async def served(sessions: Sessions) -> dict[str, set[str]]:
    async with sessions() as session:
        rows = await session.execute(
            select(Staff.name, StaffEstate.estate).join(StaffEstate, StaffEstate.staff_id == Staff.id))
        found: dict[str, set[str]] = {}
        for name, code in rows:
            found.setdefault(name, set()).add(code)
        return found


OWNERS = [
    [*OWNERS_HEADER, "estate"],
    ["3", "2", "501", "89.50", "张伟", "13800000001", "owner", "default"],
    ["3", "2", "501", "120", "陈静", "13800000009", "owner", "lanting"],  # the same room, another estate
    ["B", "", "1203", "100", "李娜", "13800000004", "owner", "兰亭苑"],  # a name works as well as the code
]


@pytest.fixture
async def two_estates(tmp_path: Path, sessions: Sessions, make_settings: Callable[..., Settings]) -> Settings:
    """Both estates' owners on the register: 3-2-501 in each, B-1203 in 兰亭苑 only."""
    settings = make_settings()
    result = await import_file("owners", write_csv(tmp_path / "owners.csv", OWNERS), sessions, settings=settings)
    assert result.summary_line() == "import owners: read=3 inserted=3 updated=0 unchanged=0 rejected=0"
    return settings


async def test_estate_column_places_each_row(sessions: Sessions, two_estates: Settings) -> None:
    assert await homes(sessions) == [
        ("default", "3-2-501", Decimal("89.50")),
        ("lanting", "3-2-501", Decimal("120.00")),
        ("lanting", "B-1203", Decimal("100.00")),
    ]
    assert await residents(sessions) == [
        ("default", "3-2-501", "张伟"), ("lanting", "3-2-501", "陈静"), ("lanting", "B-1203", "李娜")]
    async with sessions() as session:  # sync_estates ran: every configured estate has its row, by name
        assert (await session.execute(select(Estate.code, Estate.name).order_by(Estate.code))).all() == [
            ("default", "阳光花园"), ("lanting", "兰亭苑")]


async def test_same_room_in_two_estates_is_two_homes_and_reimport_is_idempotent(
        tmp_path: Path, sessions: Sessions, two_estates: Settings) -> None:
    again = await import_file("owners", write_csv(tmp_path / "again.csv", OWNERS), sessions, settings=two_estates)
    assert again.summary_line() == "import owners: read=3 inserted=0 updated=0 unchanged=3 rejected=0"
    area = [[*OWNERS_HEADER, "小区"], ["3", "2", "501", "95", "陈静", "13800000009", "owner", "lanting"]]
    changed = await import_file("owners", write_csv(tmp_path / "area.csv", area), sessions, settings=two_estates)
    assert changed.summary_line() == "import owners: read=1 inserted=0 updated=1 unchanged=0 rejected=0"
    assert await homes(sessions) == [  # only 兰亭苑's 3-2-501 changed
        ("default", "3-2-501", Decimal("89.50")),
        ("lanting", "3-2-501", Decimal("95.00")),
        ("lanting", "B-1203", Decimal("100.00")),
    ]


async def test_bills_land_on_their_estates_home(tmp_path: Path, sessions: Sessions, two_estates: Settings) -> None:
    rows = [
        [*BILLS_HEADER, "estate"],
        ["3", "2", "501", "2025-01", "物业费", "250.60", "0", "default"],
        ["3", "2", "501", "2025-01", "物业费", "300.00", "0", "lanting"],  # not a duplicate: another home
        ["B", "", "1203", "2025-01", "物业费", "200.00", "1", "lanting"],
        ["B", "", "1203", "2025-01", "物业费", "200.00", "1", "default"],  # 阳光花园 has no B-1203
    ]
    path = write_xlsx(tmp_path / "bills.xlsx", rows)
    result = await import_file("bills", path, sessions, settings=two_estates)
    assert result.report_lines() == [
        "第5行 room: 房屋 B-1203 不在阳光花园（default）的业主档案中，请先导入业主或核对房号"]
    assert result.summary_line() == "import bills: read=4 inserted=3 updated=0 unchanged=0 rejected=1"
    assert await bills(sessions) == [
        ("default", "3-2-501", "2025-01", Decimal("250.60")),
        ("lanting", "3-2-501", "2025-01", Decimal("300.00")),
        ("lanting", "B-1203", "2025-01", Decimal("200.00")),
    ]
    again = await import_file("bills", path, sessions, settings=two_estates)
    assert again.summary_line() == "import bills: read=4 inserted=0 updated=0 unchanged=3 rejected=1"


async def test_estate_option_names_the_whole_file(tmp_path: Path, sessions: Sessions, two_estates: Settings) -> None:
    rows = [BILLS_HEADER, ["3", "2", "501", "2025-02", "物业费", "310.00", "0"]]
    result = await import_file("bills", write_csv(tmp_path / "bills.csv", rows), sessions, settings=two_estates,
                               estate="lanting")
    assert result.ok
    assert await bills(sessions) == [("lanting", "3-2-501", "2025-02", Decimal("310.00"))]


async def test_estate_option_fills_empty_cells_and_a_contradicting_cell_is_rejected(
        tmp_path: Path, sessions: Sessions, two_estates: Settings) -> None:
    rows = [
        [*BILLS_HEADER, "estate"],
        ["3", "2", "501", "2025-03", "物业费", "310.00", "0", ""],  # takes --estate
        ["B", "", "1203", "2025-03", "物业费", "200.00", "0", "lanting"],  # says the same
        ["3", "2", "501", "2025-04", "物业费", "250.60", "0", "default"],  # says another estate
    ]
    result = await import_file("bills", write_csv(tmp_path / "bills.csv", rows), sessions, settings=two_estates,
                               estate="lanting")
    assert result.report_lines() == ["第4行 estate: “default” 与 --estate lanting（兰亭苑） 不一致，本行未导入"]
    assert await bills(sessions) == [
        ("lanting", "3-2-501", "2025-03", Decimal("310.00")), ("lanting", "B-1203", "2025-03", Decimal("200.00"))]


async def test_unknown_code_is_rejected_row_by_row(tmp_path: Path, sessions: Sessions,
                                                   make_settings: Callable[..., Settings]) -> None:
    rows = [
        ["楼栋", "单元", "房号", "面积", "姓名", "手机", "身份", "小区"],
        ["3", "2", "501", "89.5", "张伟", "13800000001", "业主", "default"],
        ["3", "2", "502", "89.5", "王芳", "13800000002", "业主", "xiyuan"],
        ["3", "2", "503", "89.5", "刘洋", "13800000003", "业主", "lanting"],
        ["3", "2", "504", "89.5", "赵磊", "13800000005", "业主", ""],  # several estates: a cell is needed
    ]
    result = await import_file("owners", write_csv(tmp_path / "owners.csv", rows), sessions,
                               settings=make_settings())
    assert result.report_lines() == [
        f"第3行 小区: “xiyuan” 不是已知的小区代码，可用：{KNOWN}",
        f"第5行 小区: 不能为空：本系统有多个小区，请填写小区代码（{KNOWN}）",
    ]
    assert result.summary_line() == "import owners: read=4 inserted=2 updated=0 unchanged=0 rejected=2"
    assert await homes(sessions) == [("default", "3-2-501", Decimal("89.50")), ("lanting", "3-2-503", Decimal("89.50"))]


async def test_several_estates_and_no_column_nor_option_is_refused(
        tmp_path: Path, sessions: Sessions, make_settings: Callable[..., Settings]) -> None:
    rows = [OWNERS_HEADER, ["3", "2", "501", "89.5", "张伟", "13800000001", "owner"]]
    with pytest.raises(EstateRequired) as caught:
        await import_file("owners", write_csv(tmp_path / "owners.csv", rows), sessions, settings=make_settings())
    assert str(caught.value) == (
        f"本系统有多个小区（{KNOWN}），文件中却没有 estate（小区）列：请加一列 estate 写明每行所属小区的代码，"
        "或用 --estate 代码 指定整个文件所属的小区")
    assert await homes(sessions) == []


async def test_unknown_estate_option_is_refused_before_writing(
        tmp_path: Path, sessions: Sessions, make_settings: Callable[..., Settings]) -> None:
    rows = [OWNERS_HEADER, ["3", "2", "501", "89.5", "张伟", "13800000001", "owner"]]
    with pytest.raises(UnknownEstate, match=f"--estate “xiyuan” 不是已知的小区代码；可用的小区：{KNOWN}"):
        await import_file("owners", write_csv(tmp_path / "owners.csv", rows), sessions, settings=make_settings(),
                          estate="xiyuan")
    async with sessions() as session:
        assert (await session.scalars(select(Estate.code))).all() == []


async def test_staff_serve_the_listed_estates_and_reimport_replaces(
        tmp_path: Path, sessions: Sessions, make_settings: Callable[..., Settings]) -> None:
    settings = make_settings()
    rows = [
        [*STAFF_HEADER, "estate"],
        ["王强", "13900000003", "staff-wang", "staff", "水电", "default|lanting"],
        ["周婷", "13900000005", "", "staff", "噪音", "lanting"],
        ["赵敏", "13900000001", "", "admin", "", "default"],  # admins serve the company: the cell is ignored
    ]
    result = await import_file("staff", write_csv(tmp_path / "staff.csv", rows), sessions, settings=settings)
    assert result.summary_line() == "import staff: read=3 inserted=3 updated=0 unchanged=0 rejected=0"
    assert await served(sessions) == {"王强": {"default", "lanting"}, "周婷": {"lanting"}}
    again = await import_file("staff", write_csv(tmp_path / "staff.csv", rows), sessions, settings=settings)
    assert again.summary_line() == "import staff: read=3 inserted=0 updated=0 unchanged=3 rejected=0"

    rows[1][-1] = "lanting"  # 王强 now serves 兰亭苑 only
    rows[2][-1] = "兰亭|default"  # 周婷 both (an alias works)
    rows.append(["孙丽", "13900000002", "", "staff", "", "nowhere|default"])
    result = await import_file("staff", write_csv(tmp_path / "moved.csv", rows), sessions, settings=settings)
    assert result.report_lines() == [f"第5行 estate: “nowhere” 不是已知的小区代码，可用：{KNOWN}"]
    assert result.summary_line() == "import staff: read=4 inserted=0 updated=2 unchanged=1 rejected=1"
    assert await served(sessions) == {"王强": {"lanting"}, "周婷": {"default", "lanting"}}


async def test_staff_estate_option_and_admins(tmp_path: Path, sessions: Sessions,
                                                     make_settings: Callable[..., Settings]) -> None:
    settings = make_settings()
    rows = [[*STAFF_HEADER, "estate"], ["王强", "13900000003", "", "staff", "水电", "lanting"]]
    await import_file("staff", write_csv(tmp_path / "staff.csv", rows), sessions, settings=settings)
    plain = [STAFF_HEADER, ["王强", "13900000003", "", "supervisor", "水电"]]
    result = await import_file("staff", write_csv(tmp_path / "plain.csv", plain), sessions, settings=settings,
                               estate="default")
    assert result.summary_line() == "import staff: read=1 inserted=0 updated=1 unchanged=0 rejected=0"
    assert await served(sessions) == {"王强": {"default"}}  # --estate names the whole file's estate
    promoted = [STAFF_HEADER, ["王强", "13900000003", "", "admin", "水电"]]
    await import_file("staff", write_csv(tmp_path / "admin.csv", promoted), sessions, settings=settings,
                      estate="default")
    assert await served(sessions) == {}  # an admin keeps no estates


def single_estate_settings(tmp_path: Path) -> Settings:
    """config.yaml without its ``estates`` list: a deployment of one estate."""
    config = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
    config.pop("estates", None)
    path = tmp_path / "single.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return load_settings(path, {"WUYEBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'wuyebot.db'}"})


async def test_single_estate_needs_no_column(tmp_path: Path, sessions: Sessions) -> None:
    settings = single_estate_settings(tmp_path)
    assert not settings.multi_estate
    owners = [OWNERS_HEADER, ["3", "2", "501", "89.5", "张伟", "13800000001", "owner"]]
    result = await import_file("owners", write_csv(tmp_path / "owners.csv", owners), sessions, settings=settings)
    assert result.ok
    bill = [BILLS_HEADER, ["3", "2", "501", "2025-01", "物业费", "250.60", "0"]]
    result = await import_file("bills", write_csv(tmp_path / "bills.csv", bill), sessions, settings=settings)
    assert result.ok
    assert await bills(sessions) == [("default", "3-2-501", "2025-01", Decimal("250.60"))]
    staff = [STAFF_HEADER, ["王强", "13900000003", "", "staff", "水电"]]
    assert (await import_file("staff", write_csv(tmp_path / "staff.csv", staff), sessions, settings=settings)).ok
    assert await served(sessions) == {}  # no estates on file: serves the default estate (the rule of old)


# --- the command: `wuyebot import KIND FILE [--estate CODE]` ------------------------------------


def rows_of(database: Path, query: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(database) as connection:
        return connection.execute(query).fetchall()


ONE_OWNER = [OWNERS_HEADER, ["3", "2", "501", "89.5", "张伟", "13800000001", "owner"]]
HOMES = ("SELECT estates.code, homes.room_key FROM homes JOIN buildings ON buildings.id = homes.building_id "
         "JOIN estates ON estates.id = buildings.estate_id ORDER BY 1, 2")


@pytest.mark.sqlite_only("reads the database file with sqlite3")
def test_command_with_estate_option(tmp_path: Path, make_settings: Callable[..., Settings],
                                    capsys: pytest.CaptureFixture[str]) -> None:
    path = write_csv(tmp_path / "owners.csv", ONE_OWNER)
    code = run_import_command("owners", str(path), make_settings(), estate="lanting")
    out, err = capsys.readouterr()
    assert (code, out, err) == (0, "import owners: read=1 inserted=1 updated=0 unchanged=0 rejected=0\n", "")
    assert rows_of(tmp_path / "wuyebot.db", HOMES) == [("lanting", "3-2-501")]


@pytest.mark.sqlite_only("reads the database file with sqlite3")
def test_command_unknown_estate_option(tmp_path: Path, make_settings: Callable[..., Settings],
                                       capsys: pytest.CaptureFixture[str]) -> None:
    path = write_csv(tmp_path / "owners.csv", ONE_OWNER)
    code = run_import_command("owners", str(path), make_settings(), estate="xiyuan")
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err == f"wuyebot import owners: --estate “xiyuan” 不是已知的小区代码；可用的小区：{KNOWN}\n"
    assert not (tmp_path / "wuyebot.db").exists()  # nothing written, not even the schema


@pytest.mark.sqlite_only("reads the database file with sqlite3")
def test_command_rejects_unknown_codes_row_by_row(tmp_path: Path, make_settings: Callable[..., Settings],
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    rows = [
        [*OWNERS_HEADER, "estate"],
        ["3", "2", "501", "89.5", "张伟", "13800000001", "owner", "lanting"],
        ["3", "2", "502", "89.5", "王芳", "13800000002", "owner", "LanTing2"],
    ]
    code = run_import_command("owners", str(write_csv(tmp_path / "owners.csv", rows)), make_settings())
    out, err = capsys.readouterr()
    assert (code, err) == (1, "")
    assert out.splitlines() == [
        f"第3行 estate: “LanTing2” 不是已知的小区代码，可用：{KNOWN}",
        "共 1 行未导入，请按上面的提示修改后重新导入；其余各行已导入，重复导入不会产生重复数据。",
        "import owners: read=2 inserted=1 updated=0 unchanged=0 rejected=1",
    ]
    assert rows_of(tmp_path / "wuyebot.db", HOMES) == [("lanting", "3-2-501")]


@pytest.mark.sqlite_only("reads the database file with sqlite3")
def test_command_refuses_a_multi_estate_file_without_estates(tmp_path: Path, make_settings: Callable[..., Settings],
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    path = write_csv(tmp_path / "owners.csv", ONE_OWNER)
    code = run_import_command("owners", str(path), make_settings())
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err.startswith(f"wuyebot import owners: 本系统有多个小区（{KNOWN}），文件中却没有 estate（小区）列")
    assert err.count("\n") == 1
    assert rows_of(tmp_path / "wuyebot.db", HOMES) == []


def test_command_single_estate_without_column(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_csv(tmp_path / "owners.csv", ONE_OWNER)
    assert run_import_command("owners", str(path), single_estate_settings(tmp_path)) == 0
    assert capsys.readouterr().out == "import owners: read=1 inserted=1 updated=0 unchanged=0 rejected=0\n"
    assert rows_of(tmp_path / "wuyebot.db", HOMES) == [("default", "3-2-501")]


def test_callers_without_settings_import_into_the_default_estate(tmp_path: Path) -> None:
    """The demo loader and older callers pass the estate's name and no settings: one estate, 'default'."""
    from bot.storage.db import create_engine, session_factory
    from models.migrate import upgrade

    url = f"sqlite+aiosqlite:///{tmp_path / 'legacy.db'}"
    upgrade(url)

    async def main() -> None:
        engine = create_engine(url)
        try:
            path = write_csv(tmp_path / "o.csv", [OWNERS_HEADER, ["3", "2", "501", "", "张伟", "13800000001", "owner"]])
            assert (await import_file("owners", path, session_factory(engine), estate="阳光花园")).ok
        finally:
            await engine.dispose()

    asyncio.run(main())
    assert rows_of(tmp_path / "legacy.db", HOMES) == [("default", "3-2-501")]
    assert rows_of(tmp_path / "legacy.db", "SELECT code, name FROM estates") == [("default", "阳光花园")]
