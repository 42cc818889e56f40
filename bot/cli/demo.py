"""The demo estates of ``wuyebot serve --demo``, loaded through the importer like any office's files.

Two estates, as the repository's config.yaml names them: 阳光花园 (``default``, 64 homes) and 兰亭苑
(``lanting``, 48 homes in buildings 5 and 6); with a config of one estate, only 阳光花园. On an empty
database it writes an owner register, a year of bills and a staff list as CSV files (with an
``estate`` column),
imports them with :func:`models.importer.import_file`, then sets what the import formats do not
carry (prepaid balances, the home in custody 托管). Everything is generated from fixed data and a
seeded random generator, so the same names and phones work on every machine; only the bill
months move: the twelve months ending with the month before today (Asia/Shanghai by default).

Try these (README):

- bind ``3-2-501`` as 张伟 13800000001: owes the last 2 months, has a parking space;
- ``1-1-101`` 王芳 13800000002 (owner, all paid) with tenant 刘洋 13800000003;
- ``2-1-302`` 刘强 13800000005 owes 8 months (long-term arrears), ``1-2-201`` 陈静 13800000006 owes 4;
- ``B-1203`` 李娜 13800000004 has a prepaid balance of 600.00; ``B-1401`` 杨洋 13800000007 is in custody;
- staff: ``wuyebot chat --openid demo-staff-wang`` is 王强, maintenance (水电|渗漏水|管道堵塞); see
  :data:`DEMO_STAFF` for the supervisor, the admin, complaints and security;
- 兰亭苑: ``5-1-302`` 周敏 13800000011 owes a month; 林芳 13800000021 owns ``2-1-101`` in 阳光花园 and
  ``6-2-601`` in 兰亭苑 (asked which home a request is for); its staff are 刘涛 (supervisor), 何伟
  (maintenance) and 马琳 (front desk); 孙丽, the admin, serves both.
"""

from __future__ import annotations

import csv
import logging
import random
import tempfile
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from sqlalchemy import select, update

from bot.clock import Clock, SystemClock
from bot.settings import Settings
from bot.storage.db import create_engine, session_factory
from handlers.importer import import_file
from models.estate import Building, Estate, Home

log = logging.getLogger("bot.demo")

_CENT = Decimal("0.01")
_SEED = 20261122
DEFAULT, LANTING = "default", "lanting"  # the codes config.yaml gives the two demo estates


@dataclass(frozen=True)
class DemoOwner:
    room: str  # normal form, 3-2-501
    name: str
    phone: str
    role: str = "owner"  # owner | tenant
    owes_months: int = 0
    parking: bool = False
    prepaid: Decimal = Decimal("0.00")
    in_custody: bool = False
    estate: str = DEFAULT


@dataclass(frozen=True)
class DemoStaff:
    name: str
    phone: str
    openid: str
    role: str
    skills: str
    job: str  # what the person does, for the README
    estates: str = DEFAULT  # the estates served, "|"-separated ("" for the admin: the company)


# The people the README names. Other homes get generated owners with 137… phones.
FEATURED: tuple[DemoOwner, ...] = (
    DemoOwner("3-2-501", "张伟", "13800000001", owes_months=2, parking=True),
    DemoOwner("1-1-101", "王芳", "13800000002", parking=True),
    DemoOwner("1-1-101", "刘洋", "13800000003", role="tenant"),
    DemoOwner("B-1203", "李娜", "13800000004", prepaid=Decimal("600.00")),
    DemoOwner("2-1-302", "刘强", "13800000005", owes_months=8),
    DemoOwner("1-2-201", "陈静", "13800000006", owes_months=4, parking=True),
    DemoOwner("B-1401", "杨洋", "13800000007", in_custody=True),
    DemoOwner("3-1-202", "赵磊", "13800000008", owes_months=1),
    DemoOwner("3-1-202", "黄敏", "13800000009", role="tenant"),
    DemoOwner("2-2-401", "周杰", "13800000010", prepaid=Decimal("1200.00")),
    DemoOwner("2-1-101", "林芳", "13800000021"),
    DemoOwner("5-1-302", "周敏", "13800000011", owes_months=1, estate=LANTING),
    DemoOwner("5-2-101", "吴昊", "13800000012", parking=True, estate=LANTING),
    DemoOwner("5-2-101", "孙悦", "13800000013", role="tenant", estate=LANTING),
    DemoOwner("6-2-601", "林芳", "13800000021", estate=LANTING),
)

