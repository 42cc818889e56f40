"""转人工 through the webhook: staff told with the home and the last messages, the bot quiet, 结束人工, expiry."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.nlu import understand
from models import Staff
from tests.support.chat import Chat


@pytest.fixture(autouse=True, scope="module")
def warm_nlu() -> None:
    """Load the NLU model before the first message, so a busy machine does not push it past WeChat's deadline."""
    from tests.flows.conftest import MONDAY_10

    understand("你好", MONDAY_10)


async def add_front_desk(chat: Chat) -> None:
    """前台小刘: staff with no trade skill is the front desk, who takes owners over in office hours."""
    async with chat.sessions.begin() as session:
        session.add(Staff(name="前台小刘", phone="13900000005", openid="staff-liu", role="staff", skills=""))


def handoff_alerts(texts: list[str]) -> list[str]:
    return [text for text in texts if text.startswith("【转人工】")]


async def test_handoff_staff_told_bot_quiet_messages_forwarded_and_ended(chat: Chat) -> None:
    await chat.bind("owner-zhang", "3-2-501", "13800000001")
    zhang, zhao = chat.person("owner-zhang"), chat.person("staff-zhao")

    assert "什么时间方便" in await zhang.says("卫生间水管接头漏水了")
    reply = await zhang.says("转人工")
    assert "已为您转接人工客服" in reply and "30分钟" in reply and "08:00-20:00" in reply
    assert "0755-2888 6666" in reply and "0755-2888 9999" in reply

    [alert] = handoff_alerts(await zhao.pushes())  # no front desk on duty: the supervisor on duty
    assert "3-2-501" in alert and "张伟 13800000001" in alert
    # two estates in config.yaml: the reference names the estate
    assert "卫生间水管接头漏水了" in alert and "转人工" in alert and "结束人工 阳光花园3-2-501" in alert
    assert not handoff_alerts(await chat.pushes_to("staff-wang"))  # maintenance is not the front desk

    reply = await zhang.says("家里马桶也堵了，怎么还没人理我")  # the bot does not answer it, only says a person has …
    assert "已转给人工客服" in reply and "什么时间" not in reply
    assert await chat.tickets() == []  # … and does nothing
    forwarded = (await zhao.pushes())[-1]
    assert "3-2-501" in forwarded and "家里马桶也堵了，怎么还没人理我" in forwarded

    assert "已结束 3-2-501 的人工服务" in await zhao.says("结束人工 3-2-501")
    assert (await zhang.pushes())[-1] == "人工服务已结束，如有需要随时找我。"
    assert "阳光花园" in await zhang.says("你好")  # the bot answers again
    assert "当前没有进行中的人工服务" in await zhao.says("结束人工 3-2-501")


async def test_handoff_expires_by_itself(chat: Chat) -> None:
    owner = chat.person("owner-unbound")
    assert "已为您转接人工客服" in await owner.says("我要跟客服说话")
    [alert] = handoff_alerts(await chat.pushes_to("staff-zhao"))
    assert "未绑定房屋" in alert and "结束人工 owner-unbound" in alert

    chat.clock.travel(timedelta(minutes=29))
    assert "阳光花园" not in await owner.says("你好")
    chat.clock.travel(timedelta(minutes=2))
    assert "阳光花园" in await owner.says("你好")


async def test_front_desk_by_day_supervisors_at_night(chat: Chat) -> None:
    await add_front_desk(chat)
    await chat.bind("owner-zhang", "3-2-501", "13800000001")
    zhang = chat.person("owner-zhang")

    await zhang.says("转人工")
    assert len(handoff_alerts(await chat.pushes_to("staff-liu"))) == 1
    assert not handoff_alerts(await chat.pushes_to("staff-zhao"))
    assert "已结束" in await chat.person("staff-liu").says("结束人工 3栋2单元501")

    chat.clock.travel(timedelta(hours=12))  # 22:00: the front desk has gone home
    reply = await zhang.says("转人工")
    assert "非工作时间" in reply and "值班人员" in reply
    assert len(handoff_alerts(await chat.pushes_to("staff-zhao"))) == 1
    assert len(handoff_alerts(await chat.pushes_to("staff-liu"))) == 1


async def test_the_menu_button_hands_over_too(chat: Chat) -> None:
    from tests.support.wechat import event_xml

    answer = await chat.service.wechat.post(event_xml("owner-menu", "CLICK", "MENU_HUMAN"))
    assert "已为您转接人工客服" in (answer.content or "")
    assert len(handoff_alerts(await chat.pushes_to("staff-zhao"))) == 1
    assert "已转给人工客服" in await chat.person("owner-menu").says("你好")  # a human has it now


async def test_an_emergency_during_the_handoff_is_flagged_and_the_owner_told_the_phone(chat: Chat) -> None:
    owner = chat.person("owner-lift")
    await owner.says("转人工")
    assert "0755-2888 9999" in await owner.says("电梯困人了！快来人")
    assert (await chat.pushes_to("staff-zhao"))[-1].startswith("【紧急】【转人工·")
