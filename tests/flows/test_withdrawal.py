"""撤销 through the webhook: an owner calls off an emergency or a repair just reported; the record stays
and everyone who was told of it hears that it is off."""

from __future__ import annotations

import pytest

from bot.nlu import understand
from tests.flows.conftest import MONDAY_10
from tests.support.chat import Chat


@pytest.fixture(autouse=True, scope="module")
def warm_nlu() -> None:
    understand("你好", MONDAY_10)


async def test_a_false_alarm_is_called_off_kept_on_record_and_staff_are_told(chat: Chat) -> None:
    await chat.bind("owner-zhang", "3-2-501", "13800000001")
    zhang = chat.person("owner-zhang")
    await zhang.says("厨房里好像有煤气味，好冲")
    [ticket] = await chat.tickets()
    assert ticket.kind == "emergency"
    reply = await zhang.says("不好意思，是灶台旋钮没关好，已经关了，取消吧")
    assert "撤销" in reply and ticket.number in reply
    [ticket] = await chat.tickets()
    assert ticket.status == "cancelled"
    assert any("撤销" in text and ticket.number in text for text in await chat.pushes_to("staff-zhao"))


async def test_a_bare_cancel_right_after_an_emergency_calls_it_off(chat: Chat) -> None:
    await chat.bind("owner-zhang", "3-2-501", "13800000001")
    zhang = chat.person("owner-zhang")
    await zhang.says("3栋电梯困人了，里面有人一直在拍门")
    reply = await zhang.says("取消")
    assert "目前没有进行中的登记" not in reply and "撤销" in reply
    [ticket] = await chat.tickets()
    assert ticket.status == "cancelled"


async def test_with_nothing_recent_cancel_says_so_plainly(chat: Chat) -> None:
    reply = await chat.person("owner-zhang").says("取消")
    assert "没有" in reply and "撤销" in reply


async def test_work_already_started_is_not_cancelled_but_the_people_on_it_are_told(chat: Chat) -> None:
    await chat.bind("owner-zhang", "3-2-501", "13800000001")
    zhang = chat.person("owner-zhang")
    await zhang.says("家里水管爆了，水漫一地")
    [ticket] = await chat.tickets()
    async with chat.sessions.begin() as session:
        loaded = await chat.services.desk.load(session, ticket.number, for_update=True)
        assert loaded is not None
        await chat.services.desk.apply(session, loaded, "assign", chat.now(), by="test",
                                       assignee_id=chat.people["wang"].id)
        await chat.services.desk.apply(session, loaded, "accept", chat.now(), by="test")
        await chat.services.desk.apply(session, loaded, "start", chat.now(), by="test")
    reply = await zhang.says("不用来了，已经关了总阀，没事了")
    assert "处理中" in reply
    [ticket] = await chat.tickets()
    assert ticket.status == "in_progress"
    assert any("不再需要" in text for text in await chat.pushes_to("staff-wang"))
