"""Pushes through the outbox: delivered to the fake WeChat API, or kept in sandbox mode."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.app import OUTBOX, SENDER, SESSIONS
from bot.clock import FrozenClock
from models import OutboxMessage
from tests.support.understanding import gateway_dispatcher
from tests.support.wechat import event_xml

OPENID = "o-owner-2"
NOON = datetime(2026, 11, 23, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai


async def enqueue(service, key: str, text: str, **kwargs) -> None:  # type: ignore[no-untyped-def]
    async with service.app[SESSIONS].begin() as session:
        await service.app[OUTBOX].enqueue(session, key=key, recipient=OPENID, text=text, **kwargs)


async def rows(service) -> list[OutboxMessage]:  # type: ignore[no-untyped-def]
    async with service.app[SESSIONS]() as session:
        return list((await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all())


async def live_service(make_settings, start_service, fake_wechat, clock):  # type: ignore[no-untyped-def]
    fake, base = fake_wechat
    settings = make_settings(WECHAT_TOKEN="t", WECHAT_APPID=fake.appid, WECHAT_SECRET=fake.secret, WECHAT_API_BASE=base)
    return fake, await start_service(settings, clock=clock, dispatcher_factory=gateway_dispatcher, run_sender=False)


async def test_enqueue_is_idempotent_and_delivery_goes_to_wechat(make_settings, start_service, fake_wechat) -> None:  # type: ignore[no-untyped-def]
    clock = FrozenClock(NOON)
    fake, service = await live_service(make_settings, start_service, fake_wechat, clock)
    await enqueue(service, "k1", "您的报修已受理")
    await enqueue(service, "k1", "您的报修已受理")
    summary = await service.app[SENDER].run_once()
    assert (summary.sent, summary.retried, summary.failed) == (1, 0, 0)
    assert [body["text"]["content"] for body in fake.sent()] == ["您的报修已受理"]
    assert (await service.app[SENDER].run_once()).sent == 0  # nothing is sent twice
    [row] = await rows(service)
    assert row.status == "sent" and row.sent_at == NOON


async def test_quiet_hours_hold_non_urgent_pushes_until_eight(make_settings, start_service, fake_wechat) -> None:  # type: ignore[no-untyped-def]
    night = datetime(2026, 11, 23, 22, 30, tzinfo=UTC).astimezone(UTC) - timedelta(hours=8)  # 22:30 Shanghai
    clock = FrozenClock(night)
    fake, service = await live_service(make_settings, start_service, fake_wechat, clock)
    await enqueue(service, "notice", "本周六停水通知")
    await enqueue(service, "alarm", "电梯困人", urgent=True)
    assert (await service.app[SENDER].run_once()).sent == 1
    assert [body["text"]["content"] for body in fake.sent()] == ["电梯困人"]
    clock.set(datetime(2026, 11, 24, 0, 0, tzinfo=UTC))  # 08:00 Shanghai
    assert (await service.app[SENDER].run_once()).sent == 1


async def test_errors_back_off_and_unsubscribed_owners_get_nothing(make_settings, start_service, fake_wechat) -> None:  # type: ignore[no-untyped-def]
    clock = FrozenClock(NOON)
    fake, service = await live_service(make_settings, start_service, fake_wechat, clock)
    fake.fail_next("message/custom/send", http_status=503)
    await enqueue(service, "k2", "维修师傅已出发", urgent=True)
    assert (await service.app[SENDER].run_once()).retried == 1
    [row] = await rows(service)
    assert row.status == "pending" and row.due_at > NOON and "503" in row.last_error
    clock.travel(timedelta(minutes=5))
    assert (await service.app[SENDER].run_once()).sent == 1

    await service.wechat.post(event_xml(OPENID, "unsubscribe", created=1_700_000_000))
    await enqueue(service, "k3", "回访问卷", urgent=True)
    assert (await service.app[SENDER].run_once()).failed == 1
    assert (await rows(service))[-1].status == "dead"
    assert len(fake.sent()) == 1


async def test_a_row_stranded_in_sending_is_taken_again_after_the_lease(  # type: ignore[no-untyped-def]
        make_settings, start_service, fake_wechat) -> None:
    clock = FrozenClock(NOON)
    fake, service = await live_service(make_settings, start_service, fake_wechat, clock)
    await enqueue(service, "k4", "您好", urgent=True)
    async with service.app[SESSIONS].begin() as session:  # as if a sender crashed mid-send
        row = (await session.scalars(select(OutboxMessage))).one()
        row.status, row.lease_until = "sending", NOON + timedelta(seconds=60)
    assert (await service.app[SENDER].run_once()).sent == 0
    clock.travel(timedelta(seconds=61))
    assert (await service.app[SENDER].run_once()).sent == 1
    assert len(fake.sent()) == 1


async def test_sandbox_keeps_pushes_for_the_chat(make_settings, start_service) -> None:  # type: ignore[no-untyped-def]
    service = await start_service(make_settings(), dispatcher_factory=gateway_dispatcher, run_sender=False)
    await enqueue(service, "k5", "沙盒推送", urgent=True)
    assert (await service.app[SENDER].run_once()).sent == 1
    async with service.http.get(service.url + "/sandbox/outbox", params={"openid": OPENID}) as response:
        pushes = (await response.json())["pushes"]
    assert [push["text"] for push in pushes] == ["沙盒推送"]
    async with service.http.get(service.url + "/sandbox/outbox", params={"openid": OPENID, "after": "x"}) as response:
        assert response.status == 400
