"""破锁/换锁 through the webhook: the procedure told, a slot in office hours, three teams, closed when done."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from models import Home, Resident, Staff
from tests.support.chat import Chat

TZ = ZoneInfo("Asia/Shanghai")  # the flow tests' clock: Monday 2026-11-23 10:00


async def lock_tickets(chat: Chat) -> list:  # type: ignore[type-arg]
    return [ticket for ticket in await chat.tickets() if ticket.kind == "lock"]


async def test_an_owner_books_a_lock_change_and_engineering_closes_it(chat: Chat) -> None:
    await chat.bind("owner-zhang", "3-2-501", "13800000001")
    zhang = chat.person("owner-zhang")

    asked = await zhang.says("钥匙丢了，想申请破锁")
    assert "身份证" in asked and "三方" in asked and "哪天几点" in asked  # the procedure, then the slot
    card = await zhang.says("明天上午10点")
    assert "请确认破锁/换锁预约" in card and "3-2-501" in card and "11月24日（周二）10:00" in card
    done = await zhang.says("确认")
    assert "破锁/换锁已预约" in done and "R20261123001" in done

    [ticket] = await lock_tickets(chat)
    assert (ticket.number, ticket.status, ticket.category) == ("R20261123001", "assigned", "门窗门锁")
    assert ticket.appointment == datetime(2026, 11, 24, 10, 0, tzinfo=TZ)
    async with chat.sessions() as session:
        assignee = await session.get(Staff, ticket.assignee_id)
        deadlines = await chat.services.desk.load(session, ticket.number)
    assert assignee is not None and assignee.name == "李师傅"  # engineering (门窗门锁) leads
    assert {d.name: d.due_at for d in deadlines.deadlines} == {"resolve": datetime(2026, 11, 24, 10, 0, tzinfo=TZ)}
    assert any("R20261123001" in text for text in await chat.pushes_to("staff-li"))
    # No front desk or concierge in this estate: the supervisor is told instead, for them.
    assert any("协同" in text for text in await chat.pushes_to("staff-zhao"))

    li = chat.person("staff-li")
    assert "接单" in await li.says("接单 R20261123001")
    assert any("破锁/换锁" in text and "李师傅" in text for text in await zhang.pushes())
    await li.says("完工 R20261123001 已换新锁芯")
    [ticket] = await lock_tickets(chat)
    assert ticket.status == "closed"  # done when engineering says so: no rating, no return visit
    assert "已办理完成" in (await zhang.pushes())[-1]


async def test_a_slot_outside_office_hours_is_asked_again(chat: Chat) -> None:
    await chat.bind("owner-zhang", "3-2-501", "13800000001")
    zhang = chat.person("owner-zhang")
    await zhang.says("我要预约换锁")
    again = await zhang.says("明天晚上10点")
    assert "不在服务时间内" in again
    again = await zhang.says("周六上午10点")  # a weekend: not a working day
    assert "不在服务时间内" in again
    assert "请确认破锁/换锁预约" in await zhang.says("后天下午3点")


async def test_a_tenant_books_and_the_ticket_waits_for_the_owners_consent(chat: Chat) -> None:
    async with chat.sessions.begin() as session:
        home = await session.scalar(select(Home).where(Home.room_key == "3-2-501"))
        assert home is not None
        session.add(Resident(home_id=home.id, name="吴租户", phone="13700000009", role="tenant"))
    await chat.bind("tenant-wu", "3-2-501", "13700000009", role="tenant")
    wu = chat.person("tenant-wu")
    await wu.says("租客搬走没还钥匙，我要申请换锁")
    card = await wu.says("明天下午2点")
    assert "业主确认" in card or "业主电话确认" in card
    assert "业主" in await wu.says("确认")
    [ticket] = await lock_tickets(chat)
    async with chat.sessions() as session:
        loaded = await chat.services.desk.load(session, ticket.number)
    assert loaded is not None and any("业主电话确认" in event.note for event in loaded.events)


async def test_an_unbound_account_is_told_the_procedure_and_books_nothing(chat: Chat) -> None:
    stranger = chat.person("o-stranger")
    reply = await stranger.says("钥匙丢了要破锁，帮我安排")
    assert "身份证" in reply and "绑定房屋" in reply
    assert await lock_tickets(chat) == []
