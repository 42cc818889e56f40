"""The outbox against WeChat's error codes, return visits, fee reminders, the ladder, run-due."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.clock import FrozenClock
from bot.keys import JOBS, OUTBOX, SENDER, SERVICES, SESSIONS
from handlers.domain.fee_reminders import dunning_flags
from handlers.domain.tickets import NewTicket
from models import Bill, Home, HomeBinding, OutboxMessage, Resident, ReturnVisit, WechatAccount
from tests.conftest import REPO
from tests.support.estate import seed_estate
from tests.support.understanding import gateway_dispatcher

TZ = ZoneInfo("Asia/Shanghai")
MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=TZ)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(MONDAY_10)


@pytest.fixture
async def live(make_settings, start_service, fake_wechat, clock):  # type: ignore[no-untyped-def]
    fake, base = fake_wechat
    settings = make_settings(WECHAT_TOKEN="t", WECHAT_APPID=fake.appid, WECHAT_SECRET=fake.secret, WECHAT_API_BASE=base)
    settings = settings.model_copy(update={"notifications": settings.notifications.model_copy(
        update={"templates": {"return_visit": "TPL-VISIT"}})})
    service = await start_service(settings, clock=clock, dispatcher_factory=gateway_dispatcher, run_sender=False)
    async with service.app[SESSIONS].begin() as session:
        service.people = await seed_estate(session)  # type: ignore[attr-defined]
    return fake, service


async def push(service, key: str, text: str, *, kind: str = "return_visit", recipient: str = "o-1") -> None:  # type: ignore[no-untyped-def]
    async with service.app[SESSIONS].begin() as session:
        await service.app[OUTBOX].enqueue(session, key=key, recipient=recipient, text=text, kind=kind, urgent=True)


async def row(service, key: str) -> OutboxMessage:  # type: ignore[no-untyped-def]
    async with service.app[SESSIONS]() as session:
        return await session.scalar(select(OutboxMessage).where(OutboxMessage.idempotency_key == key))


class TestWeChatErrorCodes:
    @pytest.mark.parametrize("errcode", [45015, 45047])
    async def test_outside_the_window_falls_back_to_the_template(self, live, errcode) -> None:  # type: ignore[no-untyped-def]
        fake, service = live
        fake.fail_next("message/custom/send", errcode)
        await push(service, "k",
                   "您好，您的工单 R20261123001 已处理完成\n请为本次服务打分：回复1-5分，5分最满意，谢谢您的支持")
        await service.app[SENDER].run_once()
        [template] = fake.sent("message/template/send")
        assert template["template_id"] == "TPL-VISIT"
        values = [field["value"] for field in template["data"].values()]
        assert all(len(value) <= 20 and "\n" not in value for value in values)
        assert (await row(service, "k")).status == "sent"

    async def test_no_template_configured_is_held_for_the_owner(self, live) -> None:  # type: ignore[no-untyped-def]
        fake, service = live
        fake.fail_next("message/custom/send", 45015)
        await push(service, "k", "您好", kind="ticket_update")
        assert (await service.app[SENDER].run_once()).retried == 1
        held = await row(service, "k")
        assert held.status == "held" and "no template" in held.last_error

    @pytest.mark.parametrize(("errcode", "field"), [(43004, "unsubscribed_at"), (43101, "refused_at")])
    async def test_not_following_or_refusing_is_dead_and_marked(self, live, errcode, field) -> None:  # type: ignore[no-untyped-def]
        fake, service = live
        async with service.app[SESSIONS].begin() as session:
            session.add(WechatAccount(openid="o-1", subscribed=True))
        fake.fail_next("message/custom/send", errcode)
        await push(service, "k", "您好")
        assert (await service.app[SENDER].run_once()).failed == 1
        assert (await row(service, "k")).status == "dead"
        async with service.app[SESSIONS]() as session:
            assert getattr(await session.get(WechatAccount, "o-1"), field) is not None
        await push(service, "k2", "再次推送")
        await service.app[SENDER].run_once()
        assert (await row(service, "k2")).status == "dead"  # nobody is messaged after it
        assert len(fake.calls_to("message/custom/send")) == 1

    @pytest.mark.parametrize("failure", [{"errcode": 45009}, {"http_status": 500}, {"http_status": 503}])
    async def test_rate_and_server_errors_back_off_with_jitter(self, live, clock, failure) -> None:  # type: ignore[no-untyped-def]
        fake, service = live
        fake.fail_next("message/custom/send", **failure)
        await push(service, "k", "您好")
        assert (await service.app[SENDER].run_once()).retried == 1
        first = await row(service, "k")
        assert first.status == "pending"
        assert clock.now() + timedelta(seconds=14) <= first.due_at <= clock.now() + timedelta(seconds=31)
        assert (await service.app[SENDER].run_once()).sent == 0  # not yet due
        clock.travel(timedelta(seconds=31))
        assert (await service.app[SENDER].run_once()).sent == 1

    async def test_token_error_is_refreshed_once(self, live) -> None:  # type: ignore[no-untyped-def]
        fake, service = live
        await push(service, "k1", "一")
        await service.app[SENDER].run_once()
        fake.invalidate_token()
        await push(service, "k2", "二")
        assert (await service.app[SENDER].run_once()).sent == 1
        assert len(fake.calls_to("token")) == 2

    async def test_dead_after_max_attempts(self, live, clock) -> None:  # type: ignore[no-untyped-def]
        fake, service = live
        attempts = service.settings.notifications.outbox.max_attempts
        for _ in range(attempts):
            fake.fail_next("message/custom/send", http_status=502)
        await push(service, "k", "您好")
        for _ in range(attempts):
            await service.app[SENDER].run_once()
            clock.travel(timedelta(hours=2))
        final = await row(service, "k")
        assert final.status == "dead" and f"after {attempts} attempts" in final.last_error


async def complete(service, clock, **fields) -> str:  # type: ignore[no-untyped-def]
    fields = {"kind": "repair", "description": "修理", "openid": "owner-zhang", "category": "水电",
              "home_id": service.people["home"].id, **fields}
    async with service.app[SESSIONS].begin() as session:
        services = service.app[SERVICES]
        ticket = (await services.intake.open(session, NewTicket(**fields), clock.now(), by="owner", summary="x")).ticket
        staff = service.people["wang"] if ticket.assignee_id == service.people["wang"].id else None
        actions = ("accept", "start", "complete") if fields["kind"] != "complaint" else ("accept", "complete", "close")
        for action in actions:
            await services.workflow.perform(session, ticket, action, clock.now(), actor=staff)
        return ticket.number


class TestReturnVisits:
    @pytest.mark.parametrize(("kind", "category", "days"), [
        ("repair", "渗漏水", 3), ("repair", "电梯", 2), ("repair", "燃气", 2), ("repair", "水电", 2),
        ("complaint", "噪音", 3),
    ])
    async def test_timing_by_kind_and_category(self, live, clock, kind, category, days) -> None:  # type: ignore[no-untyped-def]
        _fake, service = live
        tier = {"tier": "minor"} if kind == "complaint" else {}
        number = await complete(service, clock, kind=kind, category=category, **tier)
        async with service.app[SESSIONS]() as session:
            visit = await session.scalar(select(ReturnVisit))
        assert visit.due_at == clock.now() + timedelta(days=days)
        clock.travel(timedelta(days=days) - timedelta(minutes=1))
        await service.app[JOBS].run_due(clock.now())
        assert not any(number in text for text in await texts(service, "owner-zhang", "return_visit"))
        clock.travel(timedelta(minutes=1))
        await service.app[JOBS].run_due(clock.now())
        assert any(number in text and "1-5" in text for text in await texts(service, "owner-zhang", "return_visit"))

    async def test_one_reminder_then_a_phone_visit(self, live, clock) -> None:  # type: ignore[no-untyped-def]
        _fake, service = live
        await complete(service, clock)
        clock.travel(timedelta(days=2))
        await service.app[JOBS].run_due(clock.now())
        for _ in range(3):
            clock.travel(timedelta(days=1))
            await service.app[JOBS].run_due(clock.now())
        sent = await texts(service, "owner-zhang", "return_visit")
        assert len(sent) == 2 and "还没有评价" in sent[1]
        async with service.app[SESSIONS]() as session:
            assert (await session.scalar(select(ReturnVisit))).status == "phone"

    async def test_quiet_hours_hold_a_visit_due_at_night(self, live, clock) -> None:  # type: ignore[no-untyped-def]
        _fake, service = live
        clock.set(datetime(2026, 11, 23, 20, 30, tzinfo=TZ))
        await complete(service, clock)
        clock.travel(timedelta(days=2, hours=1))  # 21:30
        await service.app[JOBS].run_due(clock.now())
        async with service.app[SESSIONS]() as session:
            visit_push = await session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "return_visit"))
        assert visit_push.due_at == datetime(2026, 11, 26, 8, 0, tzinfo=TZ)


async def texts(service, recipient: str, kind: str) -> list[str]:  # type: ignore[no-untyped-def]
    async with service.app[SESSIONS]() as session:
        rows = await session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == recipient,
                                                                 OutboxMessage.kind == kind).order_by(OutboxMessage.id))
        return [r.payload["text"] for r in rows]


class TestFeeReminders:
    async def setup_homes(self, service) -> None:  # type: ignore[no-untyped-def]
        """501: owes, bound owner. 502: paid up. 601: owes, nobody bound. 602: owes, only a tenant bound."""
        async with service.app[SESSIONS].begin() as session:
            home, paid = service.people["home"], service.people["other"]
            unbound = Home(building_id=home.building_id, unit="2", room="601", room_key="3-2-601")
            tenant_only = Home(building_id=home.building_id, unit="2", room="602", room_key="3-2-602")
            session.add_all([unbound, tenant_only])
            await session.flush()
            tenant = Resident(home_id=tenant_only.id, name="租客", phone="13700000009", role="tenant")
            session.add(tenant)
            for openid in ("owner-zhang", "owner-li", "tenant-x"):
                session.add(WechatAccount(openid=openid, subscribed=True))
            await session.flush()
            owner_zhang = await session.scalar(select(Resident).where(Resident.phone == "13800000001"))
            owner_li = await session.scalar(select(Resident).where(Resident.phone == "13800000002"))
            session.add_all([
                HomeBinding(openid="owner-zhang", home_id=home.id, resident_id=owner_zhang.id, role="owner",
                            status="active", is_current=True, created_at=MONDAY_10),
                HomeBinding(openid="owner-li", home_id=paid.id, resident_id=owner_li.id, role="owner",
                            status="active", is_current=True, created_at=MONDAY_10),
                HomeBinding(openid="tenant-x", home_id=tenant_only.id, resident_id=tenant.id, role="tenant",
                            status="active", is_current=True, created_at=MONDAY_10),
            ])
            for target, paid_flag in ((home, False), (paid, True), (unbound, False), (tenant_only, False)):
                for period in ("2026-09", "2026-10"):
                    session.add(Bill(home_id=target.id, period=period, item="物业费", amount=Decimal("268.50"),
                                     paid=paid_flag))
                session.add(Bill(home_id=target.id, period="2026-10", item="停车费", amount=Decimal("300.00"),
                                 paid=paid_flag))
                session.add(Bill(home_id=target.id, period="2026-12", item="物业费", amount=Decimal("268.50"),
                                 paid=False))  # not yet due

    async def test_selection_and_once_a_month(self, live, clock) -> None:  # type: ignore[no-untyped-def]
        _fake, service = live
        await self.setup_homes(service)
        clock.set(datetime(2026, 12, 5, 10, 0, tzinfo=TZ))
        await service.app[JOBS].run_due(clock.now())
        [reminder] = await texts(service, "owner-zhang", "fee_reminder")
        assert "3-2-501" in reminder and "¥837.00" in reminder and "2 个月" in reminder and "2026-09" in reminder
        for other in ("owner-li", "tenant-x"):
            assert await texts(service, other, "fee_reminder") == []
        clock.travel(timedelta(hours=3))
        await service.app[JOBS].run_due(clock.now())  # a restart the same day: nothing twice
        assert len(await texts(service, "owner-zhang", "fee_reminder")) == 1
        async with service.app[SESSIONS].begin() as session:  # the owner pays
            for bill in await session.scalars(select(Bill).where(Bill.home_id == service.people["home"].id)):
                bill.paid = True
        clock.set(datetime(2027, 1, 5, 10, 0, tzinfo=TZ))
        await service.app[JOBS].run_due(clock.now())
        assert len(await texts(service, "owner-zhang", "fee_reminder")) == 1

    async def test_the_dunning_ladder_is_flagged_for_staff(self, live, clock) -> None:  # type: ignore[no-untyped-def]
        _fake, service = live
        await self.setup_homes(service)
        for month in (12, 1, 2, 3, 4):
            clock.set(datetime(2026 + (month < 12), month, 5, 10, 0, tzinfo=TZ))
            await service.app[JOBS].run_due(clock.now())
        async with service.app[SESSIONS]() as session:
            flags = {flag.room: flag for flag in await dunning_flags(session, clock.now(), service.settings)}
        assert flags["3-2-501"].level == "legal"  # owing since 2026-09: over 6 months by 2027-04
        assert flags["3-2-501"].first_reminder == "2026-12"
        assert flags["3-2-502"].oldest_period == "2026-12"  # September and October were paid
        clock.set(datetime(2027, 3, 5, 11, 0, tzinfo=TZ))
        async with service.app[SESSIONS]() as session:
            march = {flag.room: flag.level for flag in await dunning_flags(session, clock.now(), service.settings)}
        assert march["3-2-501"] == "letter"  # 3 months after the first reminder (2026-12)
        assert march["3-2-601"] == "reminder"  # never reminded (unbound): no letter yet
        staff_texts = await texts(service, "staff-zhao", "summary")
        assert any("催缴函名单" in text for text in staff_texts)
        assert not any("催缴函" in text for text in await texts(service, "owner-zhang", "fee_reminder"))


def test_run_due_cli_is_idempotent(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    from bot.cli import main

    os.environ["WUYEBOT_DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'jobs.db'}"
    os.environ["WUYEBOT_CONFIG"] = str(REPO / "config.yaml")
    try:
        assert main(["jobs", "run-due", "--now", "2026-12-05T10:30"]) == 0
        first = capsys.readouterr().out
        assert main(["jobs", "run-due", "--now", "2026-12-05T10:31"]) == 0
        second = capsys.readouterr().out
        assert main(["jobs", "run-due", "--now", "yesterday"]) == 2
    finally:
        del os.environ["WUYEBOT_DATABASE_URL"], os.environ["WUYEBOT_CONFIG"]
    assert "fee_reminders: no arrears" in first and "daily_summary" in first
    assert "fee_reminders" not in second and "sent 0, retried 0, failed 0" in second


async def test_two_sender_processes_send_each_row_once(postgres_url, fake_wechat, make_settings) -> None:  # type: ignore[no-untyped-def]
    from bot.outbox.queue import Outbox
    from bot.storage.db import create_engine, session_factory
    from models.migrate import upgrade_async

    fake, base = fake_wechat
    fake.latency = 0.002  # so that neither process is done before the other has started
    settings = make_settings(WUYEBOT_DATABASE_URL=postgres_url)
    await upgrade_async(postgres_url)
    engine = create_engine(postgres_url)
    outbox = Outbox(FrozenClock(MONDAY_10), settings.quiet_hours, TZ)
    async with session_factory(engine).begin() as session:
        await outbox.enqueue_many(session, [{"key": f"bulk-{i}", "recipient": f"o-{i % 50}", "text": f"第{i}条",
                                             "kind": "notice", "urgent": True} for i in range(2000)])
    env = {**os.environ, "WUYEBOT_DATABASE_URL": postgres_url, "WECHAT_TOKEN": "t", "WECHAT_APPID": fake.appid,
           "WECHAT_SECRET": fake.secret, "WECHAT_API_BASE": base, "WUYEBOT_CONFIG": str(REPO / "config.yaml"),
           "PYTHONPATH": str(REPO)}
    processes = [await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "jobs", "run-due", "--now", "2026-11-23T10:00", env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE) for _ in range(2)]
    outputs = [await process.communicate() for process in processes]
    assert all(process.returncode == 0 for process in processes), outputs
    sent = [body["text"]["content"] for body in fake.sent()]
    assert len(sent) == 2000 and len(set(sent)) == 2000
    counts = [int(out.decode().split("sent ")[-1].split(",")[0]) for out, _err in outputs]
    assert sum(counts) == 2000 and all(count > 0 for count in counts), counts  # both took a share
    async with session_factory(engine)() as session:
        assert await session.scalar(select(func.count()).select_from(OutboxMessage)
                                    .where(OutboxMessage.status == "sent")) == 2000
    await engine.dispose()
