"""建议 through the webhook: a card with the idea and the reply date, then ticket S… with the promise of an
answer within 3 days."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.nlu import understand
from bot.nlu.details import details_of
from tests.flows.conftest import MONDAY_10
from tests.support.chat import Chat


@pytest.fixture(autouse=True, scope="module")
def warm_nlu() -> None:
    """The model loads on the first message; loaded here, a slow machine cannot push it past the 4 s reply."""
    understand("你好", MONDAY_10)


async def test_a_suggestion_in_one_message(chat: Chat) -> None:
    await chat.bind("owner-zhang", "3-2-501", "13800000001")

    zhang = chat.person("owner-zhang")
    card = await zhang.says("建议小区多装几个充电桩")
    assert "请确认您的建议" in card and "建议小区多装几个充电桩" in card and "3天内" in card
    assert await chat.tickets() == []
    reply = await zhang.says("确认")
    assert "感谢您的宝贵建议" in reply and "编号 S20261123001" in reply
    assert "3天内（11月26日10:00前）给您答复" in reply and "不采纳的也会说明原因" in reply

    [ticket] = await chat.tickets()
    assert (ticket.kind, ticket.description, ticket.home_id) == ("suggestion", "建议小区多装几个充电桩",
                                                                 chat.people["home"].id)
    async with chat.sessions() as session:
        loaded = await chat.services.desk.load(session, ticket.number)
        assert {d.name: d.due_at for d in loaded.deadlines} == {"answer": chat.now() + timedelta(days=3)}
    assert any("S20261123001" in text for text in await chat.pushes_to("staff-zhao"))


async def test_a_bare_suggestion_asks_for_the_idea(chat: Chat) -> None:
    owner = chat.person("owner-x")
    assert "建议内容" in await owner.says("我有个建议")
    assert "小区东门晚上太暗了" in await owner.says("小区东门晚上太暗了，加几盏路灯吧")
    reply = await owner.says("确认")
    assert "编号 S20261123001" in reply and "3天内" in reply
    [ticket] = await chat.tickets()
    assert ticket.description == "小区东门晚上太暗了，加几盏路灯吧" and ticket.home_id is None


async def test_the_idea_may_be_reworded_at_the_card(chat: Chat) -> None:
    owner = chat.person("owner-x")
    await owner.says("建议：垃圾站晚上九点以后也开着")
    card = await owner.says("改一下，垃圾站开到晚上十点就行")
    assert "垃圾站开到晚上十点就行" in card and "请确认您的建议" in card
    await owner.says("确认")
    [ticket] = await chat.tickets()
    assert ticket.description == "垃圾站开到晚上十点就行"


@pytest.mark.parametrize(("text", "idea"), [
    ("建议小区多装几个充电桩", True),
    ("建议加个路灯", True),
    ("我有个建议", False),
    ("你好,我想提个建议", False),
    ("我想给物业提点意见", False),
    ("我想提个建议可以吗", False),
])
def test_has_content(text: str, idea: bool) -> None:
    assert details_of(text).suggestion_content is idea
