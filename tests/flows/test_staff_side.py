"""The staff side through the webhook: who may take (抢单/接单), start and complete a ticket, a
supervisor's 接单 on someone else's ticket, stale SLA warnings, and what a new-ticket alert says."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.nlu import understand
from handlers.domain.escalation import escalate_due
from models import OutboxMessage, Staff, Ticket, TicketOffer
from tests.support.chat import Chat


@pytest.fixture(autouse=True, scope="module")
def warm_nlu() -> None:
    """Load the NLU model before the first message, so a busy machine does not push it past WeChat's deadline."""
    from tests.flows.conftest import MONDAY_10

    understand("你好", MONDAY_10)


async def add_zhou(chat: Chat) -> None:
    """周婷: complaints staff (噪音), on duty, with no trade a burst pipe needs."""
    async with chat.sessions.begin() as session:
        session.add(Staff(name="周婷", phone="13900000006", openid="staff-zhou", role="staff", skills="养犬宠物"))


async def the_ticket(chat: Chat) -> Ticket:
    [ticket] = await chat.tickets()
    return ticket


async def staff_id(chat: Chat, openid: str) -> int:
    async with chat.sessions() as session:
        found = await session.scalar(select(Staff.id).where(Staff.openid == openid))
        assert found is not None
        return found


async def emergency(chat: Chat) -> str:
    """A burst pipe at 3-2-501: offered for 抢单 to 王师傅 and 李师傅 (渗漏水), never to 周婷."""
    await chat.bind("owner-zhang", "3-2-501", "13800000001")
    await chat.person("owner-zhang").says("厨房水管爆了，水漫了一地")
    ticket = await the_ticket(chat)
    assert ticket.kind == "emergency" and ticket.status == "new"
    return ticket.number


async def booked_repair(chat: Chat) -> str:
    """卫生间水管接头漏水 at 3-2-501, visit tomorrow 15:00: assigned to 王师傅 (least loaded)."""
    await chat.bind("owner-zhang", "3-2-501", "13800000001")
    zhang = chat.person("owner-zhang")
    assert "什么时间" in await zhang.says("卫生间水管接头漏水了")
    assert "请确认" in await zhang.says("明天下午3点")
    await zhang.says("确认")
    ticket = await the_ticket(chat)
    assert ticket.assignee_id == await staff_id(chat, "staff-wang") and ticket.status == "assigned"
    return ticket.number


class TestGrab:
    async def test_only_those_offered_may_take_it(self, chat: Chat) -> None:
        await add_zhou(chat)
        number = await emergency(chat)
        assert not await chat.pushes_to("staff-zhou")
        owner_told = len(await chat.pushes_to("owner-zhang"))

        refused = await chat.person("staff-zhou").says(f"接单 {number}")
        assert "没有推送给您" in refused and "转派" in refused
        ticket = await the_ticket(chat)
        assert ticket.status == "new" and ticket.assignee_id is None
        assert len(await chat.pushes_to("owner-zhang")) == owner_told  # nobody was announced to the owner

        taken = await chat.person("staff-li").says(f"接单 {number}")
        assert "已由您接单" in taken and "周婷" not in taken
        ticket = await the_ticket(chat)
        assert ticket.status == "accepted" and ticket.assignee_id == await staff_id(chat, "staff-li")
        assert "李师傅" in (await chat.pushes_to("owner-zhang"))[-1]
        assert "已被李师傅接单" in await chat.person("staff-wang").says(f"接单 {number}")  # offered, too late

    async def test_who_was_offered_is_kept_in_the_database_across_a_restart(
            self, chat: Chat, make_settings, start_service) -> None:  # type: ignore[no-untyped-def]
        await add_zhou(chat)
        number = await emergency(chat)
        async with chat.sessions() as session:
            offered = set((await session.scalars(select(TicketOffer.staff_id))).all())
        assert offered == {await staff_id(chat, "staff-wang"), await staff_id(chat, "staff-li")}

        restarted = await start_service(make_settings(WUYEBOT_ADMIN_TOKEN="flow-admin"), clock=chat.clock,
                                        run_sender=False)  # a second process on the same database
        answer = await restarted.wechat.say("staff-zhou", f"接单 {number}")
        assert "没有推送给您" in (answer.content or "")
        answer = await restarted.wechat.say("staff-wang", f"接单 {number}")
        assert "已由您接单" in (answer.content or "")

    async def test_a_supervisor_may_take_a_ticket_offered_to_others(self, chat: Chat) -> None:
        number = await emergency(chat)
        assert "已由您接单" in await chat.person("staff-zhao").says(f"接单 {number}")
        ticket = await the_ticket(chat)
        assert ticket.status == "accepted" and ticket.assignee_id == await staff_id(chat, "staff-zhao")

    async def test_an_assigned_ticket_is_taken_only_by_its_assignee(self, chat: Chat) -> None:
        number = await booked_repair(chat)
        refused = await chat.person("staff-li").says(f"接单 {number}")
        assert "已派给王师傅" in refused
        ticket = await the_ticket(chat)
        assert ticket.status == "assigned" and ticket.assignee_id == await staff_id(chat, "staff-wang")


