"""The daily pruning job: records that serve a moment do not pile up for ever.

What goes, and why it is safe (numbers from ``retention`` in config.yaml):

- dedupe records (``processed_messages``) older than ``processed_messages_days``: WeChat retries a
  message within seconds and the replay window is minutes; staff see the last few messages of an
  owner who asks for a person, which are recent by nature. Reports never read them.
- nonces past their replay window.
- pushes that were sent or are dead, older than ``finished_pushes_days``; pushes held for an owner
  who has not written again within ``HELD_PUSH_DAYS`` become dead (they would be stale by then).
- accounts bound to nothing, not staff, with nothing waiting to be sent to them and silent for
  ``idle_accounts_days`` (a flood of made-up openids leaves exactly such rows), with their
  conversation state; binding attempts older than a month (they only count today's failures).

Tickets, bills, bindings, visits and events are records of the service and are kept.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.gateway.replay import forget_old_nonces
from bot.settings import RetentionSettings
from models import BindingAttempt, ConversationState, HomeBinding, OutboxMessage, ProcessedMessage, Staff, WechatAccount

HELD_PUSH_DAYS = 7
BINDING_ATTEMPT_DAYS = 31


async def prune(session: AsyncSession, now: datetime, retention: RetentionSettings) -> str:
    messages = await _delete(session, delete(ProcessedMessage).where(
        ProcessedMessage.received_at < now - timedelta(days=retention.processed_messages_days)))
    nonces = await forget_old_nonces(session, now)
    expired = (await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == "held", OutboxMessage.created_at < now - timedelta(days=HELD_PUSH_DAYS))
        .values(status="dead", last_error=f"the owner did not write again within {HELD_PUSH_DAYS} days")))
    pushes = await _delete(session, delete(OutboxMessage).where(
        OutboxMessage.status.in_(("sent", "dead")),
        OutboxMessage.created_at < now - timedelta(days=retention.finished_pushes_days)))
    attempts = await _delete(session, delete(BindingAttempt).where(
        BindingAttempt.at < now - timedelta(days=BINDING_ATTEMPT_DAYS)))
    idle = select(WechatAccount.openid).where(
        or_(WechatAccount.last_inbound_at < now - timedelta(days=retention.idle_accounts_days),
            and_(WechatAccount.last_inbound_at.is_(None),
                 or_(WechatAccount.subscribed_at.is_(None),
                     WechatAccount.subscribed_at < now - timedelta(days=retention.idle_accounts_days)))),
        WechatAccount.openid.not_in(select(HomeBinding.openid)),
        WechatAccount.openid.not_in(select(Staff.openid).where(Staff.openid.is_not(None))),
        WechatAccount.openid.not_in(select(OutboxMessage.recipient).where(
            OutboxMessage.status.in_(("pending", "sending", "held")))),
    )
    idle_openids = list((await session.scalars(idle.limit(50_000))).all())
    for start in range(0, len(idle_openids), 500):
        chunk = idle_openids[start:start + 500]
        await session.execute(delete(ConversationState).where(ConversationState.openid.in_(chunk)))
        await session.execute(delete(WechatAccount).where(WechatAccount.openid.in_(chunk)))
    return (f"pruned {messages} dedupe records, {nonces} nonces, {pushes} finished pushes "
            f"({int(expired.rowcount or 0)} held pushes expired), "  # type: ignore[attr-defined]
            f"{attempts} binding attempts, {len(idle_openids)} idle accounts")


async def _delete(session: AsyncSession, statement: object) -> int:
    result = await session.execute(statement)  # type: ignore[call-overload]
    return int(result.rowcount or 0)
