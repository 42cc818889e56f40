"""The accounts of the production tests, bound to the demo estates' homes (``wuyebot serve --demo``'s data).

Written straight into the database before the instances start, as bench/load.py does:

- ``LOAD_OWNERS`` accounts ``load-0`` … each bound as owner to a home of 阳光花园 (families: several
  accounts per home), for the load and the kill -9 test;
- ``owner-*`` accounts each bound to a home of their own, for the conversation tests; ``owner-lin``
  is 林芳, who owns 2-1-101 in 阳光花园 and 6-2-601 in 兰亭苑 (asked which home a request is for);
- the demo staff's WeChat accounts, as if they had written lately (inside WeChat's 48-hour window).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

LOAD_OWNERS = 60
# openid → (estate code, room, resident's name); None: the first owner on the register there
OWNERS: dict[str, tuple[str, str, str | None]] = {
    "owner-zhang": ("default", "3-2-501", "张伟"),
    "owner-wang": ("default", "1-1-101", "王芳"),
    "owner-lina": ("default", "B-1203", "李娜"),
    "owner-zhao": ("default", "3-1-202", "赵磊"),
    "owner-zhou": ("lanting", "5-1-302", "周敏"),
    "owner-chen": ("default", "1-2-201", "陈静"),
    "owner-liu": ("default", "2-1-302", "刘强"),
    "owner-yang": ("default", "B-1401", "杨洋"),
    "owner-jie": ("default", "2-2-401", "周杰"),
}
LIN = "owner-lin"  # 林芳: 2-1-101 in 阳光花园 (current) and 6-2-601 in 兰亭苑
STAFF_OPENIDS = ("demo-staff-zhao", "demo-staff-sun", "demo-staff-wang", "demo-staff-li", "demo-staff-zhou",
                 "demo-staff-wu", "demo-staff-zheng", "demo-staff-liu", "demo-staff-he", "demo-staff-ma")


async def bind_accounts(database_url: str) -> None:
    from bot.storage.db import create_engine, session_factory
    from models import Building, Estate, Home, HomeBinding, Resident, WechatAccount

    engine = create_engine(database_url)
    now = datetime.now(UTC)
    try:
        async with session_factory(engine).begin() as session:
            async def home_of(estate: str, room: str, name: str | None) -> tuple[int, int]:
                query = (select(Home.id, Resident.id).join(Resident, Resident.home_id == Home.id)
                         .join(Building, Building.id == Home.building_id).join(Estate, Estate.id == Building.estate_id)
                         .where(Estate.code == estate, Home.room_key == room, Resident.role == "owner"))
                if name is not None:
                    query = query.where(Resident.name == name)
                row = (await session.execute(query.order_by(Resident.id).limit(1))).first()
                assert row is not None, f"the demo register has no owner {name} of {estate} {room}"
                return int(row[0]), int(row[1])

            def account(openid: str) -> None:
                session.add(WechatAccount(openid=openid, subscribed=True, subscribed_at=now, last_inbound_at=now))

            def bind(openid: str, home_id: int, resident_id: int, *, current: bool = True) -> None:
                session.add(HomeBinding(openid=openid, home_id=home_id, resident_id=resident_id, role="owner",
                                        status="active", is_current=current, created_at=now, decided_at=now))

            for openid, (estate, room, name) in OWNERS.items():
                account(openid)
                await session.flush()
                bind(openid, *await home_of(estate, room, name))
            account(LIN)
            await session.flush()
            bind(LIN, *await home_of("default", "2-1-101", "林芳"))
            bind(LIN, *await home_of("lanting", "6-2-601", "林芳"), current=False)

            homes = (await session.execute(
                select(Home.id, Resident.id).join(Resident, Resident.home_id == Home.id)
                .join(Building, Building.id == Home.building_id).join(Estate, Estate.id == Building.estate_id)
                .where(Estate.code == "default", Resident.role == "owner").order_by(Home.id))).all()
            for index in range(LOAD_OWNERS):
                home_id, resident_id = homes[index % len(homes)]
                account(f"load-{index}")
                await session.flush()
                bind(f"load-{index}", home_id, resident_id)
            known = set(await session.scalars(select(WechatAccount.openid).where(
                WechatAccount.openid.in_(STAFF_OPENIDS))))
            for openid in STAFF_OPENIDS:
                if openid not in known:
                    account(openid)
    finally:
        await engine.dispose()