class TestWorkingOnIt:
    async def test_only_the_assignee_starts_and_completes(self, chat: Chat) -> None:
        number = await booked_repair(chat)
        await chat.person("staff-wang").says(f"接单 {number}")
        owner_told = len(await chat.pushes_to("owner-zhang"))
        li = chat.person("staff-li")

        assert "处理人是王师傅" in await li.says(f"开始 {number}")
        assert "处理人是王师傅" in await li.says(f"完工 {number} 已修好")
        assert (await the_ticket(chat)).status == "accepted"
        assert len(await chat.pushes_to("owner-zhang")) == owner_told

        wang = chat.person("staff-wang")
        assert "开始处理" in await wang.says(f"开始 {number}")
        assert "完工" in await wang.says(f"完工 {number} 已更换接头")
        assert (await the_ticket(chat)).status == "completed"

    async def test_after_a_reassignment_only_the_new_assignee_works_on_it(self, chat: Chat) -> None:
        number = await booked_repair(chat)
        wang, li = chat.person("staff-wang"), chat.person("staff-li")
        await wang.says(f"接单 {number}")
        assert "只有工单" in await li.says(f"转派 {number} 李师傅")  # staff do not reassign others' tickets
        assert (await the_ticket(chat)).assignee_id == await staff_id(chat, "staff-wang")

        assert "已转派给 李师傅" in await chat.person("staff-zhao").says(f"转派 {number} 李师傅")
        assert "处理人是李师傅" in await wang.says(f"完工 {number}")
        assert "已由您接单" in await li.says(f"接单 {number}")
        assert "完工" in await li.says(f"完工 {number} 已修好")
        ticket = await the_ticket(chat)
        assert ticket.status == "completed" and ticket.assignee_id == await staff_id(chat, "staff-li")

    async def test_supervisors_may_still_act(self, chat: Chat) -> None:
        number = await booked_repair(chat)
        await chat.person("staff-wang").says(f"接单 {number}")
        assert "完工" in await chat.person("staff-chen").says(f"完工 {number} 主任确认已修好")
        assert (await the_ticket(chat)).status == "completed"


class TestSupervisorTakes:
    async def test_a_ticket_not_yet_accepted_is_taken_over_and_the_assignee_told(self, chat: Chat) -> None:
        number = await booked_repair(chat)
        reply = await chat.person("staff-zhao").says(f"接单 {number}")
        assert "已被" not in reply
        assert "已由您接手" in reply and "王师傅" in reply
        ticket = await the_ticket(chat)
        assert ticket.status == "accepted" and ticket.assignee_id == await staff_id(chat, "staff-zhao")
        assert any(f"工单 {number} 已由赵主管接手" in text for text in await chat.pushes_to("staff-wang"))
        assert "赵主管" in (await chat.pushes_to("owner-zhang"))[-1]
        assert "处理人是赵主管" in await chat.person("staff-wang").says(f"完工 {number}")

    async def test_a_ticket_already_accepted_is_left_and_the_supervisor_told_how_to_reassign(
            self, chat: Chat) -> None:
        number = await booked_repair(chat)
        await chat.person("staff-wang").says(f"接单 {number}")
        reply = await chat.person("staff-zhao").says(f"接单 {number}")
        assert "已被王师傅接单" in reply and f"转派 {number}" in reply
        assert (await the_ticket(chat)).assignee_id == await staff_id(chat, "staff-wang")


