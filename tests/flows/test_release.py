"""放行条 through the webhook: an owner's permit at once, a tenant's after the owner's 同意 or 拒绝."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from handlers.domain import passes
from models import GatePass, Home, Resident
from tests.support.chat import Chat

TZ = ZoneInfo("Asia/Shanghai")
TENANT, TENANT_PHONE = "tenant-wu", "13700000009"


async def add_tenant(chat: Chat, *, owner_bound: bool = True) -> None:
    """A tenant of 3-2-501 on the register, bound with the owner's consent (and the owner bound too)."""
    async with chat.sessions.begin() as session:
        home = await session.scalar(select(Home).where(Home.room_key == "3-2-501"))
        assert home is not None
        session.add(Resident(home_id=home.id, name="吴租户", phone=TENANT_PHONE, role="tenant"))
    await chat.bind(TENANT, "3-2-501", TENANT_PHONE, role="tenant")
    if owner_bound:
        await chat.bind("owner-zhang", "3-2-501", "13800000001")


async def permits(chat: Chat) -> list[GatePass]:
    async with chat.sessions() as session:
        return list((await session.scalars(select(GatePass).order_by(GatePass.id))).all())


async def tenant_asks_for_a_permit(chat: Chat) -> str:
    tenant = chat.person(TENANT)
    assert "哪些物品" in await tenant.says("我要开放行条")
    assert "哪一天" in await tenant.says("两个衣柜和一台冰箱")
    reply = await tenant.says("明天")
    assert "11月24日（周二）全天" in reply and "需业主确认" in reply
    return await tenant.says("确认")


async def test_an_owner_moving_out_gets_the_permit_at_once(chat: Chat) -> None:
    await chat.bind("owner-zhang", "3-2-501", "13800000001")
    zhang = chat.person("owner-zhang")

    reply = await zhang.says("周六搬家，要开放行条，搬柜子和冰箱")
    assert "车牌" in reply  # a move: the truck's plate is asked for once
    reply = await zhang.says("粤B54321")
    assert "请确认放行条信息" in reply and "柜子和冰箱" in reply and "11月28日（周六）全天" in reply
    reply = await zhang.says("确认")
    assert "放行条已开好" in reply and "P20261123001" in reply

    [ticket] = await chat.tickets()
    assert (ticket.number, ticket.kind, ticket.category, ticket.status) == ("P20261123001", "release", "搬家", "new")
    assert ticket.assignee_id is None  # nobody is dispatched for a permit
    async with chat.sessions() as session:
        events = (await chat.services.desk.load(session, ticket.number)).events  # type: ignore[union-attr]
    assert any("搬家" in event.note for event in events)  # the large move is on record

    [permit] = await permits(chat)
    assert (permit.kind, permit.number, permit.ticket_id, permit.status) == ("release", ticket.number, ticket.id,
                                                                            "active")
    assert (permit.items, permit.plate) == ("柜子和冰箱", "粤B54321")
    assert permit.valid_from.astimezone(TZ) == datetime(2026, 11, 28, tzinfo=TZ)
    assert permit.code in reply


async def test_a_tenant_waits_for_the_owner_who_agrees(chat: Chat) -> None:
    await add_tenant(chat)
    zhang, li, tenant = chat.person("owner-zhang"), chat.person("owner-li"), chat.person(TENANT)
    await chat.bind("owner-li", "3-2-502", "13800000002")

    reply = await tenant_asks_for_a_permit(chat)
    assert "已通知业主确认" in reply and "P20261123001" in reply
    [permit] = await permits(chat)
    assert permit.status == "pending_owner" and permit.code not in reply
    async with chat.sessions.begin() as session:
        verdict = await passes.verify(session, permit.code, datetime(2026, 11, 24, 9, 0, tzinfo=TZ))
    assert (verdict.valid, verdict.reason) == (False, "待业主确认")

    asked = (await zhang.pushes())[-1]
    assert "吴租户" in asked and "两个衣柜和一台冰箱" in asked and "同意 P20261123001" in asked

    assert "没有找到" in await li.says("同意 P20261123001")  # another home's owner decides nothing
    assert "没有找到" in await tenant.says("同意 P20261123001")  # nor does the tenant
    assert (await permits(chat))[0].status == "pending_owner"

    assert "已同意放行条 P20261123001" in await zhang.says("同意 P20261123001")
    [permit] = await permits(chat)
    assert permit.status == "active"
    told = (await tenant.pushes())[-1]
    assert "业主已同意" in told and permit.code in told
    assert "不需要再确认" in await zhang.says("拒绝 P20261123001")
    async with chat.sessions.begin() as session:
        verdict = await passes.verify(session, permit.code, datetime(2026, 11, 24, 9, 0, tzinfo=TZ))
    assert verdict.valid and verdict.gate_pass is not None and verdict.gate_pass.kind == "release"