DEMO_STAFF: tuple[DemoStaff, ...] = (
    DemoStaff("赵敏", "13900000001", "demo-staff-zhao", "supervisor", "", "客服主管"),
    DemoStaff("孙丽", "13900000002", "demo-staff-sun", "admin", "", "管理处主任（管理员）", estates=""),
    DemoStaff("王强", "13900000003", "demo-staff-wang", "staff", "水电|渗漏水|管道堵塞", "维修（水电）"),
    DemoStaff("李军", "13900000004", "demo-staff-li", "staff", "门窗门锁|墙面地面|公共设施|电梯|燃气",
              "维修（土建、电梯）"),
    DemoStaff(
        "周婷", "13900000005", "demo-staff-zhou", "staff",
        "噪音|养犬宠物|高空抛物|违章搭建|空调滴水|住改商|环境卫生|服务态度", "投诉专员",
    ),
    DemoStaff("吴刚", "13900000006", "demo-staff-wu", "staff", "停车|安全秩序", "安护（门岗）"),
    DemoStaff("郑洁", "13900000007", "demo-staff-zheng", "staff", "其他", "前台客服"),
    DemoStaff("刘涛", "13900000008", "demo-staff-liu", "supervisor", "", "兰亭苑客服主管", LANTING),
    DemoStaff("何伟", "13900000009", "demo-staff-he", "staff", "水电|渗漏水|管道堵塞|门窗门锁|公共设施|电梯",
              "兰亭苑维修", LANTING),
    DemoStaff("马琳", "13900000010", "demo-staff-ma", "staff", "其他", "兰亭苑前台客服", LANTING),
)

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
_GIVEN = ("建国", "秀英", "海燕", "志强", "丽华", "晓东", "春梅", "文军", "桂兰", "明辉", "婷婷", "子涵",
          "浩然", "欣怡", "宇航", "雨萱", "俊杰", "佳琪", "伟明", "淑珍")
_PROPERTY_FEE_PER_M2 = {(DEFAULT, "B"): Decimal("3.50")}  # 元/m²·月; the residential buildings pay the default
_DEFAULT_FEE_PER_M2 = {DEFAULT: Decimal("2.80"), LANTING: Decimal("3.20")}
_PARKING_FEE = Decimal("300.00")
_WATER_PER_M3 = Decimal("3.45")
_POWER_PER_KWH = Decimal("0.62")


@dataclass(frozen=True)
class DemoHome:
    room: str
    area: Decimal
    estate: str = DEFAULT


# Demo staff who get a console set-password link when `serve --demo` starts (until they set one).
CONSOLE_DEMO_PHONES = (("13900000007", "前台"), ("13900000001", "主管"), ("13900000002", "管理员"))


def demo_homes(estates: Collection[str] = (DEFAULT, LANTING)) -> list[DemoHome]:
    """阳光花园's 64 homes: buildings 1-3 with two units each (``3-2-501``) and B座 without units
    (``B-1203``); 兰亭苑's 48: buildings 5 and 6, two units, six floors."""
    rng = random.Random(_SEED)
    homes: list[DemoHome] = []
    for building, floors in (("1", 4), ("2", 4), ("3", 5)):
        for unit in ("1", "2"):
            for floor in range(1, floors + 1):
                for number, base in ((1, Decimal("89.00")), (2, Decimal("118.00"))):
                    area = base + Decimal(rng.randint(0, 999)) / 100
                    homes.append(DemoHome(f"{building}-{unit}-{floor}{number:02d}", area))
    for floor in (12, 13, 14):
        for number in range(1, 5):
            homes.append(DemoHome(f"B-{floor}{number:02d}", Decimal("65.00") + Decimal(rng.randint(0, 3000)) / 100))
    for building in ("5", "6"):
        for unit in ("1", "2"):
            for floor in range(1, 7):
                for number, base in ((1, Decimal("96.00")), (2, Decimal("132.00"))):
                    area = base + Decimal(rng.randint(0, 999)) / 100
                    homes.append(DemoHome(f"{building}-{unit}-{floor}{number:02d}", area, LANTING))
    return [home for home in homes if home.estate in estates]


def demo_owners(estates: Collection[str] = (DEFAULT, LANTING)) -> list[DemoOwner]:
    """Every home's owner (the featured ones as listed), some tenants and some more arrears."""
    featured = {(owner.estate, owner.room) for owner in FEATURED if owner.role == "owner"}
    owners: list[DemoOwner] = []
    for index, home in enumerate(demo_homes(estates)):
        if (home.estate, home.room) in featured:
            owners.extend(owner for owner in FEATURED if (owner.estate, owner.room) == (home.estate, home.room))
            continue
        name = _SURNAMES[index % len(_SURNAMES)] + _GIVEN[(index * 7) % len(_GIVEN)]
        owes = 3 if index % 11 == 5 else 6 if index % 13 == 7 else 0
        owners.append(DemoOwner(home.room, name, f"137{index:08d}", owes_months=owes, parking=index % 3 == 0,
                                estate=home.estate))
        if index % 9 == 4:
            tenant = _SURNAMES[(index * 5) % len(_SURNAMES)] + _GIVEN[(index * 3 + 1) % len(_GIVEN)]
            owners.append(DemoOwner(home.room, tenant, f"136{index:08d}", role="tenant", estate=home.estate))
    return owners


def bill_periods(today: date, months: int = 12) -> list[str]:
    """The ``months`` billing months ending with the month before ``today``, oldest first."""
    year, month = today.year, today.month
    periods: list[str] = []
    for _ in range(months):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        periods.append(f"{year:04d}-{month:02d}")
    return periods[::-1]


