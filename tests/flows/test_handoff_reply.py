"""转人工 through the webhook: the owner is told a person has the conversation (never silence, not
every message), and staff answer from chat with “回复 3-2-501 内容” through the outbox."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.nlu import understand
from models import OutboxMessage
from tests.support.chat import Chat

HOLDING = "您的消息已转给人工客服"


@pytest.fixture(autouse=True, scope="module")
def warm_nlu() -> None:
    """Load the NLU model before the first message, so a busy machine does not push it past WeChat's deadline."""
    from tests.flows.conftest import MONDAY_10

    understand("你好", MONDAY_10)


async def handed_over(chat: Chat) -> None:
    await chat.bind("owner-zhang", "3-2-501", "13800000001")
    reply = await chat.person("owner-zhang").says("转人工")
    assert "已为您转接人工客服" in reply or "已为您通知值班人员" in reply


async def answers_to(chat: Chat, openid: str) -> list[OutboxMessage]:
    async with chat.sessions() as session:
        return list((await session.scalars(select(OutboxMessage).where(
            OutboxMessage.recipient == openid, OutboxMessage.kind == "handoff_reply"))).all())


class TestTheOwnerHearsSomething:
    async def test_a_message_in_handoff_gets_a_short_note_and_reaches_staff(self, chat: Chat) -> None:
        await handed_over(chat)
        zhang = chat.person("owner-zhang")
        reply = await zhang.says("我家厨房灯坏了")
        assert HOLDING in reply and "0755-2888 9999" in reply
        assert await chat.tickets() == []  # the bot does not act on it: a person has the conversation
        forwarded = (await chat.pushes_to("staff-zhao"))[-1]
        assert "我家厨房灯坏了" in forwarded and "回复 阳光花园3-2-501" in forwarded  # two estates: the estate is named

    async def test_the_note_comes_once_every_few_minutes_not_for_every_message(self, chat: Chat) -> None:
        await handed_over(chat)
        zhang = chat.person("owner-zhang")
        assert HOLDING in await zhang.says("我家厨房灯坏了")
        assert await zhang.says("就是吊顶那个灯") == ""
        assert "就是吊顶那个灯" in (await chat.pushes_to("staff-zhao"))[-1]  # still forwarded
        chat.clock.travel(timedelta(minutes=6))
        assert HOLDING in await zhang.says("有人吗")

    async def test_a_new_handoff_starts_with_a_note_again(self, chat: Chat) -> None:
        await handed_over(chat)
        zhang = chat.person("owner-zhang")
        assert HOLDING in await zhang.says("我家厨房灯坏了")
        await chat.person("staff-zhao").says("结束人工 3-2-501")
        chat.clock.travel(timedelta(minutes=1))  # the test clock stands still otherwise
        assert "已为您转接人工客服" in await zhang.says("转人工")
        assert HOLDING in await zhang.says("灯还是不亮")


class TestStaffAnswerFromChat:
    async def test_the_answer_reaches_the_owner_and_the_staff_member_is_told(self, chat: Chat) -> None:
        await handed_over(chat)
        confirmed = await chat.person("staff-zhao").says("回复 3-2-501 好的，我这边马上安排电工师傅联系您")
        assert "已发送给 3-2-501" in confirmed and "马上安排电工师傅" in confirmed
        [answer] = await answers_to(chat, "owner-zhang")
        assert answer.payload["text"] == "【人工客服·赵主管】好的，我这边马上安排电工师傅联系您"
        assert answer.urgent and answer.channel == "customer_service"

    async def test_at_night_the_answer_does_not_wait_for_the_quiet_hours(self, chat: Chat) -> None:
        chat.clock.travel(timedelta(hours=12, minutes=30))  # 22:30
        await handed_over(chat)
        await chat.person("staff-zhao").says("回复 3-2-501 值班电工十分钟后到")
        [answer] = await answers_to(chat, "owner-zhang")
        assert answer.due_at == chat.now()

    async def test_by_the_owners_openid(self, chat: Chat) -> None:
        owner = chat.person("owner-unbound")
        await owner.says("转人工")
        assert "已发送给 owner-unbound" in await chat.person("staff-zhao").says("回复 owner-unbound 请问您住几栋？")
        assert "请问您住几栋？" in (await owner.pushes())[-1]

    async def test_an_answer_keeps_the_handoff_open(self, chat: Chat) -> None:
        await handed_over(chat)
        chat.clock.travel(timedelta(minutes=25))
        await chat.person("staff-zhao").says("回复 3-2-501 请问是哪个房间的灯？")
        chat.clock.travel(timedelta(minutes=10))  # 35 minutes after 转人工, 10 after the answer
        reply = await chat.person("owner-zhang").says("厨房的")
        assert "阳光花园" not in reply and "什么时间" not in reply  # still with the person, not the bot
        assert "厨房的" in (await chat.pushes_to("staff-zhao"))[-1]

    @pytest.mark.parametrize(("command", "expected"), [
        ("回复", "格式：回复 房号"),
        ("回复 3-2-501", "格式：回复 房号"),
        ("回复 3-2-501   ", "格式：回复 房号"),
        ("回复 9-9-909 您好", "没有找到房号或业主“9-9-909”"),
        ("回复 3-2-502 您好", "3-2-502 当前没有进行中的人工服务"),
    ])
    async def test_usage_wrong_room_and_nobody_in_handoff(self, chat: Chat, command: str, expected: str) -> None:
        await handed_over(chat)
        reply = await chat.person("staff-zhao").says(command)
        assert expected in reply
        assert await answers_to(chat, "owner-zhang") == []

    async def test_nothing_is_sent_once_the_handoff_ended(self, chat: Chat) -> None:
        await handed_over(chat)
        zhao = chat.person("staff-zhao")
        await zhao.says("结束人工 3-2-501")
        assert "当前没有进行中的人工服务" in await zhao.says("回复 3-2-501 还在吗")
        assert await answers_to(chat, "owner-zhang") == []
        assert "阳光花园" in await chat.person("owner-zhang").says("你好")  # the bot answers again

    async def test_an_owner_typing_the_command_sends_nothing(self, chat: Chat) -> None:
        await handed_over(chat)
        await chat.bind("owner-li", "3-2-502", "13800000002")
        await chat.person("owner-li").says("回复 3-2-501 你好")
        assert await answers_to(chat, "owner-zhang") == []
