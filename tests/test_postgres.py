"""The same code on PostgreSQL: migrations, the webhook, dedupe, ticket numbers and outbox claims."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy import func, select

from bot.clock import FrozenClock
from bot.keys import OUTBOX, SENDER, SERVICES, SESSIONS
from handlers.domain.tickets import NewTicket
from models import OutboxMessage, ProcessedMessage
from tests.support.estate import seed_estate
from tests.support.understanding import gateway_dispatcher

NOON = datetime(2026, 11, 23, 4, 0, tzinfo=UTC)


async def test_webhook_dedupe_tickets_and_outbox_on_postgres(make_settings, start_service, postgres_url) -> None:  # type: ignore[no-untyped-def]
    clock = FrozenClock(NOON)
    service = await start_service(make_settings(WUYEBOT_DATABASE_URL=postgres_url), clock=clock,
                                  dispatcher_factory=gateway_dispatcher, run_sender=False)
    answers = await asyncio.gather(*(service.wechat.say("o-pg", "你好", msg_id=900) for _ in range(3)))
    assert all("阳光花园" in answer.content for answer in answers)
    sessions = service.app[SESSIONS]
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(ProcessedMessage)) == 1

    async with sessions.begin() as session:
        people = await seed_estate(session)

    async def open_one() -> str:
        async with sessions.begin() as session:
            new = NewTicket(kind="repair", description="漏水", openid="o-pg", home_id=people["home"].id,
                            category="渗漏水")
            opened = await service.app[SERVICES].intake.open(session, new, clock.now(), by="owner", summary="漏水")
            return opened.ticket.number

    numbers = await asyncio.gather(*(open_one() for _ in range(5)))
    assert sorted(numbers) == [f"R20261123{n:03d}" for n in range(1, 6)]

    async with sessions.begin() as session:
        for index in range(20):
            await service.app[OUTBOX].enqueue(session, key=f"pg-{index}", recipient="o-pg", text=f"第{index}条",
                                              urgent=True)
    results = await asyncio.gather(service.app[SENDER].run_once(batch=5), service.app[SENDER].run_once(batch=5))
    assert sum(result.sent for result in results) == await _count_sent(sessions)


async def _count_sent(sessions) -> int:  # type: ignore[no-untyped-def]
    async with sessions() as session:
        return await session.scalar(select(func.count()).select_from(OutboxMessage)
                                    .where(OutboxMessage.status == "sent"))
