"""Tickets: life cycle, routing, staff commands, escalation, chasing, merging and the admin API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.clock import FrozenClock
from bot.keys import SENDER, SERVICES, SESSIONS
from handlers.domain.escalation import escalate_due
from handlers.domain.intake import ChaseOutcome
from handlers.domain.tickets import TRANSITIONS, InvalidTransition, NewTicket
from models import OutboxMessage, Ticket, TicketReporter
from tests.support.estate import seed_estate
from tests.support.understanding import gateway_dispatcher

TZ = ZoneInfo("Asia/Shanghai")
MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=TZ)
OWNER = "owner-zhang"
ADMIN_TOKEN = "s3cret-admin-token"


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(MONDAY_10.astimezone(UTC))


@pytest.fixture
async def service(make_settings, start_service, clock):  # type: ignore[no-untyped-def]
    settings = make_settings(WUYEBOT_ADMIN_TOKEN=ADMIN_TOKEN)
    service = await start_service(settings, clock=clock, dispatcher_factory=gateway_dispatcher, run_sender=False)
    async with service.app[SESSIONS].begin() as session:
        service.people = await seed_estate(session)  # type: ignore[attr-defined]
    return service


async def open_ticket(service, clock, **fields) -> Ticket:  # type: ignore[no-untyped-def]
    fields = {"kind": "repair", "description": "卫生间水管漏水", "openid": OWNER, "category": "渗漏水", **fields}
    if "home_id" not in fields and "place" not in fields:
        fields["home_id"] = service.people["home"].id
    async with service.app[SESSIONS].begin() as session:
        opened = await service.app[SERVICES].intake.open(session, NewTicket(**fields), clock.now(), by=f"owner:{OWNER}",
                                                              summary=fields["description"])
        return opened.ticket


async def reload(service, number: str) -> Ticket:  # type: ignore[no-untyped-def]
    async with service.app[SESSIONS]() as session:
        return await service.app[SERVICES].desk.load(session, number)


async def pushes(service, recipient: str | None = None) -> list[str]:  # type: ignore[no-untyped-def]
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if recipient:
        query = query.where(OutboxMessage.recipient == recipient)
    async with service.app[SESSIONS]() as session:
        return [row.payload.get("text", "") for row in (await session.scalars(query)).all()]


class TestLifeCycle:
    ALL = ("new", "assigned", "accepted", "in_progress", "completed", "visited", "closed", "cancelled")

    @pytest.mark.parametrize("action", sorted(TRANSITIONS))
    @pytest.mark.parametrize("status", ALL)
    async def test_every_transition_is_allowed_or_refused(self, service, clock, action, status) -> None:  # type: ignore[no-untyped-def]
        ticket = await open_ticket(service, clock, category="其他")  # nobody has the skill: assigned to the supervisor
        async with service.app[SESSIONS].begin() as session:
            desk = service.app[SERVICES].desk
            ticket = await desk.load(session, ticket.number)
            ticket.status = status
            allowed_from, to_status = TRANSITIONS[action]
            if status in allowed_from:
                event = await desk.apply(session, ticket, action, clock.now(), by="test", note="n",
                                         assignee_id=service.people["wang"].id)
                assert (event.from_status, event.to_status) == (status, to_status or status)
                assert ticket.status == (to_status or status)
            else:
                with pytest.raises(InvalidTransition) as refused:
                    await desk.apply(session, ticket, action, clock.now(), by="test")
                assert ticket.number in str(refused.value) and ticket.status == status

    async def test_numbers_run_per_prefix_and_day(self, service, clock) -> None:  # type: ignore[no-untyped-def]
        first = await open_ticket(service, clock)
        second = await open_ticket(service, clock, kind="complaint", category="噪音", tier="minor")
        third = await open_ticket(service, clock)
        assert (first.number, second.number, third.number) == ("R20261123001", "C20261123001", "R20261123002")
        clock.travel(timedelta(hours=14))  # past midnight in Shanghai
        assert (await open_ticket(service, clock)).number == "R20261124001"

    async def test_reopen_restarts_the_clocks(self, service, clock) -> None:  # type: ignore[no-untyped-def]
        ticket = await open_ticket(service, clock)
        async with service.app[SESSIONS].begin() as session:
            desk = service.app[SERVICES].desk
            ticket = await desk.load(session, ticket.number)
            for action in ("accept", "start", "complete"):
                await desk.apply(session, ticket, action, clock.now(), by="王师傅")
            assert all(d.met_at is not None for d in ticket.deadlines)
            clock.travel(timedelta(days=3))
            await desk.apply(session, ticket, "reopen", clock.now(), by="owner", note="没修好")
            assert ticket.status == "assigned"
            assert all(d.met_at is None and d.starts_at == clock.now() for d in ticket.deadlines)
        events = [(e.action, e.from_status, e.to_status) for e in (await reload(service, ticket.number)).events]
        assert events == [("create", None, "new"), ("assign", "new", "assigned"), ("accept", "assigned", "accepted"),
                          ("start", "accepted", "in_progress"), ("complete", "in_progress", "completed"),
                          ("reopen", "completed", "assigned")]


class TestRouting:
    async def test_least_loaded_matching_staff_gets_it(self, service, clock) -> None:  # type: ignore[no-untyped-def]
        first = await open_ticket(service, clock)  # 渗漏水: 王师傅 and 李师傅 both match, both idle → lowest id
        second = await open_ticket(service, clock)
        people = service.people
        assert (first.assignee_id, second.assignee_id) == (people["wang"].id, people["li"].id)
        assert first.status == "assigned"
        assert any("R20261123001" in text and "接单" in text for text in await pushes(service, "staff-wang"))

    async def test_nobody_matching_goes_to_the_supervisor(self, service, clock) -> None:  # type: ignore[no-untyped-def]
        ticket = await open_ticket(service, clock, category="电梯", place="3栋电梯", building="3", home_id=None)
        assert ticket.assignee_id == service.people["zhao"].id

    async def test_grab_mode_offers_to_all_and_the_first_wins(self, service, clock) -> None:  # type: ignore[no-untyped-def]
        ticket = await open_ticket(service, clock, kind="emergency", category="渗漏水", description="水管爆了")
        assert ticket.status == "new" and ticket.assignee_id is None
        assert any("抢单" in text for text in await pushes(service, "staff-wang"))
        assert any("抢单" in text for text in await pushes(service, "staff-li"))
        assert any("紧急" in text for text in await pushes(service, "staff-zhao"))  # the supervisor, at once
        first = await service.wechat.say("staff-li", f"接单 {ticket.number}")
        late = await service.wechat.say("staff-wang", f"接单 {ticket.number}")
        assert "已由您接单" in first.content
        assert "已被李师傅接单" in late.content
        ticket = await reload(service, ticket.number)
        assert ticket.status == "accepted" and ticket.assignee_id == service.people["li"].id


class TestStaffCommands:
    async def test_the_whole_loop_from_chat(self, service, clock) -> None:  # type: ignore[no-untyped-def]
        ticket = await open_ticket(service, clock, preferred_time="今天下午3点")
        number = ticket.number
        assert "已由您接单" in (await service.wechat.say("staff-wang", f"接单 {number}")).content
        assert "王师傅" in (await pushes(service, OWNER))[-1] and "今天下午3点" in (await pushes(service, OWNER))[-1]
        assert "开始处理" in (await service.wechat.say("staff-wang", f"开始 {number}")).content
        assert "完工" in (await service.wechat.say("staff-wang", f"完工 {number} 更换了三角阀")).content
        told = (await pushes(service, OWNER))[-1]
        assert "已处理完成（更换了三角阀）" in told and "1-5" in told
        assert "添加备注" in (await service.wechat.say("staff-wang", f"备注 {number} 业主要求保留旧件")).content
        assert (await reload(service, number)).status == "completed"

    async def test_refused_transition_is_explained(self, service, clock) -> None:  # type: ignore[no-untyped-def]
        ticket = await open_ticket(service, clock)
        answer = await service.wechat.say("staff-wang", f"完工 {ticket.number}")
        assert "当前状态为“已派单”，不能完工" in answer.content

    async def test_reassign_my_tickets_and_overdue(self, service, clock) -> None:  # type: ignore[no-untyped-def]
        ticket = await open_ticket(service, clock)
        assert "转派给 李师傅" in (await service.wechat.say("staff-wang", f"转派 {ticket.number} 李师傅")).content
        assert any("转派" in text for text in await pushes(service, "staff-li"))
        assert ticket.number in (await service.wechat.say("staff-li", "我的工单")).content
        assert "没有未完成" in (await service.wechat.say("staff-wang", "我的工单")).content
        assert "没有超时" in (await service.wechat.say("staff-li", "超时工单")).content
        clock.travel(timedelta(days=2))
        assert ticket.number in (await service.wechat.say("staff-li", "超时工单")).content
        assert ticket.number in (await service.wechat.say("staff-zhao", "超时工单")).content  # supervisors see all

    async def test_bad_arguments(self, service, clock) -> None:  # type: ignore[no-untyped-def]
        assert "格式：接单 工单号" in (await service.wechat.say("staff-wang", "接单")).content
        assert "没有找到工单 R20990101001" in (await service.wechat.say("staff-wang", "接单 R20990101001")).content
        ticket = await open_ticket(service, clock)
        assert "没有找到名为“张三”" in (await service.wechat.say("staff-wang", f"转派 {ticket.number} 张三")).content

    async def test_commands_from_non_staff_are_just_owner_talk(self, service, clock) -> None:  # type: ignore[no-untyped-def]
        ticket = await open_ticket(service, clock)
        answer = await service.wechat.say(OWNER, f"接单 {ticket.number}")
        assert "接单" not in answer.content
        assert (await reload(service, ticket.number)).status == "assigned"


class TestEscalation:
    async def test_three_steps_each_once(self, service, clock) -> None:  # type: ignore[no-untyped-def]
        ticket = await open_ticket(service, clock, kind="complaint", category="服务态度", tier="important",
                                   description="保安态度差")
        services = service.app[SERVICES]

        async def run() -> int:
            async with service.app[SESSIONS].begin() as session:
                return await escalate_due(session, clock.now(), services.sla, services.notifier, service.settings)

        assert await run() == 0
        clock.travel(timedelta(minutes=49))  # 80% of the 1-hour report limit
        assert await run() == 1
        assert await run() == 0
        assert "即将超时" in (await pushes(service, "staff-zhao"))[-1]
        clock.travel(timedelta(minutes=12))  # overdue
        assert await run() == 1 and "已超时" in (await pushes(service, "staff-zhao"))[-1]
        clock.travel(timedelta(minutes=30))  # 150%
        assert await run() == 1 and "严重超时" in (await pushes(service, "staff-chen"))[-1]
        assert await run() == 0
        clock.travel(timedelta(days=5))  # the resolve deadline passes two steps at once, each once; no stale warning
        assert await run() == 2
        assert await run() == 0
        assert (await reload(service, ticket.number)).deadlines[0].escalation_level == 3


class TestChaseAndMerge:
    async def test_chase_at_most_once_an_hour(self, service, clock) -> None:  # type: ignore[no-untyped-def]
        ticket = await open_ticket(service, clock)
        intake = service.app[SERVICES].intake

        async def chase() -> ChaseOutcome:
            async with service.app[SESSIONS].begin() as session:
                loaded = await intake.desk.load(session, ticket.number)
                return await intake.chase(session, loaded, OWNER, clock.now())

        assert await chase() is ChaseOutcome.SENT
        assert "催单" in (await pushes(service, "staff-wang"))[-1]
        clock.travel(timedelta(minutes=30))
        assert await chase() is ChaseOutcome.TOO_SOON
        clock.travel(timedelta(minutes=31))
        assert await chase() is ChaseOutcome.SENT

    async def test_repeated_reports_of_a_shared_facility_merge(self, service, clock) -> None:  # type: ignore[no-untyped-def]
        shared = {"category": "公共设施", "place": "3栋楼道灯", "building": "3", "home_id": None}
        first = await open_ticket(service, clock, description="3栋楼道灯不亮", **shared)
        clock.travel(timedelta(minutes=30))
        second = await open_ticket(service, clock, description="楼道灯坏了", **{**shared, "openid": "owner-li"})
        assert second.number == first.number
        async with service.app[SESSIONS]() as session:
            reporters = (await session.scalars(select(TicketReporter.openid))).all()
        assert reporters == ["owner-li"]
        assert "已由您接单" in (await service.wechat.say("staff-zhao", f"接单 {first.number}")).content
        assert "赵主管" in (await pushes(service, OWNER))[-1] and "赵主管" in (await pushes(service, "owner-li"))[-1]
        clock.travel(timedelta(hours=3))  # outside the window: a new ticket
        third = await open_ticket(service, clock, description="楼道灯又坏了", **{**shared, "openid": "owner-wu"})
        assert third.number != first.number


class TestAdminApi:
    def auth(self, token: str = ADMIN_TOKEN) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}

    @pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": ADMIN_TOKEN},
                                         {"Authorization": "Basic " + ADMIN_TOKEN}])
    async def test_401_without_the_right_token(self, service, headers) -> None:  # type: ignore[no-untyped-def]
        for path in ("/api/tickets", "/api/outbox", "/api/stats", "/api/tickets/R1"):
            async with service.http.get(service.url + path, headers=headers) as response:
                assert response.status == 401

    async def test_401_for_everyone_when_no_token_is_set(self, make_settings, start_service, tmp_path) -> None:  # type: ignore[no-untyped-def]
        service = await start_service(make_settings(), dispatcher_factory=gateway_dispatcher, run_sender=False)
        async with service.http.get(service.url + "/api/tickets", headers={"Authorization": "Bearer "}) as response:
            assert response.status == 401

    async def test_list_filter_one_and_act(self, service, clock) -> None:  # type: ignore[no-untyped-def]
        repair = await open_ticket(service, clock)
        clock.travel(timedelta(minutes=1))
        complaint = await open_ticket(service, clock, kind="complaint", category="噪音", tier="minor",
                                      description="楼上半夜跳绳")
        async with service.http.get(service.url + "/api/tickets", headers=self.auth()) as response:
            numbers = [t["number"] for t in (await response.json())["tickets"]]
        assert numbers == [complaint.number, repair.number]  # newest first
        params = {"kind": "repair", "room": "3-2-501"}
        async with service.http.get(service.url + "/api/tickets", params=params, headers=self.auth()) as response:
            [only] = (await response.json())["tickets"]
        assert only["number"] == repair.number and only["room"] == "3-2-501" and "resolve" in only["deadlines"]
        async with service.http.get(service.url + "/api/tickets", params={"kind": "x"}, headers=self.auth()) as r:
            assert r.status == 400
        url = f"{service.url}/api/tickets/{repair.number}/actions"
        async with service.http.post(url, json={"action": "accept", "staff": "王师傅"}, headers=self.auth()) as r:
            assert r.status == 200 and (await r.json())["status"] == "accepted"
        async with service.http.post(url, json={"action": "close"}, headers=self.auth()) as r:
            body = await r.json()
            assert r.status == 409 and "不能关闭" in body["error"]
        async with service.http.post(url, data=b"{not json", headers=self.auth()) as r:
            assert r.status == 400
        async with service.http.post(url, json={"action": "fly"}, headers=self.auth()) as r:
            assert r.status == 400
        async with service.http.post(url, json={"action": "assign", "staff": "nobody"}, headers=self.auth()) as r:
            assert r.status == 400
        async with service.http.get(f"{service.url}/api/tickets/{repair.number}", headers=self.auth()) as r:
            detail = await r.json()
        assert [e["action"] for e in detail["events"]] == ["create", "assign", "accept"]
        assert detail["events"][-1]["by"] == "王师傅"
        async with service.http.get(f"{service.url}/api/tickets/R20000101001", headers=self.auth()) as r:
            assert r.status == 404
        async with service.http.get(service.url + "/api/outbox", params={"status": "pending"},
                                    headers=self.auth()) as r:
            assert len((await r.json())["outbox"]) >= 2
        async with service.http.get(service.url + "/api/stats", params={"period": "2026-11"}, headers=self.auth()) as r:
            assert r.status == 200 and (await r.json())["repairs"]["totals"]["new"] == 1


class TestGroupRobots:
    async def test_a_building_robot_gets_markdown_with_phones_masked(self, make_settings, start_service, fake_wechat,
                                                                     clock) -> None:  # type: ignore[no-untyped-def]
        fake, base = fake_wechat
        settings = make_settings(WECHAT_TOKEN="t", WECHAT_APPID=fake.appid, WECHAT_SECRET=fake.secret,
                                 WECHAT_API_BASE=base)
        robot = base.replace("/cgi-bin/", "/robot/b3")
        settings = settings.model_copy(update={"notifications": settings.notifications.model_copy(
            update={"wecom_robots": {"building-3": robot}})})
        service = await start_service(settings, clock=clock, dispatcher_factory=gateway_dispatcher, run_sender=False)
        async with service.app[SESSIONS].begin() as session:
            service.people = await seed_estate(session)
        await open_ticket(service, clock, category="公共设施", place="3栋大堂", building="3", home_id=None,
                          description="3栋大堂门禁坏了，联系电话13812345678")
        await service.app[SENDER].run_once()
        [posted] = fake.sent("robot/b3")
        content = posted["markdown"]["content"]
        assert posted["msgtype"] == "markdown" and "3栋大堂门禁坏了" in content
        assert "138****5678" in content and "13812345678" not in content


def test_mask_phones() -> None:
    from handlers.domain.notify import mask_phones

    assert mask_phones("业主13812345678报修") == "业主138****5678报修"
    assert mask_phones("订单号2138123456789") == "订单号2138123456789"  # not a phone: part of a longer number
    assert mask_phones("13812345678、15900001111") == "138****5678、159****1111"
