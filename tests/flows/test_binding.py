"""绑定房屋 through the webhook: owners, tenants with the owner's consent, failures and the daily lock,
unbinding, several homes and switching."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.nlu import understand
from models import BindingAttempt, Home, HomeBinding, Resident
from tests.support.chat import Chat

_CODE = re.compile(r"回复“同意 (\d{4})”")


@pytest.fixture(autouse=True, scope="module")
def _nlu_loaded() -> None:
    """Load the NLU model before the first message, so its cold start never meets the 4-second reply deadline."""
    understand("你好", datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")))


async def _register(chat: Chat, room: str, name: str, phone: str, role: str) -> None:
    """Add a person to the owner register (业主档案) of an existing home."""
    async with chat.sessions.begin() as session:
        home = await session.scalar(select(Home).where(Home.room_key == room))
        assert home is not None
        session.add(Resident(home_id=home.id, name=name, phone=phone, role=role))


async def _bindings(chat: Chat, openid: str) -> list[tuple[str, str, str, bool]]:
    async with chat.sessions() as session:
        rows = await session.execute(
            select(Home.room_key, HomeBinding.role, HomeBinding.status, HomeBinding.is_current)
            .join(Home, Home.id == HomeBinding.home_id).where(HomeBinding.openid == openid).order_by(HomeBinding.id))
        return [tuple(row) for row in rows]  # type: ignore[misc]


async def _tenant_asks(chat: Chat, openid: str) -> str:
    tenant = chat.person(openid)
    assert "姓名" in await tenant.says("我是租户，想绑定3栋2单元501")
    assert "手机号" in await tenant.says("刘洋")
    return await tenant.says("13800000003")


async def test_an_owner_binds_in_three_answers_and_binding_again_is_harmless(chat: Chat) -> None:
    zhang = chat.person("owner-zhang")
    reply = await zhang.says("我是3栋2单元501的业主，想绑定")
    assert "姓名" in reply  # the room came with the first message
    reply = await zhang.says("张伟")
    assert "手机号" in reply
    reply = await zhang.says("138 0000 0001")
    assert "绑定成功" in reply and "3-2-501" in reply
    assert await _bindings(chat, "owner-zhang") == [("3-2-501", "owner", "active", True)]

    assert "无需重复绑定" in await zhang.says("绑定房屋 3栋2单元501")
    assert len(await _bindings(chat, "owner-zhang")) == 1


async def test_an_owner_writing_traditional_characters(chat: Chat) -> None:
    zhang = chat.person("owner-zhang")
    assert "姓名" in await zhang.says("我係業主 想綁定三座二單元五零一")
    assert "手機號" in await zhang.says(" 張偉 ")  # the reply follows the owner's script
    assert "3-2-501" in await zhang.says("13800000001")
    assert await _bindings(chat, "owner-zhang") == [("3-2-501", "owner", "active", True)]


async def test_a_tenant_waits_for_the_owner_who_agrees(chat: Chat) -> None:
    await _register(chat, "3-2-501", "刘洋", "13800000003", "tenant")
    await chat.bind("owner-zhang", "3-2-501", "13800000001")
    await chat.bind("owner-li", "3-2-502", "13800000002")
    zhang, li, tenant = chat.person("owner-zhang"), chat.person("owner-li"), chat.person("tenant-liu")

    reply = await _tenant_asks(chat, "tenant-liu")
    assert "业主同意" in reply and "已通知" in reply
    assert await _bindings(chat, "tenant-liu") == [("3-2-501", "tenant", "pending", False)]
    assert "等待业主确认" in await tenant.says("查物业费")

    asked = (await zhang.pushes())[-1]
    assert "刘洋" in asked and "138****0003" in asked and "3-2-501" in asked and "拒绝" in asked
    match = _CODE.search(asked)
    assert match is not None
    code = match.group(1)
    assert await li.pushes() == []  # only the owners of that home are asked

    assert "没有找到" in await li.says(f"同意 {code}")  # an owner of another home decides nothing
    assert "没有找到" in await tenant.says(f"同意 {code}")  # nor does the tenant
    assert await _bindings(chat, "tenant-liu") == [("3-2-501", "tenant", "pending", False)]

    reply = await zhang.says(f"同意 {code}")
    assert "已同意" in reply and "刘洋" in reply
    assert await _bindings(chat, "tenant-liu") == [("3-2-501", "tenant", "active", True)]
    assert "业主已同意" in (await tenant.pushes())[-1]
    assert "处理过了" in await zhang.says(f"拒绝 {code}")

    reply = await tenant.says("查物业费")  # a bound tenant is bound: the home's bill is theirs to see
    assert "3-2-501" in reply and "没有欠费" in reply


async def test_a_tenant_refused_by_the_owner(chat: Chat) -> None:
    await _register(chat, "3-2-501", "刘洋", "13800000003", "tenant")
    await chat.bind("owner-zhang", "3-2-501", "13800000001")
    zhang, tenant = chat.person("owner-zhang"), chat.person("tenant-liu")
    await _tenant_asks(chat, "tenant-liu")
    code = _CODE.search((await zhang.pushes())[-1]).group(1)  # type: ignore[union-attr]

    assert "已拒绝" in await zhang.says(f"拒绝 {code}")
    assert "未同意" in (await tenant.pushes())[-1]
    assert await _bindings(chat, "tenant-liu") == [("3-2-501", "tenant", "rejected", False)]
    assert "先绑定房屋" in await tenant.says("查物业费")


async def test_a_tenant_of_a_home_whose_owner_is_not_bound_is_sent_to_the_office(chat: Chat) -> None:
    await _register(chat, "3-2-501", "刘洋", "13800000003", "tenant")
    reply = await _tenant_asks(chat, "tenant-liu")
    assert "业主暂未绑定" in reply and "物业服务中心" in reply
    assert await _bindings(chat, "tenant-liu") == []


async def test_a_wrong_name_or_phone_says_nothing_about_which(chat: Chat) -> None:
    stranger = chat.person("stranger")

    async def attempt(first: str, name: str, phone: str) -> str:
        reply = await stranger.says(first)
        assert "姓名" in reply
        reply = await stranger.says(name)
        assert "手机号" in reply
        return await stranger.says(phone)

    wrong_name = await attempt("绑定房屋 3栋2单元501", "李娜", "13800000001")
    wrong_phone = await attempt("绑定房屋 3栋2单元501", "张伟", "13800000002")  # 李娜's phone, another home
    no_such_room = await attempt("绑定房屋 9栋1单元909", "张伟", "13800000001")
    assert "不一致" in wrong_name and "还可以尝试4次" in wrong_name
    assert "还可以尝试2次" in no_such_room
    # The same words whichever detail was wrong, and never a name or phone from the register.
    assert {re.sub(r"\d次", "", reply) for reply in (wrong_name, wrong_phone, no_such_room)} == {
        re.sub(r"\d次", "", wrong_name)}
    for reply in (wrong_name, wrong_phone, no_such_room):
        assert "张伟" not in reply and "李娜" not in reply and "1380000000" not in reply
    assert await _bindings(chat, "stranger") == []


async def test_five_failures_lock_binding_until_the_next_day(chat: Chat) -> None:
    owner = chat.person("owner-zhang")
    for left in (4, 3, 2, 1):
        await owner.says("绑定房屋 3栋2单元501 手机13800000001")
        assert f"还可以尝试{left}次" in await owner.says("张三")
    await owner.says("绑定房屋 3栋2单元501 手机13800000001")
    assert "已达上限（5次）" in await owner.says("张三")

    reply = await owner.says("绑定房屋 3栋2单元501 手机13800000001")  # the sixth, with the right details
    assert "已达上限" in reply and "明天再试" in reply
    assert "姓名" not in reply
    assert await _bindings(chat, "owner-zhang") == []
    async with chat.sessions() as session:
        attempts = list(await session.scalars(select(BindingAttempt).where(BindingAttempt.openid == "owner-zhang")))
    assert [attempt.succeeded for attempt in attempts] == [False] * 5

    chat.clock.travel(timedelta(days=1))  # Tuesday 10:00: a new local day
    assert "姓名" in await owner.says("绑定房屋 3栋2单元501 手机13800000001")
    assert "绑定成功" in await owner.says("张伟")


async def test_unbinding(chat: Chat) -> None:
    await chat.bind("owner-zhang", "3-2-501", "13800000001")
    zhang = chat.person("owner-zhang")
    assert "您还没有绑定 3-2-502" in await zhang.says("解除绑定 3-2-502")
    reply = await zhang.says("解绑")
    assert "已解除 3-2-501 的绑定" in reply
    assert await _bindings(chat, "owner-zhang") == [("3-2-501", "owner", "revoked", False)]
    assert "先绑定房屋" in await zhang.says("我家物业费还欠多少")
    assert "还没有绑定房屋" in await zhang.says("解绑")


async def test_several_homes_listing_switching_and_unbinding_one(chat: Chat) -> None:
    await _register(chat, "3-2-502", "张伟", "13800000001", "owner")  # 张伟 owns both homes
    await chat.bind("owner-zhang", "3-2-501", "13800000001")
    zhang = chat.person("owner-zhang")

    assert "姓名" in await zhang.says("绑定房屋 3栋2单元502")
    reply = await zhang.says("张伟 13800000001")  # name and phone in one answer
    assert "绑定成功" in reply and "当前房屋仍是 3-2-501" in reply and "切换到 3-2-502" in reply

    reply = await zhang.says("我绑定了哪些房子")
    assert re.search(r"1\. 3-2-501（业主）← 当前房屋\n2\. 3-2-502（业主）\n", reply), reply
    assert "3-2-502" in await zhang.says("我有两套房")

    assert "已将当前房屋切换为 3-2-502" in await zhang.says("切换到 3-2-502")
    assert "已经是您的当前房屋" in await zhang.says("切换到502")
    assert "您还没有绑定 3-2-503" in await zhang.says("切换到 3-2-503")
    assert "3-2-502 目前没有欠费" in await zhang.says("我家物业费还欠多少")
    assert "3-2-501 目前没有欠费" in await zhang.says("3-2-501的物业费")

    assert "请告诉我要解除哪一套" in await zhang.says("解除绑定")
    reply = await zhang.says("解除绑定 3-2-502")
    assert "已解除 3-2-502 的绑定" in reply and "当前房屋现在是 3-2-501" in reply
    assert await _bindings(chat, "owner-zhang") == [
        ("3-2-501", "owner", "active", True), ("3-2-502", "owner", "revoked", False)]


@pytest.mark.parametrize("opening", [
    "我要绑定房屋，3栋2单元501，张伟，手机13800000001",
    "我想綁定房屋，3棟2單元501，張偉，電話13800000001",
    "我要绑定房子3栋2单元501业主张伟电话13800000001",
])
async def test_everything_in_the_first_message_binds_without_a_question(chat: Chat, opening: str) -> None:
    reply = await chat.person("owner-zhang").says(opening)
    assert "成功" in reply and "3-2-501" in reply and "姓名" not in reply
    assert await _bindings(chat, "owner-zhang") == [("3-2-501", "owner", "active", True)]


async def test_after_a_wrong_name_the_right_name_alone_tries_again(chat: Chat) -> None:
    newbie = chat.person("newbie")
    reply = await newbie.says("绑定房屋 3栋2单元501，业主张卫，电话13800000001")
    assert "不一致" in reply and "姓名" in reply
    reply = await newbie.says("张伟")
    assert "绑定成功" in reply and "3-2-501" in reply
    assert await _bindings(chat, "newbie") == [("3-2-501", "owner", "active", True)]


async def test_a_bare_agree_answers_the_one_request_waiting(chat: Chat) -> None:
    """同意 alone, from the owner a tenant waits for: the request is decided; 同意 from anyone else is
    read as usual."""
    await chat.bind("owner-zhang", "3-2-501", "13800000001")
    await _register(chat, "3-2-501", "刘洋", "13800000003", "tenant")
    assert "业主" in await _tenant_asks(chat, "tenant-liu")
    reply = await chat.person("owner-zhang").says("同意")
    assert "已同意" in reply and "刘洋" in reply
    assert ("3-2-501", "tenant", "active", True) in await _bindings(chat, "tenant-liu")
    assert "绑定成功" in (await chat.person("tenant-liu").pushes())[-1]
    assert "已同意" not in await chat.person("stranger").says("同意")


async def test_a_bare_refusal_with_a_reason_refuses(chat: Chat) -> None:
    await chat.bind("owner-zhang", "3-2-501", "13800000001")
    await _register(chat, "3-2-501", "刘洋", "13800000003", "tenant")
    await _tenant_asks(chat, "tenant-liu")
    assert "已拒绝" in await chat.person("owner-zhang").says("不同意，我不认识这个人")
    assert ("3-2-501", "tenant", "rejected", False) in await _bindings(chat, "tenant-liu")
