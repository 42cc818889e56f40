"""回访评价 through the webhook: a good score closes the ticket, a poor one sends it back with an alert."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete, select

from bot.nlu import understand
from handlers.domain.homes import home_by_room
from handlers.domain.tickets import NewTicket
from models import ReturnVisit, Staff, Ticket
from tests.support.chat import Chat


@pytest.fixture(autouse=True, scope="module")
def warm_nlu() -> None:
    """Load the NLU model before the first message, so a busy machine does not push it past WeChat's deadline."""
    from tests.flows.conftest import MONDAY_10

    understand("你好", MONDAY_10)


async def finished_repair(chat: Chat, openid: str = "owner-zhang", *, visit: bool = True,
                          description: str = "厨房水龙头关不紧", category: str = "水电") -> str:
    """A repair reported, taken and finished by 王师傅; with ``visit`` its 回访 waits for the owner."""
    async with chat.sessions.begin() as session:
        home = await home_by_room(session, "3-2-501")
        assert home is not None
        opened = await chat.services.intake.open(
            session, NewTicket(kind="repair", description=description, openid=openid, home_id=home.id,
                               category=category, contact_phone="13800000001"),
            chat.now(), by=f"owner:{openid}", summary=description)
        number = opened.ticket.number
        assignee = await session.get(Staff, opened.ticket.assignee_id)
        assert assignee is not None and assignee.openid is not None
    worker = chat.person(assignee.openid)  # 王师傅 for 水电
    await worker.says(f"接单 {number}")
    await worker.says(f"完工 {number} 已处理")
    async with chat.sessions.begin() as session:
        ticket = await session.scalar(select(Ticket).where(Ticket.number == number))
        assert ticket is not None and ticket.status == "completed"
        waiting = select(ReturnVisit).where(ReturnVisit.ticket_id == ticket.id)
        if not visit:
            await session.execute(delete(ReturnVisit).where(ReturnVisit.ticket_id == ticket.id))
        elif await session.scalar(waiting) is None:  # the scheduler (another issue) may not have made one
            session.add(ReturnVisit(ticket_id=ticket.id, openid=openid, due_at=chat.now() + timedelta(days=2),
                                    status="sent", sent_at=chat.now()))
    return number


async def visits_of(chat: Chat, number: str) -> list[ReturnVisit]:
    async with chat.sessions() as session:
        ticket = await session.scalar(select(Ticket).where(Ticket.number == number))
        assert ticket is not None
        return list((await session.scalars(select(ReturnVisit).where(ReturnVisit.ticket_id == ticket.id))).all())


async def status_of(chat: Chat, number: str) -> str:
    return next(ticket.status for ticket in await chat.tickets() if ticket.number == number)


async def test_five_points_closes_the_ticket(chat: Chat) -> None:
    number = await finished_repair(chat)
    chat.clock.travel(timedelta(days=2))
    zhang = chat.person("owner-zhang")

    reply = await zhang.says("师傅修得很好，5分")
    assert "感谢您的评价（5分）" in reply and number in reply
    assert await status_of(chat, number) == "closed"
    [visit] = await visits_of(chat, number)
    assert (visit.status, visit.score) == ("answered", 5) and "师傅修得很好" in (visit.comment or "")
    assert not [text for text in await chat.pushes_to("staff-zhao") if number in text]  # nothing to escalate

    assert "已经收到您对工单" in await zhang.says("5分")  # said twice: thanked, not asked what it is about


async def test_two_points_reopens_and_alerts_the_supervisor(chat: Chat) -> None:
    number = await finished_repair(chat)
    zhang = chat.person("owner-zhang")

    reply = await zhang.says("不满意，师傅态度不好")
    assert "非常抱歉" in reply and f"工单 {number} 已重新打开" in reply and "二次回访" in reply
    assert await status_of(chat, number) == "assigned"
    [visit] = await visits_of(chat, number)
    assert (visit.status, visit.score) == ("answered", 2)
    [alert] = [text for text in await chat.pushes_to("staff-zhao") if "【不满意回访】" in text]
    assert number in alert and "2 分" in alert and "师傅态度不好" in alert
    assert any("【不满意回访】" in text for text in await chat.pushes_to("staff-wang"))  # back to maintenance


async def test_a_completed_ticket_without_a_visit_row_takes_the_rating(chat: Chat) -> None:
    number = await finished_repair(chat, visit=False)
    reply = await chat.person("owner-zhang").says("满意")
    assert "感谢您的评价（4分）" in reply
    [visit] = await visits_of(chat, number)
    assert (visit.status, visit.score, visit.openid) == ("answered", 4, "owner-zhang")
    assert await status_of(chat, number) == "closed"


async def test_a_rating_from_someone_with_nothing_to_rate(chat: Chat) -> None:
    await finished_repair(chat)  # 张伟's ticket: 李娜's score must not land on it
    reply = await chat.person("owner-li").says("5分")
    assert "谢谢您的评价" in reply and "哪一次服务" in reply
    assert all(visit.score is None for visit in await visits_of(chat, "R20261123001"))


async def test_still_not_fixed_on_the_return_visit(chat: Chat) -> None:
    number = await finished_repair(chat)
    reply = await chat.person("owner-zhang").says("还是没修好")
    assert f"工单 {number} 已重新打开" in reply
    assert await status_of(chat, number) == "assigned"
    assert any(number in text and "没有修好" in text for text in await chat.pushes_to("staff-wang"))


async def test_a_lone_digit_answering_the_completion_message(chat: Chat) -> None:
    number = await finished_repair(chat)
    zhang = chat.person("owner-zhang")
    assert "回复 1-5 分" in (await zhang.pushes())[-1]
    reply = await zhang.says("4")
    assert "感谢您的评价（4分）" in reply and number in reply
    assert await status_of(chat, number) == "closed"
    assert "感谢您的评价" not in await chat.person("owner-li").says("4")  # nothing awaited: not a rating


async def test_with_two_tickets_waiting_a_bare_score_asks_which_and_reopens_only_that_one(chat: Chat) -> None:
    first = await finished_repair(chat)
    second = await finished_repair(chat, description="次卧墙面有裂缝", category="墙面地面")
    zhang = chat.person("owner-zhang")
    asked = await zhang.says("2分")
    assert first in asked and second in asked and "哪一张" in asked
    assert await status_of(chat, first) == "completed" and await status_of(chat, second) == "completed"
    answer = await zhang.says("第二个")
    assert second in answer and "重新打开" in answer
    assert await status_of(chat, second) == "assigned"
    assert await status_of(chat, first) == "completed"
    visit = next(v for v in await visits_of(chat, second) if v.status == "answered")
    assert visit.score == 2


async def test_the_ticket_may_be_picked_by_what_it_was_about(chat: Chat) -> None:
    first = await finished_repair(chat, description="卫生间墙角渗水", category="渗漏水")
    second = await finished_repair(chat, description="书房踢脚线脱落", category="墙面地面")
    zhang = chat.person("owner-zhang")
    assert "哪一张" in await zhang.says("不满意")
    await zhang.says("漏水那个")
    assert await status_of(chat, first) == "assigned"
    assert await status_of(chat, second) == "completed"


async def test_problem_not_solved_during_the_rating_prompt_reopens_the_ticket(chat: Chat) -> None:
    number = await finished_repair(chat)
    reply = await chat.person("owner-zhang").says("问题还没解决")
    assert "评分" not in reply and number in reply
    assert await status_of(chat, number) == "assigned"
    assert any(number in text for text in await chat.person("staff-wang").pushes())