class TestAlerts:
    async def test_the_assignee_reads_the_booked_time_and_the_phone(self, chat: Chat) -> None:
        number = await booked_repair(chat)
        [alert] = [text for text in await chat.pushes_to("staff-wang") if number in text]
        assert "上门时间：11月24日（周二）15:00" in alert
        assert "联系电话：13800000001" in alert

    async def test_a_reassigned_ticket_tells_the_new_assignee_too(self, chat: Chat) -> None:
        number = await booked_repair(chat)
        await chat.person("staff-zhao").says(f"转派 {number} 李师傅")
        alert = (await chat.pushes_to("staff-li"))[-1]
        assert alert.startswith("【转派】") and "11月24日（周二）15:00" in alert and "13800000001" in alert


class TestStaleWarnings:
    async def run(self, chat: Chat) -> int:
        services = chat.services
        async with chat.sessions.begin() as session:
            return await escalate_due(session, chat.now(), services.sla, services.notifier,
                                      chat.service.settings)

    async def escalations(self, chat: Chat) -> list[OutboxMessage]:
        async with chat.sessions() as session:
            return list((await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "escalation")
                                               .order_by(OutboxMessage.id))).all())

    async def test_a_deadline_first_seen_past_gets_no_about_to_be_overdue_warning(self, chat: Chat) -> None:
        await chat.bind("owner-zhang", "3-2-501", "13800000001")
        zhang = chat.person("owner-zhang")
        await zhang.says("卫生间水管接头漏水了")
        await zhang.says("随时都可以")
        await zhang.says("确认")
        chat.clock.travel(timedelta(days=1, hours=1))  # on site was due Tuesday 10:00; the check runs at 11:00
        assert await self.run(chat) == 1
        texts = [row.payload["text"] for row in await self.escalations(chat)]
        assert len(texts) == 1 and texts[0].startswith("【已超时】")
        assert not [text for text in await chat.pushes_to("staff-wang") if "即将超时" in text]
        assert await self.run(chat) == 0

    async def test_a_queued_warning_is_dropped_once_it_is_no_longer_true(self, chat: Chat) -> None:
        await chat.bind("owner-zhang", "3-2-501", "13800000001")
        zhang = chat.person("owner-zhang")
        await zhang.says("卫生间水管接头漏水了")
        await zhang.says("随时都可以")
        await zhang.says("确认")
        chat.clock.travel(timedelta(hours=22))  # Tuesday 08:00, past 80% of the on-site day
        assert await self.run(chat) == 1
        [warning] = await self.escalations(chat)
        assert warning.status == "pending" and "即将超时" in warning.payload["text"]

        chat.clock.travel(timedelta(hours=3))  # not sent (held, or the sender was down); now overdue
        await self.run(chat)
        rows = {row.id: row for row in await self.escalations(chat)}
        assert rows[warning.id].status == "dead" and "stale" in (rows[warning.id].last_error or "")
        overdue = [row for row in rows.values() if row.id != warning.id]
        assert overdue and all(row.status == "pending" and "已超时" in row.payload["text"] for row in overdue)

    async def test_a_queued_notice_is_dropped_once_the_deadline_is_met(self, chat: Chat) -> None:
        number = await booked_repair(chat)  # on site at the booked visit, Tuesday 15:00
        chat.clock.travel(timedelta(hours=26))  # Tuesday 12:00: past 80%
        assert await self.run(chat) == 1
        [warning] = await self.escalations(chat)
        await chat.person("staff-wang").says(f"接单 {number}")
        await chat.person("staff-wang").says(f"开始 {number}")  # on site: the deadline is met
        await self.run(chat)
        [warning] = await self.escalations(chat)
        assert warning.status == "dead"
