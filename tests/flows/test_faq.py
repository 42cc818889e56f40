"""办事指南 through the webhook: answers from kb.yaml with the estate's own numbers, and what it cannot answer."""

from __future__ import annotations

import pytest

from bot.nlu import understand
from tests.support.chat import Chat


@pytest.fixture(autouse=True, scope="module")
def warm_nlu() -> None:
    """Load the NLU model before the first message, so a busy machine does not push it past WeChat's deadline."""
    from tests.flows.conftest import MONDAY_10

    understand("你好", MONDAY_10)


async def test_answers_from_the_knowledge_base(chat: Chat) -> None:
    owner = chat.person("owner-zhang")

    reply = await owner.says("房子准备装修了 要去物业办啥手续")
    assert reply.startswith("【装修要办什么手续？】") and "装修许可证" in reply and "小区东门物业服务中心一楼" in reply
    assert "08:00-20:00" in reply and "{" not in reply

    reply = await owner.says("门禁卡丢了怎么补办？要多少钱？")
    assert "【门禁卡丢了怎么补办？】" in reply and "挂失" in reply and "身份证" in reply

    reply = await owner.says("想换个锁芯，要什么手续？需要业主本人来吗？")
    assert "业主" in reply and "身份" in reply and "门锁维修 30元/次起" in reply  # the price from config.yaml

    reply = await owner.says("你们有偿服务都有哪些 疏通下水道怎么收费")
    assert "管道疏通 50元/次起" in reply and "先告诉您费用" in reply

    reply = await owner.says("物业办公室几点上班？周末有人吗？")
    assert "每天 08:00-20:00" in reply and "0755-2888 6666" in reply and "0755-2888 9999" in reply
    assert reply.endswith("还有什么可以帮您？")


async def test_traditional_question_gets_a_traditional_answer(chat: Chat) -> None:
    reply = await chat.person("owner-hk").says("請問物業客服電話是多少？")
    assert "0755-2888 6666" in reply and "電話" in reply


async def test_an_unknown_question_offers_a_human(chat: Chat) -> None:
    reply = await chat.person("owner-zhang").says("小区里可以放风筝吗")
    assert "这个问题我暂时回答不了" in reply and "转人工" in reply and "0755-2888 6666" in reply
