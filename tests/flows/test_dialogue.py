"""The dialogue engine through the webhook: interruptions, restarts, traditional script, clarifying."""

from __future__ import annotations

from decimal import Decimal

from bot.keys import SENDER
from models import Bill
from tests.support.chat import Chat


async def test_an_interruption_is_answered_then_the_form_resumes(chat: Chat) -> None:
    await chat.bind("owner-zhang", "3-2-501", "13800000001")
    async with chat.sessions.begin() as session:
        session.add(Bill(home_id=chat.people["home"].id, period="2026-10", item="物业费", amount=Decimal("268.50"),
                         paid=False))
    zhang = chat.person("owner-zhang")
    assert "什么时间" in await zhang.says("厨房水龙头坏了一直滴水")
    reply = await zhang.says("我家物业费还欠多少")
    assert "¥268.50" in reply and "我们继续刚才的报修" in reply and "什么时间" in reply
    assert "请确认报修信息" in await zhang.says("明天上午")
    assert "工单号" in await zhang.says("确认")


async def test_a_restart_mid_form_loses_nothing(chat: Chat, start_service) -> None:  # type: ignore[no-untyped-def]
    await chat.bind("owner-restart", "3-2-502", "13800000002")
    owner = chat.person("owner-restart")
    assert "什么时间" in await owner.says("家里马桶堵了")
    assert "什么时间" in await owner.says("13912345678")  # a new phone, and still the time to ask
    # a second service on the same database, as after a restart
    restarted = await start_service(chat.service.settings, clock=chat.clock, run_sender=False)
    again = Chat(service=restarted, clock=chat.clock, people=chat.people).person("owner-restart")
    reply = await again.says("明天上午10点")
    assert "请确认报修信息" in reply and "13912345678" in reply


async def test_traditional_script_in_the_reply_and_in_pushes(chat: Chat) -> None:
    await chat.bind("owner-zhang", "3-2-501", "13800000001")
    zhang, wang = chat.person("owner-zhang"), chat.person("staff-wang")
    reply = await zhang.says("廚房水管漏水了，明天下午3點在家")
    assert "確認" in reply and "報修" in reply  # answered in traditional characters
    reply = await zhang.says("確認")
    assert "工單號" in reply
    [ticket] = await chat.tickets()
    await wang.says(f"接单 {ticket.number}")
    await chat.service.app[SENDER].run_once()  # sandbox: delivered pushes are what the owner sees
    async with chat.service.http.get(chat.service.url + "/sandbox/outbox", params={"openid": "owner-zhang"}) as r:
        pushed = (await r.json())["pushes"][-1]["text"]
    assert "接單" in pushed and "師傅" in pushed


async def test_two_misunderstandings_in_a_row_offer_a_human(chat: Chat) -> None:
    owner = chat.person("owner-vague")
    assert "转人工" not in await owner.says("今天股票涨了吗")
    assert "转人工" in await owner.says("给我讲个笑话")


async def test_cancel_with_nothing_running(chat: Chat) -> None:
    assert "目前没有进行中的登记" in await chat.person("owner-z").says("取消")


async def test_sessions_are_per_openid(chat: Chat) -> None:
    await chat.bind("owner-a", "3-2-501", "13800000001")
    a, b = chat.person("owner-a"), chat.person("owner-b")
    assert "什么时间" in await a.says("家里马桶堵了")
    assert "什么时间" not in await b.says("你好")
    assert "请确认报修信息" in await a.says("明天上午10点")


async def test_an_english_message_is_answered_in_english_with_the_hotline_and_a_person(chat: Chat) -> None:
    reply = await chat.person("owner-en").says("Hello, what can you do?")
    first_lines = "\n".join(reply.splitlines()[:2])
    assert "repair" in first_lines and "转人工" in first_lines
    assert "0755-2888 6666" in first_lines and "0755-2888 9999" in first_lines  # the hotline, the emergency phone


async def test_remarks_and_laughter_get_a_friendly_answer_not_a_refusal_or_a_human(chat: Chat) -> None:
    owner = chat.person("owner-chatty")
    for text in ("哈哈", "今天天气不错", "hhhh😂"):
        reply = await owner.says(text)
        assert "帮不上忙" not in reply and "转人工" not in reply and "还是想" not in reply, text


async def test_blank_text_is_asked_what_they_need(chat: Chat) -> None:
    reply = await chat.person("owner-z").says("   ")
    assert "有什么可以帮您" in reply and "看不懂" not in reply
