"""A small estate written straight into the database, for tests that are not about importing."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from models import Building, Estate, Home, Resident, Staff


async def seed_estate(session: AsyncSession, code: str = "default") -> dict[str, object]:
    """The default estate (its row made at start-up from config.yaml, or here) with two homes and four staff."""
    from sqlalchemy import select

    estate = await session.scalar(select(Estate).where(Estate.code == code)) or Estate(code=code, name="阳光花园")
    building = Building(estate=estate, code="3")
    home = Home(building=building, unit="2", room="501", room_key="3-2-501", area_m2=Decimal("89.50"))
    other = Home(building=building, unit="2", room="502", room_key="3-2-502", area_m2=Decimal("89.50"))
    session.add_all([
        estate, building, home, other,
        Resident(home=home, name="张伟", phone="13800000001", role="owner"),
        Resident(home=other, name="李娜", phone="13800000002", role="owner"),
    ])
    staff = {
        "wang": Staff(name="王师傅", phone="13900000001", openid="staff-wang", role="staff",
                      skills="水电|渗漏水|管道堵塞"),
        "li": Staff(name="李师傅", phone="13900000002", openid="staff-li", role="staff", skills="渗漏水|门窗门锁"),
        "zhao": Staff(name="赵主管", phone="13900000003", openid="staff-zhao", role="supervisor",
                      skills="噪音|服务态度"),
        "chen": Staff(name="陈经理", phone="13900000004", openid="staff-chen", role="admin", skills=""),
    }
    session.add_all(staff.values())
    await session.flush()
    return {"home": home, "other": other, **staff}


async def seed_bills(chat: object, room: str = "3-2-501") -> None:
    """Two unpaid months for ``room`` (used where a test needs some arrears to show)."""
    from sqlalchemy import select

    from models import Bill

    async with chat.sessions.begin() as session:  # type: ignore[attr-defined]
        home = await session.scalar(select(Home).where(Home.room_key == room))
        assert home is not None
        session.add_all([Bill(home_id=home.id, period="2026-09", item="物业费", amount=Decimal("235.50"), paid=False),
                         Bill(home_id=home.id, period="2026-10", item="物业费", amount=Decimal("235.50"), paid=False)])
