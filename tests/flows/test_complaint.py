"""投诉 through the webhook: what happened, whom, what the owner wants; the tier sets the time limits."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest

from bot.nlu import understand
from tests.flows.conftest import MONDAY_10, TZ
from tests.support.chat import Chat


@pytest.fixture(autouse=True, scope="module")
def warm_nlu() -> None:
    """The model loads on the first message; loaded here, a slow machine cannot push it past the 4 s reply."""
    understand("你好", MONDAY_10)


async def deadlines(chat: Chat, number: str) -> dict[str, datetime]:
    async with chat.sessions() as session:
        ticket = await chat.services.desk.load(session, number)
        return {d.name: d.due_at.astimezone(TZ) for d in ticket.deadlines}


async def test_a_major_complaint_reaches_the_manager_and_gets_an_answer_in_2_days(chat: Chat) -> None:
    await chat.bind("owner-zhang", "3-2-501", "13800000001")
    zhang = chat.person("owner-zhang")

    reply = await zhang.says("楼上有人高空抛物，扔了个花盆下来，太危险了")
    assert "您希望我们怎么处理" in reply  # 楼上 names whom: no question about it
    reply = await zhang.says("尽快处理")
    assert "请确认投诉内容" in reply and "高空抛物" in reply and "对象：楼上" in reply and "诉求：尽快处理" in reply
    reply = await zhang.says("确认")
    assert "感谢您的反馈" in reply and "工单号 C20261123001" in reply
    assert "管理处主任" in reply and "11月25日10:00前给您明确答复" in reply and "12月03日10:00前处理完毕" in reply

    [ticket] = await chat.tickets()
    assert (ticket.kind, ticket.tier, ticket.category) == ("complaint", "major", "高空抛物")
    assert ticket.home_id == chat.people["home"].id and ticket.contact_phone == "13800000001"
    now = chat.now()
    assert await deadlines(chat, ticket.number) == {
        "report": datetime(2026, 11, 23, 23, 59, 59, tzinfo=TZ),  # to the manager the same day
        "answer": now + timedelta(days=2), "resolve": now + timedelta(days=10)}
    assert any("重大投诉" in text and ticket.number in text for text in await chat.pushes_to("staff-chen"))


async def test_whom_is_asked_once_when_the_words_name_nobody(chat: Chat) -> None:
    owner = chat.person("owner-unbound")
    reply = await owner.says("我要投诉高空抛物，差点砸到我家孩子")
    assert "针对哪位人员/哪户/哪个部门" in reply
    assert "您希望我们怎么处理" in await owner.says("不知道是哪一户")
    reply = await owner.says("尽快处理")
    assert "对象：不详" in reply
    assert "C20261123001" in await owner.says("确认")
    [ticket] = await chat.tickets()
    assert ticket.tier == "major" and ticket.home_id is None  # an unbound owner may complain too


async def test_an_important_complaint_apologises_and_is_resolved_in_3_days(chat: Chat) -> None:
    await chat.bind("owner-zhang", "3-2-501", "13800000001")
    zhang = chat.person("owner-zhang")

    assert "您希望我们怎么处理" in await zhang.says("物业客服态度太差了，说了几次都没人管")
    reply = await zhang.says("希望尽快处理，给个说法")
    assert "服务态度" in reply and "希望尽快处理，给个说法" in reply
    reply = await zhang.says("确认")
    assert "深表歉意" in reply and "部门主管" in reply and "11月26日10:00前处理完毕" in reply

    [ticket] = await chat.tickets()
    assert (ticket.tier, ticket.category) == ("important", "服务态度")
    now = chat.now()
    assert await deadlines(chat, ticket.number) == {"report": now + timedelta(hours=1),
                                                    "resolve": now + timedelta(days=3)}
    assert any(ticket.number in text for text in await chat.pushes_to("staff-zhao"))  # 服务态度 is his skill


async def test_a_minor_complaint_keeps_the_owners_own_date(chat: Chat) -> None:
    await chat.bind("owner-zhang", "3-2-501", "13800000001")
    zhang = chat.person("owner-zhang")

    assert "您希望我们怎么处理" in await zhang.says("投诉楼上的狗天天叫")
    reply = await zhang.says("希望周五前处理好")
    assert "养犬宠物" in reply and "期望处理时间：11月27日前" in reply
    reply = await zhang.says("确认")
    assert "按您的要求，在11月27日前处理完毕" in reply and "歉意" not in reply

    [ticket] = await chat.tickets()
    friday_night = datetime(2026, 11, 27, 23, 59, 59, tzinfo=TZ)
    assert ticket.tier == "minor" and ticket.owner_due == friday_night
    assert await deadlines(chat, ticket.number) == {"resolve": friday_night}


async def test_a_minor_complaint_without_a_date_is_resolved_in_2_days(chat: Chat) -> None:
    await chat.bind("owner-zhang", "3-2-501", "13800000001")
    zhang = chat.person("owner-zhang")

    await zhang.says("楼上天天半夜跳绳，吵得睡不着")
    reply = await zhang.says("没有")
    assert "噪音" in reply and "诉求：无具体要求" in reply
    reply = await zhang.says("确认")
    assert "11月25日10:00前处理完毕" in reply and "歉意" not in reply
    [ticket] = await chat.tickets()
    assert ticket.tier == "minor"
    assert await deadlines(chat, ticket.number) == {"resolve": chat.now() + timedelta(days=2)}


async def test_a_bare_complaint_asks_what_happened(chat: Chat) -> None:
    owner = chat.person("owner-x")
    assert "发生了什么事" in await owner.says("我要投诉")
    assert "您希望我们怎么处理" in await owner.says("楼下那户在公共走廊堆了很多杂物，进出都不方便")
    reply = await owner.says("没有")
    assert "情况：楼下那户在公共走廊堆了很多杂物" in reply
    assert "工单号" in await owner.says("确认")


async def test_a_category_is_asked_with_the_list_and_free_text_is_other(chat: Chat) -> None:
    owner = chat.person("owner-x")
    await owner.says("我要投诉")
    reply = await owner.says("就是想投诉")
    assert "噪音、养犬宠物、高空抛物" in reply
    assert "您希望我们怎么处理" in await owner.says("其他的")
    assert "类型：其他" in await owner.says("没有")


async def test_a_category_answer_read_as_a_repair_category_is_read_again(chat: Chat) -> None:
    owner = chat.person("owner-x")
    await owner.says("我要投诉")
    await owner.says("就是想投诉")
    reply = await owner.says("空调滴水")  # the NLU reads a bare answer in the repair vocabulary first (渗漏水)
    assert "针对哪位人员" in reply  # a dripping air-conditioner is somebody's
    await owner.says("楼上")
    assert "类型：空调滴水" in await owner.says("没有")


async def test_a_very_angry_owner_is_offered_a_human_at_once_and_only_once(chat: Chat) -> None:
    await chat.bind("owner-zhang", "3-2-501", "13800000001")
    zhang = chat.person("owner-zhang")

    reply = await zhang.says("垃圾物业！！！太过分了，我要投诉到12345！")
    assert "转人工" in reply and "非常抱歉" in reply and "您希望我们怎么处理" in reply
    reply = await zhang.says("没有")
    assert "请确认投诉内容" in reply and "转人工" not in reply
    reply = await zhang.says("确认")
    assert "深表歉意" in reply and "工单号 C20261123001" in reply
    [ticket] = await chat.tickets()
    assert ticket.tier == "important"


async def test_a_correction_at_the_confirmation(chat: Chat) -> None:
    owner = chat.person("owner-x")
    await owner.says("投诉保安，晚上在岗亭睡觉，喊了半天都不开门")
    reply = await owner.says("没有")
    assert "类型：服务态度" in reply and "对象：保安" in reply
    assert "类型：噪音" in await owner.says("不对，是噪音")
    await owner.says("确认")
    [ticket] = await chat.tickets()
    assert (ticket.category, ticket.tier) == ("噪音", "important")  # still about a guard asleep on duty


async def test_cancel_during_the_complaint(chat: Chat) -> None:
    owner = chat.person("owner-x")
    await owner.says("楼上天天半夜跳绳，吵得睡不着")
    assert "已为您取消本次投诉" in await owner.says("不投诉了，取消吧")
    await owner.says("楼上天天半夜跳绳，吵得睡不着")
    await owner.says("没有")
    assert "已为您取消本次投诉" in await owner.says("取消")
    assert await chat.tickets() == []


async def test_what_the_owner_wants_is_taken_from_the_complaint_itself(chat: Chat) -> None:
    zhang = chat.person("owner-zhang")
    card = await zhang.says("楼上301每天晚上十一二点还在跳绳，吵得孩子睡不着，希望物业上门提醒一下他们")
    assert "您希望我们怎么处理" not in card
    assert "您的诉求：希望物业上门提醒一下他们" in card
    assert "C2026" in await zhang.says("确认")
    ticket = (await chat.tickets())[-1]
    assert ticket.kind == "complaint" and ticket.category == "噪音"
    assert "诉求：希望物业上门提醒一下他们" in ticket.description


async def test_a_complaint_is_told_in_complaint_words_and_reopened_when_the_owner_says_it_is_not_solved(
        chat: Chat) -> None:
    await chat.bind("owner-zhang", "3-2-501", "13800000001")
    zhang = chat.person("owner-zhang")
    await zhang.says("楼上天天半夜在家开音响唱歌，到一点多还不停，希望物业出面劝一劝")
    number = re.search(r"C\d{11}", await zhang.says("确认"))
    assert number is not None
    zhao = chat.person("staff-zhao")
    await zhao.says(f"接单 {number.group()}")
    await zhao.says(f"完工 {number.group()} 已与楼上住户沟通")
    pushes = await zhang.pushes()
    assert any("投诉" in text for text in pushes)
    assert not any(word in text for text in pushes for word in ("上门处理", "没修好", "维修"))
    reply = await zhang.says("还是天天晚上吵，根本没解决")
    assert number.group() in reply and "重新打开" in reply and "维修" not in reply
    [ticket] = await chat.tickets()
    assert ticket.kind == "complaint" and ticket.status == "assigned"
