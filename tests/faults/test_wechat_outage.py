"""The WeChat API down for 10 minutes while pushes wait (issue 19's fault; figures in docs/operations.md).

Pushes queued before and during the outage are tried with a growing back-off (not hammered), none
is given up, and after WeChat returns every one is delivered exactly once. The clock is injected
and the sender driven step by step, so ten minutes take a second.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.clock import FrozenClock
from bot.keys import OUTBOX, SENDER, SESSIONS
from models import OutboxMessage, WechatAccount

TZ = ZoneInfo("Asia/Shanghai")
MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=TZ)
OWNERS = 20
OUTAGE = timedelta(minutes=10)
STEP = timedelta(seconds=5)


async def test_ten_minutes_without_wechat(make_settings, start_service, fake_wechat) -> None:  # type: ignore[no-untyped-def]
    fake, base = fake_wechat
    settings = make_settings(WECHAT_TOKEN="t", WECHAT_APPID=fake.appid, WECHAT_SECRET=fake.secret,
                             WECHAT_API_BASE=base)
    clock = FrozenClock(MONDAY_10)
    service = await start_service(settings, clock=clock, run_sender=False, run_scheduler=False)
    sessions, outbox, sender = service.app[SESSIONS], service.app[OUTBOX], service.app[SENDER]
    owners = [f"owner-{number:02d}" for number in range(OWNERS)]
    async with sessions.begin() as session:
        for openid in owners:
            session.add(WechatAccount(openid=openid, subscribed=True, last_inbound_at=clock.now()))

    async def enqueue(label: str, recipients: list[str]) -> None:
        async with sessions.begin() as session:
            for openid in recipients:
                await outbox.enqueue(session, key=f"{label}:{openid}", recipient=openid,
                                     text=f"{label}：您的工单已受理", urgent=True)

    await enqueue("before", owners[:10])
    fake.down = True
    outage_ends = clock.now() + OUTAGE
    while clock.now() < outage_ends:
        await sender.run_once()
        if clock.now() - MONDAY_10 == timedelta(minutes=3):
            await enqueue("during", owners[10:])
        clock.travel(STEP)
    assert not fake.sent()
    async with sessions() as session:
        rows = (await session.execute(select(OutboxMessage.recipient, OutboxMessage.status, OutboxMessage.attempts)
                                      )).all()
    assert {status for _openid, status, _attempts in rows} == {"pending"}  # nothing given up
    tried = {openid: attempts for openid, _status, attempts in rows}
    calls_during = len(fake.calls)

    fake.down = False
    restored, delivered_at = clock.now(), None
    while clock.now() - restored < timedelta(hours=1):
        await sender.run_once()
        if len(fake.sent()) >= OWNERS:
            delivered_at = clock.now()
            break
        clock.travel(STEP)
    for _ in range(30):  # and nothing more comes later
        clock.travel(timedelta(minutes=1))
        await sender.run_once()
    texts = [(body["touser"], body["text"]["content"]) for body in fake.sent()]
    assert sorted(texts) == sorted([(openid, "before：您的工单已受理") for openid in owners[:10]]
                                   + [(openid, "during：您的工单已受理") for openid in owners[10:]])
    assert delivered_at is not None
    most = max(tried.values())
    assert most <= 6, tried  # backed off: about five tries in ten minutes, not one every few seconds
    print(f"\nWeChat down {OUTAGE}: {sum(tried.values())} attempts for {OWNERS} pushes (at most {most} each, "
          f"{calls_during} HTTP calls in all); "
          f"all delivered once, the last {delivered_at - restored} after WeChat returned")
