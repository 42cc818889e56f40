"""Two instances on one PostgreSQL database, in one process: what one writes, the other acts on.

(The same with two ``wuyebot serve`` processes behind a proxy is tests/production.) Each test
starts two applications on the same database; neither tells the other anything.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from bot.clock import FrozenClock
from bot.dialogue.conversation import ConversationStore
from bot.keys import OUTBOX, SESSIONS
from models import OutboxMessage
from tests.support.chat import Chat
from tests.support.estate import seed_estate

MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


async def _two(make_settings, start_service, database_kind: str) -> tuple[Chat, Chat]:  # type: ignore[no-untyped-def]
    if database_kind != "postgresql":
        pytest.skip("several instances need PostgreSQL (SQLite is one process: the serve lock)")
    clock = FrozenClock(MONDAY_10)
    first = await start_service(make_settings(), clock=clock, run_sender=False)
    async with first.app[SESSIONS].begin() as session:
        people = await seed_estate(session)
    second = await start_service(make_settings(), clock=clock, run_sender=False)
    return Chat(service=first, clock=clock, people=people), Chat(service=second, clock=clock, people=people)


async def test_the_script_an_owner_writes_in_follows_them_to_the_other_instance(  # type: ignore[no-untyped-def]
        make_settings, start_service, database_kind: str) -> None:
    a, b = await _two(make_settings, start_service, database_kind)
    await a.bind("owner-chan", "3-2-501", "13800000001")
    assert "电话" in await b.person("owner-chan").says("请问物业电话是多少")  # simplified, on B
    asked = await a.person("owner-chan").says("廚房水管漏水了")  # traditional, on A
    assert "時間" in asked, asked
    card = await b.person("owner-chan").says("明天15:00")  # shows no script: B must know it from A's write
    assert "請確認" in card, card


async def test_a_push_held_by_one_instance_is_released_when_the_owner_writes_to_the_other(  # type: ignore[no-untyped-def]
        make_settings, start_service, database_kind: str) -> None:
    a, _b = await _two(make_settings, start_service, database_kind)
    owner = a.person("owner-held")
    await owner.says("你好")  # A writes the account row now
    async with a.sessions.begin() as session:
        await a.service.app[OUTBOX].enqueue(session, key="held:1", recipient="owner-held", text="您的工单已完成",
                                            urgent=True)
        # B's sender met 45015 (outside the 48-hour window, no template) and held the push.
        await session.execute(update(OutboxMessage).where(OutboxMessage.idempotency_key == "held:1")
                              .values(status="held"))
    a.clock.travel(timedelta(minutes=1))  # within A's five minutes of not rewriting the account
    await owner.says("在吗")
    async with a.sessions() as session:
        status = await session.scalar(select(OutboxMessage.status).where(OutboxMessage.idempotency_key == "held:1"))
    assert status == "pending"  # released: the owner's message reopened the window


async def test_each_transaction_takes_the_owner_lock_again(  # type: ignore[no-untyped-def]
        make_settings, start_service, database_kind: str) -> None:
    """The store skips the lock statement when the transaction holds the lock already; a later
    transaction of the same session holds nothing and must take it again."""
    a, _b = await _two(make_settings, start_service, database_kind)
    store = ConversationStore(idle_timeout_minutes=30)

    async def load_in(session) -> None:  # type: ignore[no-untyped-def]
        async with session.begin():
            await store.load(session, "owner-lock", MONDAY_10)

    async with a.sessions() as first, a.sessions() as second:
        for _ in range(2):  # in the second round each session's earlier lock went with its transaction
            async with first.begin():
                await store.lock(first, "owner-lock")
                await store.lock(first, "owner-lock")
                waiting = asyncio.create_task(load_in(second))
                await asyncio.sleep(0.3)
                assert not waiting.done()  # the other session waits for this transaction to end
            await asyncio.wait_for(waiting, 5)