def demo_bills(today: date, custody_ratio: Decimal,
               estates: Collection[str] = (DEFAULT, LANTING)) -> list[tuple[str, str, str, str, Decimal, bool]]:
    """(estate, room, period, item, amount, paid): property fee by area, parking for some, water and
    power varying; the last ``owes_months`` months unpaid. A home in custody pays ``custody_ratio``
    of the property fee and uses no water or power."""
    rng = random.Random(_SEED + 1)
    periods = bill_periods(today)
    areas = {(home.estate, home.room): home.area for home in demo_homes(estates)}
    bills: list[tuple[str, str, str, str, Decimal, bool]] = []
    for owner in demo_owners(estates):
        if owner.role != "owner":
            continue
        building = owner.room.split("-")[0]
        rate = _PROPERTY_FEE_PER_M2.get((owner.estate, building), _DEFAULT_FEE_PER_M2[owner.estate])
        fee = areas[(owner.estate, owner.room)] * rate
        if owner.in_custody:
            fee *= custody_ratio
        for position, period in enumerate(periods):
            paid = position < len(periods) - owner.owes_months
            home = (owner.estate, owner.room)
            bills.append((*home, period, "物业费", _yuan(fee), paid))
            if owner.parking:
                bills.append((*home, period, "停车费", _PARKING_FEE, paid))
            if not owner.in_custody:
                bills.append((*home, period, "水费", _yuan(_WATER_PER_M3 * rng.randint(4, 18)), paid))
                bills.append((*home, period, "电费", _yuan(_POWER_PER_KWH * rng.randint(80, 420)), paid))
    return bills


def _yuan(value: Decimal) -> Decimal:
    return value.quantize(_CENT, rounding=ROUND_HALF_UP)


def write_demo_files(folder: Path, today: date, custody_ratio: Decimal,
                     estates: Collection[str] = (DEFAULT, LANTING)) -> dict[str, Path]:
    """The three import files, in the formats of docs/importing.md, with an ``estate`` column."""
    files = {"owners": folder / "owners.csv", "bills": folder / "bills.csv", "staff": folder / "staff.csv"}
    areas = {(home.estate, home.room): home.area for home in demo_homes(estates)}
    with files["owners"].open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["estate", "building", "unit", "room", "area_m2", "name", "phone", "role"])
        for owner in demo_owners(estates):
            area = areas[(owner.estate, owner.room)] if owner.role == "owner" else ""
            writer.writerow([owner.estate, *_split(owner.room), area, owner.name, owner.phone, owner.role])
    with files["bills"].open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["estate", "building", "unit", "room", "period", "item", "amount", "paid"])
        for estate, room, period, item, amount, paid in demo_bills(today, custody_ratio, estates):
            writer.writerow([estate, *_split(room), period, item, f"{amount:.2f}", int(paid)])
    with files["staff"].open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["name", "phone", "openid", "role", "skills", "estate"])
        for person in DEMO_STAFF:
            served = "|".join(code for code in person.estates.split("|") if code in estates)
            if person.estates and not served:
                continue  # an estate this deployment does not have
            writer.writerow([person.name, person.phone, person.openid, person.role, person.skills, served])
    return files


def _split(room: str) -> tuple[str, str, str]:
    parts = room.split("-")
    return (parts[0], parts[1], parts[2]) if len(parts) == 3 else (parts[0], "", parts[1])


async def load_demo_if_empty(settings: Settings, *, clock: Clock | None = None) -> bool:
    """Load the demo estates when the database has no homes; True when they were loaded."""
    engine = create_engine(settings.database_url)
    sessions = session_factory(engine)
    estates = [code for code in (DEFAULT, LANTING) if code in {estate.code for estate in settings.estate_list}]
    try:
        async with sessions() as session:
            if await session.scalar(select(Home.id).limit(1)) is not None:
                log.info("demo estate not loaded: the database already has homes")
                return False
        today = (clock or SystemClock()).now().astimezone(settings.tz).date()
        with tempfile.TemporaryDirectory(prefix="wuyebot-demo-") as folder:
            files = write_demo_files(Path(folder), today, settings.fees.custody_fee_ratio, estates)
            for kind in ("owners", "bills", "staff"):
                result = await import_file(kind, files[kind], sessions, settings=settings)
                log.info("demo estate: %s", result.summary_line())
                for line in result.report_lines():
                    log.warning("demo estate %s: %s", kind, line)
        async with sessions.begin() as session:
            for owner in FEATURED:
                if (owner.prepaid or owner.in_custody) and owner.estate in estates:
                    in_estate = select(Building.id).join(Estate, Estate.id == Building.estate_id).where(
                        Estate.code == owner.estate)
                    await session.execute(
                        update(Home)
                        .where(Home.room_key == owner.room, Home.building_id.in_(in_estate))
                        .values(prepaid_balance=owner.prepaid, in_custody=owner.in_custody)
                    )
        names = "、".join(estate.name for estate in settings.estate_list if estate.code in estates)
        log.info("demo estates %s loaded: try binding 3-2-501 as 张伟 13800000001", names)
        return True
    finally:
        await engine.dispose()
