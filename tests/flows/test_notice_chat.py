"""Notices in the chat: staff draft, confirm, extend and end one; owners of its homes asking about it get it.

The estate (tests/support/estate.py) has building 3 with 3-2-501 (张伟) and 3-2-502 (李娜); a building 5
home is added here. The clock is Monday 2026-11-23 10:00 in Shanghai.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select, update

from bot.keys import OUTBOX, SETTINGS
from handlers.domain.notices import due_steps
from models import Building, Estate, Home, Notice, NoticeRecipient, OutboxMessage, Resident, Ticket
from tests.support.chat import Chat


async def _building_five(chat: Chat) -> None:
    async with chat.sessions.begin() as session:
        estate = await session.scalar(select(Estate).where(Estate.code == "default"))
        building = Building(estate=estate, code="5")
        home = Home(building=building, unit="1", room="101", room_key="5-1-101", area_m2=Decimal("90"))
        session.add_all([building, home, Resident(home=home, name="周敏", phone="13800000009", role="owner")])


async def _owners(chat: Chat) -> None:
    await _building_five(chat)
    await chat.bind("owner-zhang", "3-2-501", "13800000001")
    await chat.bind("owner-li", "3-2-502", "13800000002")
    await chat.bind("owner-zhou", "5-1-101", "13800000009")
    for openid in ("owner-zhang", "owner-li", "owner-zhou"):
        await chat.person(openid).says("你好")  # inside the 48-hour window


async def _notice_pushes(chat: Chat) -> list[OutboxMessage]:
    async with chat.sessions() as session:
        return list((await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "notice")
                                           .order_by(OutboxMessage.id))).all())


async def test_a_staff_draft_is_sent_only_when_confirmed_and_reaches_building_3_once_each(chat: Chat) -> None:
    await _owners(chat)
    supervisor = chat.person("staff-zhao")
    draft = await supervisor.says("通知 3栋 停水 明天9:00-12:00 管道维修")
    assert "确认通知" in draft and "2 位" in draft and "停水" in draft, draft
    assert await _notice_pushes(chat) == []
    sent = await supervisor.says("确认通知")
    assert "已发出" in sent, sent
    pushes = await _notice_pushes(chat)
    assert sorted(p.recipient for p in pushes) == ["owner-li", "owner-zhang"]
    assert "11月24日 09:00-12:00" in pushes[0].payload["text"] and "管道维修" in pushes[0].payload["text"]
    assert "没有待确认" in await supervisor.says("确认通知")  # sent once
    assert len(await _notice_pushes(chat)) == 2


async def test_owners_of_building_3_asking_during_the_cut_get_the_notice_not_a_form(chat: Chat) -> None:
    await _owners(chat)
    supervisor = chat.person("staff-zhao")
    await supervisor.says("通知 3栋 停水 今天10:00-15:00 管道维修")
    await supervisor.says("确认通知")
    answer = await chat.person("owner-zhang").says("怎么停水了")
    assert "停水" in answer and "15:00" in answer and "工单" not in answer, answer
    elsewhere = await chat.person("owner-zhou").says("怎么停水了")
    assert "15:00" not in elsewhere, elsewhere
    leak = await chat.person("owner-li").says("卫生间水管漏水了")
    assert "管道维修" not in leak, leak
    async with chat.sessions() as session:
        assert await session.scalar(select(Ticket).where(Ticket.openid == "owner-zhang")) is None


async def test_the_reminder_and_the_all_clear_go_once_and_ending_early_clears_at_once(chat: Chat) -> None:
    await _owners(chat)
    supervisor = chat.person("staff-zhao")
    await supervisor.says("通知 3栋 停电 今天14:00-17:00 线路检修")
    await supervisor.says("确认通知")
    outbox, settings = chat.service.app[OUTBOX], chat.service.app[SETTINGS]
    chat.clock.travel(timedelta(hours=3, minutes=10))  # 13:10: within the hour before the start
    for _ in range(2):
        async with chat.sessions.begin() as session:
            await due_steps(session, chat.now(), outbox, settings)
    texts = [p.payload["text"] for p in await _notice_pushes(chat)]
    assert sum("温馨提醒" in text for text in texts) == 2, texts
    async with chat.sessions() as session:
        number = (await session.scalar(select(Notice.number)))
    chat.clock.travel(timedelta(hours=2))  # 15:10: the power is back two hours early
    ended = await supervisor.says(f"结束通知 {number}")
    assert "已结束" in ended, ended
    pushes = await _notice_pushes(chat)
    assert sum("已恢复供电" in p.payload["text"] for p in pushes) == 2
    assert not any("温馨提醒" in p.payload["text"] for p in pushes)  # never sent (no sender here): dropped
    async with chat.sessions.begin() as session:
        await due_steps(session, chat.now() + timedelta(hours=5), outbox, settings)
    assert len(await _notice_pushes(chat)) == len(pushes)  # the planned end sends no second all clear


async def test_an_owner_cannot_make_a_notice(chat: Chat) -> None:
    await _owners(chat)
    await chat.person("owner-zhang").says("通知 3栋 停水 明天9:00-12:00 管道维修")
    async with chat.sessions() as session:
        assert await session.scalar(select(Notice)) is None
        assert await session.scalar(select(NoticeRecipient)) is None


async def test_times_nobody_means_are_refused_before_anything_is_written(chat: Chat) -> None:
    """Year 1 in a far time zone (an overflow when stored), a notice a year ahead, one lasting months."""
    from datetime import datetime, timezone

    from handlers.domain.notices import Draft, NoticeRefused, draft

    settings = chat.service.app[SETTINGS]
    far_east = timezone(timedelta(hours=14))
    now = chat.now()
    for starts, ends in ((datetime(1, 1, 1, 0, 30, tzinfo=far_east), now + timedelta(hours=1)),
                         (now + timedelta(days=400), now + timedelta(days=401)),
                         (now, now + timedelta(days=90))):
        async with chat.sessions.begin() as session:
            try:
                await draft(session, Draft("default", "停水", starts, ends, "检修", ("3",)), now, settings, "测试")
            except NoticeRefused:
                continue
            raise AssertionError(f"{starts} - {ends} was accepted")
    async with chat.sessions() as session:
        assert await session.scalar(select(Notice)) is None


async def test_ending_a_notice_before_it_starts_calls_it_off_instead_of_an_all_clear(chat: Chat) -> None:
    await _owners(chat)
    supervisor = chat.person("staff-zhao")
    await supervisor.says("通知 3栋 停电 今天14:00-17:00 线路检修")
    await supervisor.says("确认通知")
    async with chat.sessions.begin() as session:
        number = await session.scalar(select(Notice.number))
        await session.execute(update(OutboxMessage).where(OutboxMessage.kind == "notice").values(status="sent"))
    await supervisor.says(f"结束通知 {number}")  # 10:00, before the 14:00 start
    texts = [p.payload["text"] for p in await _notice_pushes(chat)]
    assert not any("已恢复供电" in text for text in texts), texts
    assert sum("已取消" in text for text in texts) == 2, texts


async def test_a_tradesperson_cannot_announce_to_the_estate(chat: Chat) -> None:
    """王师傅 (plumbing and electrics) is staff but not the front desk: notices come from the desk or a supervisor."""
    await _owners(chat)
    answer = await chat.person("staff-wang").says("通知 全小区 台风预警 今天12:00-18:00 请收好阳台物品")
    assert "前台或主管" in answer, answer
    async with chat.sessions() as session:
        assert await session.scalar(select(Notice)) is None
