"""Notices (docs/notices.md) as owners and staff live them: a water cut in building 3, announced by the
front desk through the chat, reaching exactly the bound owners and tenants of building 3 once each by
the right channel, answering their "怎么停水了" while it lasts, reminding them before it starts and
telling them when it is over; a fire drill that waits out the night and a typhoon that does not;
a merged lift report turned into a notice; the records in ``/api/notices`` and the monthly report;
``wuyebot notice create`` on the command line.

Everything goes through the real app (signed WeChat XML to ``/wechat``, the admin API with the bearer
token, the outbox and its sender delivering to a fake WeChat API, the scheduler's jobs run at the
moments they would). The register is written into the database; outcomes are read from the fake API,
the outbox and the tickets. The world is described in conftest.py.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import sys
from collections import deque
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.clock import FrozenClock
from models import Notice, NoticeRecipient, OutboxMessage
from tests.conftest import REPO
from tests.notices.conftest import (
    BUILDING_3,
    FRIDAY_10,
    IN_WINDOW_3,
    NOT_BUILDING_3,
    NOTICE_TEMPLATE,
    NUMBER,
    TZ,
    World,
)
from tests.support.chat import Chat, Person

WATER_TEXT = "二次供水设备检修"  # what the front desk writes; distinctive enough to find in any answer
WATER = f"通知 3栋 停水 明天9:00-12:00 {WATER_TEXT}"
SATURDAY = datetime(2026, 12, 5, tzinfo=TZ)  # the day of the water cut, 09:00-12:00


def on_saturday(hour: int, minute: int = 0) -> datetime:
    return SATURDAY.replace(hour=hour, minute=minute)


# --- making notices the way the front desk does ---------------------------------------------------------


async def latest_notice(world: World) -> Notice | None:
    async with world.chat.sessions() as session:
        return await session.scalar(select(Notice).order_by(Notice.id.desc()).limit(1))


async def notice(world: World, number: str) -> Notice:
    async with world.chat.sessions() as session:
        found = await session.scalar(select(Notice).where(Notice.number == number))
    assert found is not None, number
    return found


async def draft(world: World, command: str = WATER, staff: str = "staff-desk") -> tuple[str, str]:
    """Staff write a notice command: (the draft's number, the answer they read)."""
    answer = await world.staff_says(command, staff)
    found = NUMBER.search(answer)
    if found is None:
        latest = await latest_notice(world)
        assert latest is not None, f"no notice was drafted: {answer}"
        return latest.number, answer
    return found.group(), answer


async def announce(world: World, command: str = WATER, staff: str = "staff-desk") -> str:
    """Draft a notice, confirm it with 确认通知, and return its number."""
    number, _answer = await draft(world, command, staff)
    confirmed = await world.staff_says("确认通知", staff)
    assert (await notice(world, number)).status == "active", confirmed
    return number


def standalone_numbers(text: str) -> list[str]:
    """The counts in a staff answer, leaving out notice numbers, dates and times."""
    text = re.sub(r"[NR]\d{11}|\d{1,2}:\d{2}|\d{4}-\d{2}-\d{2}|\d{1,2}月\d{1,2}日|48", " ", text)
    return re.findall(r"\d+", text)


def once_each(deliveries: dict[str, list[Any]]) -> dict[str, int]:
    return {openid: len(found) for openid, found in deliveries.items()}


async def says_about_water(person: Person, text: str = "怎么停水了") -> str:
    return await person.says(text)


def is_the_notice(reply: str) -> bool:
    return WATER_TEXT in reply


# --- 1. who a notice reaches, and how ------------------------------------------------------------------------


async def test_a_building_3_notice_reaches_exactly_building_3s_bound_owners_and_tenants_once_each(
        world: World) -> None:
    """The water cut in building 3 reaches 张伟, 李娜 (two homes there, one message), the tenant 孙悦 by
    customer-service message and 钱多 (silent for 3 days) by the notice template; nobody moved out, no tenant
    still waiting for consent, nobody in building 5 or in 兰亭苑's building 3, and no staff."""
    number = await announce(world)
    await world.send()

    reached = await world.notice_deliveries(number, "announce")
    assert once_each(reached) == dict.fromkeys(BUILDING_3, 1), once_each(reached)
    for openid in IN_WINDOW_3:
        [delivery] = reached[openid]
        assert delivery.channel == "customer_service", (openid, delivery)
        assert WATER_TEXT in delivery.text and "09:00" in delivery.text and "12:00" in delivery.text, delivery.text
    [far] = reached["owner-far"]
    assert far.channel == "template" and far.template_id == NOTICE_TEMPLATE, far

    rows = await world.notice_rows(number, "announce")
    assert sorted(row.recipient for row in rows) == sorted(BUILDING_3)  # one push per account, keyed once
    assert {row.idempotency_key for row in rows} == {f"notice:{number}:{openid}:announce" for openid in BUILDING_3}
    assert {row.recipient: row.channel for row in rows} == {
        **dict.fromkeys(IN_WINDOW_3, "customer_service"), "owner-far": "template"}
    for openid in NOT_BUILDING_3:
        assert world.delivered_to(openid) == [], (openid, world.delivered_to(openid))
    assert {row.recipient for row in await world.all_notice_rows()} == set(BUILDING_3)  # no staff either

    async with world.chat.sessions() as session:
        recipients = (await session.scalars(select(NoticeRecipient.openid).join(
            Notice, Notice.id == NoticeRecipient.notice_id).where(Notice.number == number))).all()
    assert sorted(recipients) == sorted(BUILDING_3)


async def test_the_template_outside_the_window_still_tells_when_the_water_is_cut(world: World) -> None:
    """钱多 has not written for 3 days, so he gets the notice template instead of a chat message; it must still
    tell him the times of the cut (09:00 and 12:00), which is what an outage notice is for."""
    number = await announce(world)
    await world.send()
    [far] = (await world.notice_deliveries(number, "announce"))["owner-far"]
    assert far.channel == "template" and far.template_id == NOTICE_TEMPLATE, far
    assert "09:00" in far.text and "12:00" in far.text, far.text


async def test_a_chat_message_wechat_refuses_falls_back_to_a_template_that_keeps_the_times(world: World) -> None:
    """WeChat refuses the first chat message (45015: it counts the window closed though our records do not):
    that owner gets the notice by template all the same, with the cut's times in their own field."""
    world.fake.fail_next("message/custom/send", 45015)
    number = await announce(world)
    await world.send()
    await world.send()
    reached = await world.notice_deliveries(number, "announce")
    assert sum(len(found) for found in reached.values()) == len(BUILDING_3), reached
    by_template = [found for found in (d for ds in reached.values() for d in ds) if found.channel == "template"]
    assert len(by_template) == 2, by_template  # 钱多 (silent for 3 days) and the one WeChat refused
    for delivery in by_template:
        assert "09:00" in delivery.text and "12:00" in delivery.text, delivery.text


async def test_without_a_notice_template_an_owner_silent_for_3_days_is_unreachable_and_gets_nothing(
        make_world: Any) -> None:
    """With no ``notifications.templates.notice``, 钱多 (last wrote 3 days ago) is counted unreachable: nothing
    is queued for him and nothing reaches him, not even when the sender runs again; the others get theirs."""
    world: World = await make_world(template=False)
    number = await announce(world)
    await world.send()
    await world.send()

    reached = await world.notice_deliveries(number, "announce")
    assert once_each(reached) == dict.fromkeys(IN_WINDOW_3, 1), once_each(reached)
    assert world.delivered_to("owner-far") == []
    assert [row for row in await world.notice_rows(number) if row.recipient == "owner-far"] == []

    status, data = await world.api_get("/api/notices", estate="default", active="1")
    assert status == 200, data
    entry = listed(data, number)
    assert entry is not None, data
    assert count_of(entry, "unreachable") == 1, entry
    assert count_of(entry, "sent") == 3, entry


@pytest.mark.parametrize("template", [True, False], ids=["with_template", "without_template"])
async def test_the_channel_is_chosen_again_for_each_step(make_world: Any, template: bool) -> None:
    """钱多 is outside the 48-hour window when the water cut is announced (template, or unreachable without one);
    he writes on Saturday at 10:00 and is answered with the notice, so the all clear at 12:00 reaches him as a
    customer-service message."""
    world: World = await make_world(template=template)
    number = await announce(world)
    await world.send()
    world.at(on_saturday(10))
    await world.tick()
    reply = await says_about_water(world.person("owner-far"))
    assert is_the_notice(reply), reply
    world.at(on_saturday(12))
    await world.tick()
    [clear] = (await world.notice_deliveries(number, "clear"))["owner-far"]
    assert clear.channel == "customer_service", clear


# --- 2. exactly once, across runs and restarts --------------------------------------------------------------


async def test_running_the_sender_and_the_jobs_again_sends_nobody_twice(world: World) -> None:
    """The sender run twice, the notices job run again, and a second 确认通知: each account still has
    exactly one announcement."""
    number = await announce(world)
    await world.send()
    await world.tick()
    await world.tick()
    await world.staff_says("确认通知")
    await world.tick()

    reached = await world.notice_deliveries(number, "announce")
    assert once_each(reached) == dict.fromkeys(BUILDING_3, 1), once_each(reached)
    assert len(await world.notice_rows(number, "announce")) == len(BUILDING_3)


async def test_a_restart_mid_send_repeats_nobody(world: World, launch: Any) -> None:
    """WeChat fails two of the customer-service sends (HTTP 503) and the service then stops; a fresh process
    over the same database, two minutes later, delivers those two and repeats nobody already reached; it sends
    the reminder and the all clear, and a third process after that sends nothing again."""
    number = await announce(world)
    world.fake.fail_next("message/custom/send", http_status=503)
    world.fake.fail_next("message/custom/send", http_status=503)
    await world.send()
    first = once_each(await world.notice_deliveries(number, "announce"))
    assert sum(first.values()) == len(BUILDING_3) - 2, first  # two still to go
    assert all(count == 1 for count in first.values()), first
    assert world.process is not None
    await world.process.stop()

    clock = FrozenClock(world.clock.now() + timedelta(minutes=2))
    again = await launch(world.service.settings, clock)
    restarted = World(service=again.service, chat=Chat(service=again.service, clock=clock, people={}),
                      fake=world.fake, clock=clock, homes=world.homes)
    await restarted.tick()
    await restarted.tick()

    reached = await restarted.notice_deliveries(number, "announce")
    assert once_each(reached) == dict.fromkeys(BUILDING_3, 1), once_each(reached)

    restarted.at(on_saturday(8))  # the reminder and the all clear, each from the restarted process …
    await restarted.tick()
    restarted.at(on_saturday(12))
    await restarted.tick()
    await again.stop()
    clock = FrozenClock(on_saturday(12, 1))  # … and once more from a third one: nobody hears anything twice
    third = await launch(world.service.settings, clock)
    last = World(service=third.service, chat=Chat(service=third.service, clock=clock, people={}),
                 fake=world.fake, clock=clock, homes=world.homes)
    await last.tick()
    for step in ("announce", "remind", "clear"):
        assert once_each(await last.notice_deliveries(number, step)) == dict.fromkeys(BUILDING_3, 1), step


# --- 3. answering owners while it lasts ----------------------------------------------------------------------


async def test_asking_about_the_water_in_building_3_during_the_notice_gets_the_notice_and_no_ticket(
        world: World) -> None:
    """At 10:00 on the day, 张伟's "怎么停水了" and the tenant's "什么时候来水" are answered with the notice's
    text and its times (09:00-12:00); no repair form, no ticket number, no ticket."""
    await announce(world)
    await world.send()
    world.at(on_saturday(10))
    await world.tick()

    for openid, question in (("owner-zhang", "怎么停水了"), ("tenant-sun", "什么时候来水")):
        reply = await says_about_water(world.person(openid), question)
        assert is_the_notice(reply), (question, reply)
        assert "09:00" in reply and "12:00" in reply, reply
        assert "工单号" not in reply and "请确认报修信息" not in reply, reply
    assert await world.tickets() == []


async def test_building_5_and_a_leak_in_building_3_get_the_usual_flow_during_the_notice(world: World) -> None:
    """During building 3's water cut, 吴刚 of building 5 asking "怎么停水了" is not given building 3's notice,
    and 张伟 reporting "卫生间水管漏水了" still gets the repair form and a ticket."""
    await announce(world)
    await world.send()
    world.at(on_saturday(10))

    elsewhere = await says_about_water(world.person("owner-wu"))
    assert not is_the_notice(elsewhere) and "12:00" not in elsewhere, elsewhere

    zhang = world.person("owner-zhang")
    reply = await zhang.says("卫生间水管漏水了")
    assert not is_the_notice(reply), reply
    for _ in range(4):
        if "工单号" in reply:
            break
        if "什么时间" in reply:
            reply = await zhang.says("随时都可以")
        elif "请确认" in reply:
            reply = await zhang.says("确认")
        else:
            break
    assert "工单号" in reply, reply
    [ticket] = await world.tickets()
    assert ticket.openid == "owner-zhang" and ticket.kind == "repair"


async def test_before_the_start_and_after_the_end_the_notice_is_not_the_answer(world: World) -> None:
    """The notice answers only from 09:00 to 12:00: asked the day before, or after the all clear, an owner of
    building 3 does not get the notice as the answer."""
    await announce(world)
    await world.send()
    world.at(FRIDAY_10 + timedelta(minutes=5))
    before = await says_about_water(world.person("owner-zhang"))
    assert not is_the_notice(before), before

    world.at(on_saturday(12))
    await world.tick()
    world.at(on_saturday(12, 30))
    after = await says_about_water(world.person("tenant-sun"))
    assert not is_the_notice(after), after


# --- 4. quiet hours, reminders, the all clear ----------------------------------------------------------------


async def test_a_fire_drill_made_at_23_00_waits_for_the_morning_while_a_typhoon_warning_goes_at_once(
        make_world: Any) -> None:
    """At 23:00 the front desk posts tomorrow's 消防演练 for building 3 and a 台风预警 for the whole estate: the
    warning reaches every bound account of 阳光花园 at once; the drill is held until quiet hours end at 08:00."""
    world: World = await make_world(FRIDAY_10.replace(hour=23))
    drill = await announce(world, "通知 3栋 消防演练 明天10:00-11:00 消防演练期间请勿乘坐电梯")
    typhoon = await announce(world, "通知 台风预警 明天6:00-18:00 台风“海葵”将登陆，请收好阳台物品")
    assert (await notice(world, typhoon)).urgent and not (await notice(world, drill)).urgent

    for row in await world.notice_rows(drill, "announce"):
        assert row.due_at.astimezone(TZ) == on_saturday(8), (row.recipient, row.due_at)
    for row in await world.notice_rows(typhoon, "announce"):
        assert row.due_at <= world.clock.now(), (row.recipient, row.due_at)

    await world.tick()
    whole_estate = (*BUILDING_3, "owner-wu")
    assert once_each(await world.notice_deliveries(typhoon, "announce")) == dict.fromkeys(whole_estate, 1)
    assert await world.notice_deliveries(drill) == {}
    for openid in ("owner-zhou", "owner-qian", "tenant-pending"):
        assert world.delivered_to(openid) == [], openid

    world.at(on_saturday(7, 59))
    await world.tick()
    assert await world.notice_deliveries(drill) == {}
    world.at(on_saturday(8))
    await world.tick()
    assert once_each(await world.notice_deliveries(drill, "announce")) == dict.fromkeys(BUILDING_3, 1)


async def test_the_reminder_goes_before_the_planned_start_and_the_all_clear_at_the_end(world: World) -> None:
    """Announced on Friday, the 09:00 water cut is reminded at 08:00 (60 minutes before) and cleared at 12:00,
    each once to each of the four accounts; nothing goes early, nothing twice."""
    number = await announce(world)
    await world.send()

    world.at(on_saturday(7, 30))
    await world.tick()
    assert await world.notice_deliveries(number, "remind") == {}
    world.at(on_saturday(8))
    await world.tick()
    reminded = await world.notice_deliveries(number, "remind")
    assert once_each(reminded) == dict.fromkeys(BUILDING_3, 1), once_each(reminded)
    assert all("09:00" in delivery.text for openid in IN_WINDOW_3 for delivery in reminded[openid])

    world.at(on_saturday(11, 59))
    await world.tick()
    assert await world.notice_deliveries(number, "clear") == {}
    world.at(on_saturday(12))
    await world.tick()
    world.at(on_saturday(12, 5))
    await world.tick()
    cleared = await world.notice_deliveries(number, "clear")
    assert once_each(cleared) == dict.fromkeys(BUILDING_3, 1), once_each(cleared)
    assert (await notice(world, number)).status == "ended"
    assert once_each(await world.notice_deliveries(number, "remind")) == dict.fromkeys(BUILDING_3, 1)


async def test_a_notice_announced_within_the_hour_before_its_start_gets_no_reminder(world: World) -> None:
    """Posted at 08:30 for 09:00 (less than the 60 minutes of ``notices.remind_before_minutes`` ahead), the water
    cut is announced once and not reminded; the all clear still follows at 12:00."""
    world.at(on_saturday(8, 30))
    number = await announce(world, f"通知 3栋 停水 12月5日 9:00-12:00 {WATER_TEXT}")
    await world.tick()
    for moment in (on_saturday(8, 45), on_saturday(9), on_saturday(12)):
        world.at(moment)
        await world.tick()
    assert once_each(await world.notice_deliveries(number, "announce")) == dict.fromkeys(BUILDING_3, 1)
    assert await world.notice_deliveries(number, "remind") == {}
    assert once_each(await world.notice_deliveries(number, "clear")) == dict.fromkeys(BUILDING_3, 1)


async def test_ending_early_sends_the_all_clear_at_once_and_not_again_at_the_planned_end(world: World) -> None:
    """The water is back at 10:30: 结束通知 sends the all clear to all four at once; at 12:00 nobody hears it
    again, and "怎么停水了" at 10:45 is no longer answered with the notice."""
    number = await announce(world)
    await world.send()
    world.at(on_saturday(10, 30))
    await world.tick()
    answer = await world.staff_says(f"结束通知 {number}")
    assert number in answer, answer
    await world.send()
    assert once_each(await world.notice_deliveries(number, "clear")) == dict.fromkeys(BUILDING_3, 1)
    assert (await notice(world, number)).status == "ended"

    world.at(on_saturday(10, 45))
    assert not is_the_notice(await says_about_water(world.person("owner-zhang")))
    world.at(on_saturday(12))
    await world.tick()
    assert once_each(await world.notice_deliveries(number, "clear")) == dict.fromkeys(BUILDING_3, 1)


async def test_extending_moves_the_all_clear_and_the_answer(world: World) -> None:
    """延长通知 … 14:00 at 11:00: no all clear at 12:00, the owners asking at 12:30 are told 14:00, and the all
    clear goes once to each at 14:00."""
    number = await announce(world)
    await world.send()
    world.at(on_saturday(11))
    await world.tick()
    answer = await world.staff_says(f"延长通知 {number} 14:00")
    assert "14:00" in answer, answer
    assert (await notice(world, number)).ends_at.astimezone(TZ) == on_saturday(14)
    await world.send()

    world.at(on_saturday(12))
    await world.tick()
    assert await world.notice_deliveries(number, "clear") == {}
    world.at(on_saturday(12, 30))
    reply = await says_about_water(world.person("owner-zhang"))
    assert is_the_notice(reply) and "14:00" in reply, reply

    world.at(on_saturday(14))
    await world.tick()
    await world.tick()
    assert once_each(await world.notice_deliveries(number, "clear")) == dict.fromkeys(BUILDING_3, 1)


async def test_cancelling_a_notice_held_for_the_night_sends_nothing_at_all(make_world: Any) -> None:
    """A drill posted at 23:00 waits for 08:00; cancelled at 23:30, nobody ever hears of it, neither the
    announcement nor a cancellation, nor a reminder or an all clear later."""
    world: World = await make_world(FRIDAY_10.replace(hour=23))
    number = await announce(world, "通知 3栋 消防演练 明天10:00-11:00 消防演练期间请勿乘坐电梯")
    world.at(FRIDAY_10.replace(hour=23, minute=30))
    answer = await world.staff_says(f"取消通知 {number}")
    assert number in answer, answer
    assert (await notice(world, number)).status == "cancelled"
    for moment in (on_saturday(8), on_saturday(9), on_saturday(11)):
        world.at(moment)
        await world.tick()
    assert await world.notice_deliveries(number) == {}
    for openid in BUILDING_3:
        assert world.delivered_to(openid) == [], openid


async def test_cancelling_an_announced_notice_tells_those_told_and_nothing_more_follows(world: World) -> None:
    """Cancelled on Friday afternoon, the water cut's four recipients are each told once that it is off; no
    reminder, no all clear follows, and on Saturday "怎么停水了" is not answered with it."""
    number = await announce(world)
    await world.send()
    world.at(FRIDAY_10.replace(hour=15))
    answer = await world.staff_says(f"取消通知 {number}")
    assert number in answer, answer
    await world.send()
    assert once_each(await world.notice_deliveries(number, "cancel")) == dict.fromkeys(BUILDING_3, 1)

    for moment in (on_saturday(8), on_saturday(10), on_saturday(12)):
        world.at(moment)
        await world.tick()
    assert await world.notice_deliveries(number, "remind") == {}
    assert await world.notice_deliveries(number, "clear") == {}
    world.at(on_saturday(10))
    assert not is_the_notice(await says_about_water(world.person("owner-zhang")))


async def test_a_power_cut_in_building_5_answers_building_5_and_not_building_3(world: World) -> None:
    """A 停电 notice for building 5: during it 吴刚's "什么时候来电" is answered with its times (14:00-16:00),
    张伟 of building 3 asking the same is not given building 5's notice."""
    number = await announce(world, "通知 5栋 停电 明天14:00-16:00 配电房设备检修")
    await world.send()
    assert once_each(await world.notice_deliveries(number, "announce")) == {"owner-wu": 1}
    world.at(on_saturday(15))
    reply = await world.person("owner-wu").says("什么时候来电")
    assert "配电房设备检修" in reply and "16:00" in reply and "工单号" not in reply, reply
    other = await world.person("owner-zhang").says("什么时候来电")
    assert "配电房设备检修" not in other, other
    assert await world.tickets() == []


async def test_a_lanting_supervisors_building_3_notice_stays_in_lanting(world: World) -> None:
    """刘主管 serves only 兰亭苑: his "通知 3栋 停水 …" is 兰亭苑's building 3 and reaches 周敏 alone, never the
    owners of 阳光花园's building 3."""
    number = await announce(world, "通知 3栋 停水 明天9:00-12:00 兰亭苑水箱清洗", staff="staff-liu")
    assert (await notice(world, number)).estate == "lanting"
    await world.send()
    assert once_each(await world.notice_deliveries(number, "announce")) == {"owner-zhou": 1}
    for openid in BUILDING_3:
        assert world.delivered_to(openid) == [], openid


# --- 5. the staff's chat command -----------------------------------------------------------------------------


async def test_the_staff_command_drafts_shows_the_count_and_sends_only_after_confirmation(world: World) -> None:
    """郑洁's "通知 3栋 停水 明天9:00-12:00 …" answers with what will be sent, to 4 accounts, and asks for 确认通知;
    nothing is queued or sent until she confirms, then all four get it."""
    number, answer = await draft(world)
    assert WATER_TEXT in answer and "确认通知" in answer, answer
    assert "4" in standalone_numbers(answer), answer
    assert "09:00" in answer and "12:00" in answer, answer
    assert (await notice(world, number)).status == "draft"
    await world.tick()
    assert await world.all_notice_rows() == []
    assert all(world.delivered_to(openid) == [] for openid in BUILDING_3)

    confirmed = await world.staff_says("确认通知")
    assert "4" in standalone_numbers(confirmed), confirmed
    await world.send()
    assert once_each(await world.notice_deliveries(number, "announce")) == dict.fromkeys(BUILDING_3, 1)


async def test_a_draft_dropped_with_cancel_is_never_sent(world: World) -> None:
    """取消通知 with no number drops the draft: nothing is queued, and a later 确认通知 sends nothing."""
    number, _answer = await draft(world)
    await world.staff_says("取消通知")
    async with world.chat.sessions() as session:
        dropped = await session.scalar(select(Notice).where(Notice.number == number))
    assert dropped is None or dropped.status in ("draft", "cancelled"), dropped.status
    await world.staff_says("确认通知")
    await world.tick()
    assert await world.all_notice_rows() == []
    assert all(world.delivered_to(openid) == [] for openid in BUILDING_3)


async def test_an_owner_writing_the_staff_command_makes_no_notice(world: World) -> None:
    """张伟 is an owner, not staff: his "通知 3栋 停水 …" (and a following 确认通知) makes no notice and sends
    nobody anything about one."""
    zhang = world.person("owner-zhang")
    await zhang.says("通知 3栋 停水 明天9:00-12:00 管道维修")
    await zhang.says("确认通知")
    await world.tick()
    assert await latest_notice(world) is None
    assert await world.all_notice_rows() == []
    for openid in ("owner-li", "tenant-sun", "owner-far"):
        assert world.delivered_to(openid) == [], openid


# --- 6. from a merged report to a notice ---------------------------------------------------------------------


async def report_shared(person: Person, text: str) -> str:
    reply = await person.says(text)
    for _ in range(3):
        if "工单" in reply and ("工单号" in reply or "已有其他业主" in reply):
            break
        reply = await person.says("确认")
    return reply


async def test_a_merged_lift_report_turned_into_a_notice_reaches_every_reporter_with_the_all_clear(
        world: World) -> None:
    """张伟 (building 3) and 吴刚 (building 5) both report building 3's lift; their reports are one ticket. 赵主管's
    "转通知 R… 电梯维保 预计16:00恢复" makes an urgent notice for building 3 from now: the four accounts of building 3
    and 吴刚 each get it once, "电梯怎么停了" from 李娜 is answered with it, and at 16:00 all five get the all clear."""
    first = await report_shared(world.person("owner-zhang"), "3栋电梯坏了，一直停在5楼")
    second = await report_shared(world.person("owner-wu"), "3栋电梯坏了，按了没反应")
    [ticket] = await world.tickets()
    assert ticket.number in first and ticket.number in second, (first, second)

    answer = await world.staff_says(f"转通知 {ticket.number} 电梯维保 预计16:00恢复", "staff-zhao")
    found = NUMBER.search(answer)
    number = found.group() if found else (await latest_notice(world)).number  # type: ignore[union-attr]
    made = await notice(world, number)
    assert made.status == "active" and made.urgent and made.kind == "电梯维保", answer
    assert made.ends_at.astimezone(TZ) == FRIDAY_10.replace(hour=16)
    await world.send()
    everyone = (*BUILDING_3, "owner-wu")
    assert once_each(await world.notice_deliveries(number, "announce")) == dict.fromkeys(everyone, 1)

    world.at(FRIDAY_10.replace(hour=11))
    reply = await world.person("owner-li").says("电梯怎么停了")
    assert "16:00" in reply and "工单号" not in reply and "请确认报修信息" not in reply, reply
    assert len(await world.tickets()) == 1

    world.at(FRIDAY_10.replace(hour=16))
    await world.tick()
    await world.tick()
    assert once_each(await world.notice_deliveries(number, "clear")) == dict.fromkeys(everyone, 1)


async def test_a_lift_failure_turned_into_a_notice_at_night_goes_at_once(make_world: Any) -> None:
    """At 23:00 two owners report building 3's lift and 赵主管 turns the ticket into a notice: an unplanned cut is
    urgent, so it reaches building 3 and the reporters at once, quiet hours or not."""
    world: World = await make_world(FRIDAY_10.replace(hour=23))
    await report_shared(world.person("owner-zhang"), "3栋电梯坏了，一直停在5楼")
    await report_shared(world.person("owner-wu"), "3栋电梯坏了，按了没反应")
    [ticket] = await world.tickets()
    answer = await world.staff_says(f"转通知 {ticket.number} 电梯维保 预计02:00恢复", "staff-zhao")
    found = NUMBER.search(answer)
    number = found.group() if found else (await latest_notice(world)).number  # type: ignore[union-attr]
    made = await notice(world, number)
    assert made.urgent and made.ends_at.astimezone(TZ) == on_saturday(2), (made.starts_at, made.ends_at)  # 02:00 next
    for row in await world.notice_rows(number, "announce"):
        assert row.due_at <= world.clock.now(), (row.recipient, row.due_at)
    await world.send()
    assert once_each(await world.notice_deliveries(number, "announce")) == dict.fromkeys((*BUILDING_3, "owner-wu"), 1)


# --- 7. records ---------------------------------------------------------------------------------------------


def listed(data: Any, number: str) -> dict[str, Any] | None:
    """The notice ``number`` in an /api/notices answer (a list, or an object holding one)."""
    items = data.get("notices", []) if isinstance(data, dict) else data
    return next((item for item in items if isinstance(item, dict) and item.get("number") == number), None)


def count_of(entry: Any, name: str) -> int | None:
    """A delivery count in a notice's entry, however nested (``sent`` or ``delivery.sent``); a list counts its items."""
    queue = deque([entry])
    while queue:
        item = queue.popleft()
        if isinstance(item, dict):
            if name in item and isinstance(item[name], int | list) and not isinstance(item[name], bool):
                value = item[name]
                return len(value) if isinstance(value, list) else value
            queue.extend(item.values())
        elif isinstance(item, list):
            queue.extend(item)
    return None


async def test_api_notices_lists_the_active_notice_with_its_delivery_counts_and_needs_the_token(
        world: World) -> None:
    """``/api/notices?estate=default&active=1`` lists the water cut with its kind, scope, times and counts (4
    recipients, 4 sent, none pending, failed or unreachable); not for 兰亭苑; not as active once ended; and
    never without the bearer token."""
    number = await announce(world)
    await world.send()

    status, _data = await world.api_get("/api/notices", auth=False, estate="default", active="1")
    assert status == 401
    status, data = await world.api_get("/api/notices", estate="default", active="1")
    assert status == 200, data
    entry = listed(data, number)
    assert entry is not None, data
    shown = json.dumps(entry, ensure_ascii=False)
    assert entry.get("kind") == "停水" and "3" in shown and "09:00" in shown and "12:00" in shown, entry
    assert {name: count_of(entry, name) for name in ("recipients", "sent", "pending", "failed", "unreachable")} == {
        "recipients": 4, "sent": 4, "pending": 0, "failed": 0, "unreachable": 0}, entry

    status, data = await world.api_get("/api/notices", estate="lanting", active="1")
    assert status == 200 and listed(data, number) is None, data

    world.at(on_saturday(10))
    await world.staff_says(f"结束通知 {number}")
    status, data = await world.api_get("/api/notices", estate="default", active="1")
    assert status == 200 and listed(data, number) is None, data
    status, data = await world.api_get("/api/notices", estate="default")
    assert status == 200 and listed(data, number) is not None, data


def section(body: Any, word: str = "notice") -> Any:
    """The part of a report's JSON about notices (the company's, found before any estate's)."""
    queue = deque([body])
    while queue:
        item = queue.popleft()
        if isinstance(item, dict):
            for key, value in item.items():
                if word in key.lower() and isinstance(value, dict | list):
                    return value
            queue.extend(value for key, value in item.items() if key != "estates")
        elif isinstance(item, list):
            queue.extend(item)
    return None


def kind_count(part: Any, kind: str) -> int | None:
    """How many notices of ``kind`` a report part counts: ``{"停水": 1}``, ``{"停水": {"count": 1}}`` or
    ``[{"kind": "停水", "count": 1}]``."""
    if isinstance(part, dict):
        if kind in part:
            value = part[kind]
            if isinstance(value, int):
                return value
            if isinstance(value, dict):
                return next((value[key] for key in ("count", "notices", "number", "total") if key in value), None)
        for value in part.values():
            found = kind_count(value, kind)
            if found is not None:
                return found
    if isinstance(part, list):
        for item in part:
            if isinstance(item, dict) and kind in item.values():
                return next((item[key] for key in ("count", "notices", "number", "total") if key in item), None)
            found = kind_count(item, kind)
            if found is not None:
                return found
    return None


def largest(part: Any, word: str) -> int | None:
    """The largest whole number under a key containing ``word`` (the company's total beside each kind's)."""
    found: list[int] = []
    queue = deque([part])
    while queue:
        item = queue.popleft()
        if isinstance(item, dict):
            for key, value in item.items():
                if word in key.lower() and isinstance(value, int) and not isinstance(value, bool):
                    found.append(value)
                else:
                    queue.append(value)
        elif isinstance(item, list):
            queue.extend(item)
    return max(found) if found else None


async def test_the_monthly_report_counts_notices_by_kind_accounts_reached_and_delivery_failures(
        world: World) -> None:
    """December's report (``/api/stats?period=2026-12``) counts one 停水 and one 消杀 notice, the accounts reached
    (the four of building 3) and the one delivery WeChat refused (吴刚's)."""
    water = await announce(world)
    await world.send()
    pests = await announce(world, "通知 5栋 消杀 明天14:00-16:00 楼道及地下室消杀，请关好门窗")
    world.fake.fail_next("message/custom/send", 43101)  # 吴刚 refuses messages: a delivery failure
    await world.send()
    await world.send()
    assert once_each(await world.notice_deliveries(water, "announce")) == dict.fromkeys(BUILDING_3, 1)
    assert await world.notice_deliveries(pests, "announce") == {}

    world.at(on_saturday(18))
    status, body = await world.api_get("/api/stats", period="2026-12")
    assert status == 200, body
    part = section(body)
    assert part is not None, sorted(body)
    assert kind_count(part, "停水") == 1 and kind_count(part, "消杀") == 1, part
    assert kind_count(part, "停电") in (None, 0), part
    assert largest(part, "reach") == 4, part
    assert largest(part, "fail") == 1, part


async def test_the_monthly_report_in_the_terminal_names_the_kinds(world: World, capsys: Any) -> None:
    """``wuyebot report monthly --period 2026-12`` prints the notices section with each kind made that month."""
    from handlers.reports.command import run_report_command

    await announce(world)
    await world.send()
    capsys.readouterr()
    assert await asyncio.to_thread(run_report_command, "monthly", "2026-12", None, world.service.settings,
                                   clock=FrozenClock(on_saturday(18))) == 0
    printed = capsys.readouterr().out
    assert "通知" in printed and "停水" in printed, printed


# --- 8. the command line -----------------------------------------------------------------------------------


async def wuyebot(world: World, *args: str) -> tuple[int, str]:
    """Run ``python -m bot …`` as a separate process on the world's database and configuration."""
    env = {**os.environ, "WUYEBOT_DATABASE_URL": world.service.settings.database_url, "PYTHONPATH": str(REPO),
           "WUYEBOT_CONFIG": str(world.config_path)}
    for name in ("WECHAT_TOKEN", "WECHAT_APPID", "WECHAT_SECRET", "WECHAT_API_BASE", "WECHAT_AES_KEY"):
        env.pop(name, None)  # sandbox: the command line must not reach anything
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, cwd=REPO, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    out, _ = await asyncio.wait_for(process.communicate(), timeout=120)
    return int(process.returncode or 0), out.decode("utf-8", "replace")


def real_time_window(days: int = 3) -> tuple[str, str]:
    """09:00-12:00 local, a few days from the machine's real now (the command line runs on the real clock)."""
    day = datetime.now(TZ).date() + timedelta(days=days)
    start = datetime(day.year, day.month, day.day, 9, 0, tzinfo=TZ)
    return start.isoformat(timespec="minutes"), (start + timedelta(hours=3)).isoformat(timespec="minutes")


async def test_notice_create_on_the_command_line_prints_the_number_and_reaches_building_3(
        world: World) -> None:
    """``wuyebot notice create --kind 停水 … --buildings 3`` prints the new notice's number (and how many accounts
    it goes to); the notice is active and goes to the four accounts of building 3, one announcement each."""
    start, end = real_time_window()
    code, out = await wuyebot(world, "notice", "create", "--kind", "停水", "--start", start, "--end", end,
                              "--text", "管道维修", "--buildings", "3")
    assert code == 0, out
    found = NUMBER.search(out)
    assert found is not None, out
    assert re.search(r"(?<![\d:-])4\s*(位|个|户|人|account)", out), out  # how many accounts it goes to
    made = await notice(world, found.group())
    assert made.status == "active" and made.kind == "停水" and made.text == "管道维修", made
    async with world.chat.sessions() as session:
        recipients = (await session.scalars(select(NoticeRecipient.openid)
                                            .where(NoticeRecipient.notice_id == made.id))).all()
    assert sorted(recipients) == sorted(BUILDING_3)
    rows = await world.notice_rows(made.number, "announce")
    assert sorted(row.recipient for row in rows) == sorted(BUILDING_3)


async def test_notice_create_for_a_unit_reaches_only_that_units_accounts(world: World) -> None:
    """``--units 3-2`` (building 3, unit 2): 张伟, 李娜 (3-2-502) and the tenant 孙悦, not 钱多 of unit 1."""
    start, end = real_time_window()
    code, out = await wuyebot(world, "notice", "create", "--kind", "停电", "--start", start, "--end", end,
                              "--text", "单元配电箱检修", "--units", "3-2")
    assert code == 0, out
    found = NUMBER.search(out)
    assert found is not None, out
    rows = await world.notice_rows(found.group(), "announce")
    assert sorted(row.recipient for row in rows) == sorted(IN_WINDOW_3)


@pytest.mark.parametrize(("change", "named"), [
    ({"--kind": "停气"}, "停气"),
    ({"--end": "before"}, "结束"),
    ({"--buildings": "9"}, "9"),
], ids=["unknown_kind", "end_before_start", "unknown_building"])
async def test_bad_notice_input_on_the_command_line_exits_non_zero_with_a_chinese_reason_and_creates_nothing(
        world: World, change: dict[str, str], named: str) -> None:
    """An unknown kind, an end before the start or a building the estate does not have: the command exits
    non-zero, says why in Chinese, and no notice and no push exist afterwards."""
    start, end = real_time_window()
    options = {"--kind": "停水", "--start": start, "--end": end, "--text": "管道维修", "--buildings": "3"}
    options.update(change)
    if options["--end"] == "before":
        options["--end"] = (datetime.fromisoformat(start) - timedelta(hours=2)).isoformat(timespec="minutes")
    args = [part for option in options.items() for part in option]
    code, out = await wuyebot(world, "notice", "create", *args)
    assert code != 0, out
    assert re.search(r"[\u4e00-\u9fff]", out) and named in out, out
    assert "Traceback" not in out, out
    assert await latest_notice(world) is None
    async with world.chat.sessions() as session:
        assert not (await session.scalars(select(OutboxMessage).where(
            OutboxMessage.idempotency_key.startswith("notice:")))).all()