async def test_a_tenant_hears_when_the_owner_refuses(chat: Chat) -> None:
    await add_tenant(chat)
    zhang, tenant = chat.person("owner-zhang"), chat.person(TENANT)
    await tenant_asks_for_a_permit(chat)

    assert "已拒绝放行条 P20261123001" in await zhang.says("拒绝 P20261123001")
    [permit] = await permits(chat)
    assert permit.status == "rejected"
    [ticket] = await chat.tickets()
    assert ticket.status == "cancelled"
    assert "没有同意" in (await tenant.pushes())[-1]


async def test_a_tenant_whose_owner_is_not_bound_is_told_to_ask_the_office(chat: Chat) -> None:
    await add_tenant(chat, owner_bound=False)
    reply = await tenant_asks_for_a_permit(chat)
    assert "业主还没有在公众号绑定" in reply and chat.service.settings.estate.hotline in reply
    [permit] = await permits(chat)
    assert permit.status == "pending_owner"


async def test_list_and_cancel_a_permit(chat: Chat) -> None:
    await chat.bind("owner-zhang", "3-2-501", "13800000001")
    zhang = chat.person("owner-zhang")
    assert "还没有办理过放行条" in await zhang.says("我的放行条")
    await zhang.says("明天要搬冰箱出去，开个放行条")
    await zhang.says("确认")
    [permit] = await permits(chat)
    assert permit.items == "冰箱" and permit.plate is None  # no car mentioned: no plate asked

    assert "P20261123001" in await zhang.says("我的放行条")
    assert "没有找到" in await chat.person("owner-li").says("取消放行条 P20261123001")
    assert "已为您取消放行条 P20261123001" in await zhang.says("取消放行条 P20261123001")
    [permit] = await permits(chat)
    [ticket] = await chat.tickets()
    assert (permit.status, ticket.status) == ("cancelled", "cancelled")


def test_items_read_from_the_first_message() -> None:

    from bot.nlu.details import details_of

    assert details_of("周六搬家，要开放行条，搬柜子和冰箱").items == "柜子和冰箱"
    assert details_of("申请放行 搬两个大衣柜出去").items == "两个大衣柜"
    assert details_of("我要开放行条").items is None
    assert details_of("下周六退房 要开放行条").moving and not details_of("搬个冰箱出去").moving


async def test_items_with_a_day_then_an_hour_keep_the_day_and_the_items(chat: Chat) -> None:
    """物品：两个衣柜和一台冰箱明天 fills the items and the day; 上午10点 then changes the hour, not the day."""
    await chat.bind("owner-zhang", "3-2-501", "13800000001")
    zhang = chat.person("owner-zhang")
    assert "物品" in await zhang.says("要开个放行条")
    card = await zhang.says("物品：两个衣柜和一台冰箱明天")
    assert "物品：两个衣柜和一台冰箱\n" in card and "11月24日" in card
    card = await zhang.says("上午10点，车牌粤B8M226")
    assert "11月24日（周二）10:00" in card and "粤B8M226" in card
    assert "放行码" in await zhang.says("确认开单")
    [ticket] = await chat.tickets()
    assert ticket.appointment == datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
