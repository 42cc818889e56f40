"""工单进度 through the webhook: the owner's list, one ticket, a stranger's number, 催单, 没修好."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.nlu import understand
from handlers.domain.homes import home_by_room
from handlers.domain.tickets import NewTicket
from tests.support.chat import Chat


@pytest.fixture(autouse=True, scope="module")
def warm_nlu() -> None:
    """Load the NLU model before the first message, so a busy machine does not push it past WeChat's deadline."""
    from tests.flows.conftest import MONDAY_10

    understand("你好", MONDAY_10)


async def open_repair(chat: Chat, openid: str, room: str, category: str, description: str) -> str:
    """A repair reported and routed as the repair flow does it (the flow itself is tested elsewhere)."""
    async with chat.sessions.begin() as session:
        home = await home_by_room(session, room)
        assert home is not None
        opened = await chat.services.intake.open(
            session, NewTicket(kind="repair", description=description, openid=openid, home_id=home.id,
                               category=category, contact_phone="13800000001"),
            chat.now(), by=f"owner:{openid}", summary=description)
        return opened.ticket.number


async def status_of(chat: Chat, number: str) -> str:
    return next(ticket.status for ticket in await chat.tickets() if ticket.number == number)


async def test_open_tickets_with_status_assignee_and_deadline(chat: Chat) -> None:
    await chat.bind("owner-zhang", "3-2-501", "13800000001")
    tap = await open_repair(chat, "owner-zhang", "3-2-501", "水电", "厨房水龙头关不紧")
    door = await open_repair(chat, "owner-zhang", "3-2-501", "门窗门锁", "入户门锁芯卡住")
    theirs = await open_repair(chat, "owner-li", "3-2-502", "水电", "客厅插座没电")
    zhang = chat.person("owner-zhang")

    reply = await zhang.says("我的工单进度")
    assert "2 张处理中的工单" in reply
    assert tap in reply and door in reply and theirs not in reply and "3-2-502" not in reply
    assert "王师傅" in reply and "李师傅" in reply and "已派单" in reply
    assert "11月24日10:00前上门" in reply  # the nearest deadline not yet met: on site within 1 working day
    assert "催单" in reply


async def test_one_ticket_by_number(chat: Chat) -> None:
    number = await open_repair(chat, "owner-zhang", "3-2-501", "水电", "厨房水龙头关不紧")
    zhang = chat.person("owner-zhang")
    assert "已由您接单" in await chat.person("staff-wang").says(f"接单 {number}")

    reply = await zhang.says(f"{number}到哪一步了")
    assert f"工单 {number}" in reply and "3-2-501 水电" in reply
    assert "状态：已接单" in reply and "处理人：王师傅" in reply and "前上门" in reply
    assert "厨房水龙头关不紧" in reply


async def test_someone_elses_number_answers_exactly_like_a_missing_one(chat: Chat) -> None:
    theirs = await open_repair(chat, "owner-li", "3-2-502", "水电", "客厅插座没电")
    zhang = chat.person("owner-zhang")

    foreign = await zhang.says(f"{theirs}到哪一步了")
    missing = await zhang.says("R20261123099到哪一步了")
    assert foreign == missing
    assert "没有找到" in foreign and "3-2-502" not in foreign and "插座" not in foreign
    # … and chasing it neither chases nor tells anything either
    assert await zhang.says(f"{theirs}怎么还没人来") == await zhang.says("R20261123099怎么还没人来")
    assert not [text for text in await chat.pushes_to("staff-wang") if "催单" in text]


async def test_chase_at_most_once_an_hour(chat: Chat) -> None:
    number = await open_repair(chat, "owner-zhang", "3-2-501", "水电", "厨房水龙头关不紧")
    zhang, wang = chat.person("owner-zhang"), chat.person("staff-wang")

    reply = await zhang.says("报修好久了怎么还没人来")
    assert f"已为您催促工单 {number}" in reply and "让您久等了" in reply
    chased = [text for text in await wang.pushes() if "【催单】" in text]
    assert len(chased) == 1 and number in chased[0]  # the assignee hears it

    chat.clock.travel(timedelta(minutes=20))
    reply = await zhang.says("报修好久了怎么还没人来")
    assert "60分钟内已经催过" in reply
    assert len([text for text in await wang.pushes() if "【催单】" in text]) == 1

    chat.clock.travel(timedelta(minutes=41))
    assert "已为您催促" in await zhang.says(f"{number}怎么还没人来")
    assert len([text for text in await wang.pushes() if "【催单】" in text]) == 2


async def test_chasing_with_several_open_tickets_asks_which(chat: Chat) -> None:
    tap = await open_repair(chat, "owner-zhang", "3-2-501", "水电", "厨房水龙头关不紧")
    door = await open_repair(chat, "owner-zhang", "3-2-501", "门窗门锁", "入户门锁芯卡住")
    zhang = chat.person("owner-zhang")

    reply = await zhang.says("帮我催一下工单")
    assert "要催办哪一张" in reply and tap in reply and door in reply
    assert not [text for text in await chat.pushes_to("staff-li") if "催单" in text]
    assert "已为您催促工单" in await zhang.says(f"催单 {door}")
    assert any(door in text and "【催单】" in text for text in await chat.pushes_to("staff-li"))


async def test_not_fixed_reopens_the_finished_repair(chat: Chat) -> None:
    await chat.bind("owner-zhang", "3-2-501", "13800000001")
    number = await open_repair(chat, "owner-zhang", "3-2-501", "水电", "厨房水龙头关不紧")
    zhang, wang = chat.person("owner-zhang"), chat.person("staff-wang")
    await wang.says(f"接单 {number}")
    await wang.says(f"完工 {number} 已更换阀芯")
    assert await status_of(chat, number) == "completed"

    chat.clock.travel(timedelta(hours=3))
    reply = await zhang.says("上次报的修没修好")
    assert f"工单 {number} 已重新打开" in reply and "非常抱歉" in reply and "11月24日13:00前上门" in reply
    assert await status_of(chat, number) == "assigned"
    alert = [text for text in await wang.pushes() if "【返修】" in text]
    assert len(alert) == 1 and number in alert[0] and "上次报的修没修好" in alert[0]
    assert any("【返修】" in text for text in await chat.pushes_to("staff-zhao"))  # the supervisor too

    reply = await zhang.says(f"{number}到哪一步了")
    assert "状态：已派单" in reply and "处理人：王师傅" in reply


async def test_no_tickets_at_all(chat: Chat) -> None:
    reply = await chat.person("owner-new").says("我的工单进度")
    assert "没有处理中的工单" in reply


async def test_a_visitor_pass_by_number_for_its_owner_only(chat: Chat) -> None:
    from models import GatePass

    async with chat.sessions.begin() as session:
        home = await home_by_room(session, "3-2-501")
        assert home is not None
        session.add(GatePass(kind="visitor", code="482913", number="V20261123001", home_id=home.id,
                             openid="owner-zhang", plate="粤A12345", valid_from=chat.now(),
                             valid_until=chat.now() + timedelta(hours=6), created_at=chat.now()))
    reply = await chat.person("owner-zhang").says("V20261123001 访客登记成功了吗")
    assert "访客通行证 V20261123001" in reply and "状态：有效" in reply and "11月23日16:00" in reply
    stranger = await chat.person("owner-li").says("V20261123001 访客登记成功了吗")
    assert stranger == await chat.person("owner-li").says("V20261123099 访客登记成功了吗")
    assert "没有找到" in stranger
