"""紧急求助 through the webhook: advice and the emergency phone at once, a ticket, staff alerted day or night."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.nlu import understand
from bot.nlu.details import details_of
from handlers.flows.emergency import emergency_kinds
from models import OutboxMessage, Staff
from tests.flows.conftest import MONDAY_10
from tests.support.chat import Chat

EMERGENCY_PHONE = "0755-2888 9999"


@pytest.fixture(autouse=True, scope="module")
def warm_nlu() -> None:
    """The model loads on the first message; loaded here, a slow machine cannot push it past the 4 s reply."""
    understand("你好", MONDAY_10)


async def staff_rows(chat: Chat, openid: str) -> list[OutboxMessage]:
    async with chat.sessions() as session:
        return list(await session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == openid)
                                          .order_by(OutboxMessage.id)))


async def deadlines(chat: Chat, number: str) -> dict[str, object]:
    async with chat.sessions() as session:
        ticket = await chat.services.desk.load(session, number)
        return {d.name: d.due_at for d in ticket.deadlines}


async def test_gas_leak_at_home_gets_advice_the_phone_and_a_ticket_in_one_reply(chat: Chat) -> None:
    await chat.bind("owner-zhang", "3-2-501", "13800000001")
    zhang = chat.person("owner-zhang")

    reply = await zhang.says("家里闻到很大的煤气味")
    assert "不要开关电灯" in reply and "不要点火" in reply and "打开门窗" in reply
    assert "室外" in reply and EMERGENCY_PHONE in reply
    assert "工单号 R20261123001" in reply
    assert "确认" not in reply  # no form, no confirmation: the ticket exists already

    [ticket] = await chat.tickets()
    assert (ticket.kind, ticket.category, ticket.home_id) == ("emergency", "燃气", chat.people["home"].id)
    assert ticket.contact_phone == "13800000001"
    assert await deadlines(chat, ticket.number) == {"acknowledge": chat.now() + timedelta(minutes=15)}
    zhao = await chat.pushes_to("staff-zhao")  # nobody has the 燃气 skill: the supervisor has it
    assert any("R20261123001" in text and "13800000001" in text for text in zhao)


async def test_a_lift_emergency_at_3_am_alerts_the_duty_staff_and_every_supervisor_at_once(chat: Chat) -> None:
    async with chat.sessions.begin() as session:
        session.add(Staff(name="孙主管", phone="13900000005", openid="staff-sun", role="supervisor", skills=""))
    chat.clock.travel(timedelta(hours=17))  # Tuesday 03:00, inside the quiet hours
    stranger = chat.person("stranger")  # not bound to any home

    reply = await stranger.says("3栋电梯困人了，快来人")
    assert "警铃" in reply and "不要扒门" in reply and "等待救援" in reply
    assert EMERGENCY_PHONE in reply and "工单号 R20261124001" in reply
    assert "具体位置" not in reply  # 3栋电梯 is enough to find it

    [ticket] = await chat.tickets()
    assert (ticket.kind, ticket.category, ticket.home_id) == ("emergency", "电梯", None)
    assert ticket.place == "3栋电梯" and ticket.building == "3"  # the place, not the whole message
    for openid in ("staff-zhao", "staff-sun"):  # one is assigned, the other alerted
        rows = await staff_rows(chat, openid)
        assert any("R20261124001" in row.payload["text"] for row in rows), openid
        assert all(row.urgent and row.due_at <= chat.now() for row in rows)  # quiet hours do not hold them
    assert any("【紧急】" in row.payload["text"] for row in await staff_rows(chat, "staff-sun"))


async def test_fire_from_a_stranger_without_an_address(chat: Chat) -> None:
    stranger = chat.person("stranger")

    reply = await stranger.says("家里着火了，好多烟")
    assert "楼梯撤离" in reply and "不要乘坐电梯" in reply and "湿毛巾" in reply and "119" in reply
    assert EMERGENCY_PHONE in reply and "工单号 R20261123001" in reply
    assert "具体位置" in reply  # we cannot find them without it: they are asked to phone it in

    [ticket] = await chat.tickets()
    assert ticket.place == "家里着火了，好多烟" and ticket.home_id is None and ticket.openid == "stranger"
    assert any("R20261123001" in text for text in await chat.pushes_to("staff-zhao"))


async def test_a_burst_pipe_is_offered_to_the_plumbers_and_the_supervisor_is_alerted(chat: Chat) -> None:
    await chat.bind("owner-zhang", "3-2-501", "13800000001")

    reply = await chat.person("owner-zhang").says("家里水管爆了，水漫一地")
    assert "水总阀" in reply and "配电箱" in reply and "高处" in reply and EMERGENCY_PHONE in reply

    [ticket] = await chat.tickets()
    assert ticket.category == "渗漏水" and ticket.home_id == chat.people["home"].id
    for plumber in ("staff-wang", "staff-li"):  # emergencies are grabbed (抢单) by whoever is free first
        assert any("抢单" in text and ticket.number in text for text in await chat.pushes_to(plumber))
    assert any("【紧急】" in text for text in await chat.pushes_to("staff-zhao"))


async def test_a_whole_building_without_power(chat: Chat) -> None:
    reply = await chat.person("owner-y").says("整栋楼停电了")
    assert "大功率电器" in reply and "恢复后" in reply and EMERGENCY_PHONE in reply


async def test_an_emergency_interrupts_a_repair_form(chat: Chat) -> None:
    await chat.bind("owner-zhang", "3-2-501", "13800000001")
    zhang = chat.person("owner-zhang")
    assert "什么时间方便" in await zhang.says("卫生间水管接头漏水了")

    reply = await zhang.says("厨房闻到好大的煤气味")
    assert "不要开关电灯" in reply and EMERGENCY_PHONE in reply and "工单号 R20261123001" in reply
    assert "先不办" not in reply  # no small talk before the advice

    await zhang.says("明天下午3点")  # the repair form is gone: this is no longer its answer
    [ticket] = await chat.tickets()
    assert ticket.kind == "emergency"


async def test_traditional_script_gets_advice_in_traditional(chat: Chat) -> None:
    reply = await chat.person("owner-hk").says("廚房煤氣味好大")
    assert "燃氣" in reply and EMERGENCY_PHONE in reply


@pytest.mark.parametrize(("text", "category", "kinds"), [
    ("家里闻到很大的煤气味", "燃气", ["gas"]),
    ("燃气灶起火了", "燃气", ["fire", "gas"]),
    ("电梯困人了！", "电梯", ["lift"]),
    ("电梯里有人晕倒了", "电梯", ["injury", "lift"]),
    ("楼道冒烟了", "其他", ["fire"]),
    ("水管爆了淹了整个家", "渗漏水", ["flood"]),
    ("3栋全楼停水了", "水电", ["outage"]),
    ("有人摔倒受伤了", "其他", ["injury"]),
    ("台风把窗户吹坏了", "其他", ["typhoon"]),
    ("救命啊", "其他", ["generic"]),
])
def test_the_kind_of_emergency_picks_the_advice(text: str, category: str, kinds: list[str]) -> None:
    assert emergency_kinds(details_of(text).emergency_kinds, category) == kinds
