"""访客登记 through the webhook: windows, the plate asked once, listing and cancelling."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.nlu.details import details_of
from handlers.domain import passes
from models import GatePass
from tests.support.chat import Chat

TZ = ZoneInfo("Asia/Shanghai")


async def gate_passes(chat: Chat) -> list[GatePass]:
    async with chat.sessions() as session:
        return list((await session.scalars(select(GatePass).order_by(GatePass.id))).all())


def local(moment: datetime) -> datetime:
    return moment.astimezone(TZ)


async def test_tomorrow_afternoon_is_two_to_six(chat: Chat) -> None:
    await chat.bind("owner-zhang", "3-2-501", "13800000001")
    zhang = chat.person("owner-zhang")

    reply = await zhang.says("明天下午有朋友来，帮我登记访客")
    assert "请确认访客登记" in reply and "3-2-501" in reply
    assert "11月24日（周二）14:00-18:00" in reply and "朋友" in reply
    reply = await zhang.says("确认")
    assert "访客登记成功" in reply and "V20261123001" in reply and "限用1次" in reply

    [gate_pass] = await gate_passes(chat)
    assert (gate_pass.kind, gate_pass.number, gate_pass.status, gate_pass.max_uses) == ("visitor", "V20261123001",
                                                                                        "active", 1)
    assert local(gate_pass.valid_from) == datetime(2026, 11, 24, 14, 0, tzinfo=TZ)
    assert local(gate_pass.valid_until) == datetime(2026, 11, 24, 18, 0, tzinfo=TZ)
    assert gate_pass.code.isdigit() and len(gate_pass.code) == 6 and gate_pass.code in reply
    assert gate_pass.visitor_name == "朋友" and gate_pass.plate is None
    assert await chat.tickets() == []  # a visitor pass is not a ticket


async def test_no_time_means_the_rest_of_today_and_a_car_gets_asked_for_its_plate(chat: Chat) -> None:
    await chat.bind("owner-zhang", "3-2-501", "13800000001")
    zhang = chat.person("owner-zhang")

    reply = await zhang.says("有两个朋友开车来我家，帮我登记访客")
    assert "车牌" in reply  # asked once, because a car was mentioned
    reply = await zhang.says("粤A12345")
    assert "粤A12345" in reply and "朋友（2人）" in reply
    assert "11月23日（周一）10:00-23:59" in reply
    assert "访客登记成功" in await zhang.says("确认")

    [gate_pass] = await gate_passes(chat)
    assert (gate_pass.plate, gate_pass.people) == ("粤A12345", 2)
    assert local(gate_pass.valid_from) == chat.now()
    assert local(gate_pass.valid_until) == datetime(2026, 11, 23, 23, 59, 59, tzinfo=TZ)


async def test_an_hour_given_is_half_an_hour_before_to_four_after(chat: Chat) -> None:
    await chat.bind("owner-zhang", "3-2-501", "13800000001")
    zhang = chat.person("owner-zhang")
    reply = await zhang.says("下午3点有个朋友开车来 车牌粤A12345")
    assert "11月23日（周一）14:30-19:00" in reply and "粤A12345" in reply  # plate given: not asked again
    await zhang.says("确认")
    [gate_pass] = await gate_passes(chat)
    assert local(gate_pass.valid_from) == datetime(2026, 11, 23, 14, 30, tzinfo=TZ)


async def test_the_time_corrected_at_the_confirmation(chat: Chat) -> None:
    await chat.bind("owner-zhang", "3-2-501", "13800000001")
    zhang = chat.person("owner-zhang")
    assert "14:30-19:00" in await zhang.says("明天下午3点有朋友来，帮我登记访客")  # an hour: 30 min before, 4 h after
    reply = await zhang.says("改成后天上午")
    assert "11月25日（周三）09:00-12:00" in reply  # a period without an hour: the whole period
    await zhang.says("确认")
    [gate_pass] = await gate_passes(chat)
    assert local(gate_pass.valid_until) == datetime(2026, 11, 25, 12, 0, tzinfo=TZ)


async def test_an_unbound_account_is_asked_to_bind_first(chat: Chat) -> None:
    reply = await chat.person("owner-unbound").says("明天下午有朋友来，帮我登记访客")
    assert "绑定房屋" in reply
    assert await gate_passes(chat) == []


async def test_list_and_cancel(chat: Chat) -> None:
    await chat.bind("owner-zhang", "3-2-501", "13800000001")
    zhang, li = chat.person("owner-zhang"), chat.person("owner-li")
    await chat.bind("owner-li", "3-2-502", "13800000002")

    assert "还没有登记过访客" in await zhang.says("我的访客")
    await zhang.says("明天下午有朋友来，帮我登记访客")
    await zhang.says("确认")
    [gate_pass] = await gate_passes(chat)

    listing = await zhang.says("我的访客")
    assert "V20261123001" in listing and "待生效" in listing and gate_pass.code in listing
    assert "V20261123001" not in await li.says("访客记录")  # another home sees nothing
    assert "没有找到" in await li.says("取消访客 V20261123001")  # … and cannot cancel it

    reply = await zhang.says("取消访客 V20261123001")
    assert "已为您取消访客登记 V20261123001" in reply
    async with chat.sessions() as session:
        assert (await session.get(GatePass, gate_pass.id)).status == "cancelled"  # type: ignore[union-attr]
        verdict = await passes.verify(session, gate_pass.code, chat.now() + timedelta(days=1, hours=5))
    assert (verdict.valid, verdict.reason) == (False, "已取消")
    assert "已取消" in await zhang.says("我的访客")
    assert "无需取消" in await zhang.says("取消访客 V20261123001")


async def test_cancel_without_a_number_takes_the_only_valid_pass(chat: Chat) -> None:
    await chat.bind("owner-zhang", "3-2-501", "13800000001")
    zhang = chat.person("owner-zhang")
    assert "没有可以取消的访客登记" in await zhang.says("取消访客")
    await zhang.says("明天下午有朋友来，帮我登记访客")
    assert "已为您取消本次访客登记" in await zhang.says("取消访客")  # the registration in progress
    assert await gate_passes(chat) == []

    await zhang.says("明天下午有朋友来，帮我登记访客")
    await zhang.says("确认")
    assert "已为您取消访客登记 V20261123001" in await zhang.says("取消访客")
    [gate_pass] = await gate_passes(chat)
    assert gate_pass.status == "cancelled"


async def test_a_time_already_past_is_asked_again(chat: Chat) -> None:
    await chat.bind("owner-zhang", "3-2-501", "13800000001")
    chat.clock.travel(timedelta(hours=10))  # Monday 20:00
    zhang = chat.person("owner-zhang")
    reply = await zhang.says("今天下午有朋友来，帮我登记访客")
    assert "已经过去了" in reply
    reply = await zhang.says("明天上午")
    assert "11月24日（周二）09:00-12:00" in reply


@pytest.mark.parametrize(("value", "exact", "window"), [
    (None, False, ("2026-11-23T10:00", "2026-11-23T23:59:59")),
    ("2026-11-25", False, ("2026-11-25T00:00", "2026-11-25T23:59:59")),
    ("2026-11-24T09:00", False, ("2026-11-24T09:00", "2026-11-24T12:00")),
    ("2026-11-24T12:00", False, ("2026-11-24T11:00", "2026-11-24T14:00")),
    ("2026-11-24T14:00", False, ("2026-11-24T14:00", "2026-11-24T18:00")),
    ("2026-11-24T19:00", False, ("2026-11-24T19:00", "2026-11-24T23:59:59")),
    ("2026-11-24T14:00", True, ("2026-11-24T13:30", "2026-11-24T18:00")),
    ("2026-11-24T21:00", True, ("2026-11-24T20:30", "2026-11-24T23:59:59")),
])
def test_windows(value: str | None, exact: bool, window: tuple[str, str]) -> None:
    now = datetime(2026, 11, 23, 10, 0, tzinfo=TZ)
    got = passes.visit_window(value, exact_hour=exact, now=now, tz=TZ)
    assert (got.start, got.end) == tuple(datetime.fromisoformat(w).replace(tzinfo=TZ) for w in window)


@pytest.mark.parametrize(("text", "people"), [
    ("2个人", 2), ("两位", 2), ("三个朋友", 3), ("大概七八个人", 8), ("十二个人", 12), ("停两个小时", None),
    ("有个朋友", None),
])
def test_people(text: str, people: int | None) -> None:
    assert details_of(text).people == people
