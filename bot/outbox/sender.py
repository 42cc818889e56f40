"""Sending the outbox: claims with a lease and a token, each outcome recorded as it comes.

See :class:`OutboxSender` for what WeChat's answers mean and why a push is sent once.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.metrics import Metrics
from bot.outbox.queue import CUSTOMER_SERVICE, TEMPLATE, TEMPLATE_DATA, template_payload
from bot.privacy import scrub_secrets
from bot.script import to_traditional
from bot.settings import OutboxSettings
from bot.wechat_api import WeChatError
from models import OutboxMessage, WechatAccount

log = logging.getLogger(__name__)

BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_CAP = timedelta(hours=1)
SEND_TIMEOUT_SECONDS = 10.0  # the WeChat client's timeout: the longest one send can take
LEASE_MARGIN_SECONDS = 5.0  # a lease is extended while this much more than one send is left of it
MAX_BATCHES_PER_RUN = 1000  # a run ends even if rows keep falling due (a template fallback is due at once)

# What WeChat's answers mean for a push (the token errors 40001/40014/42001 are retried once with a
# fresh token inside the API client; if they persist they back off like any other error).
OUTSIDE_WINDOW = frozenset({45015, 45047})  # 48-hour window passed; customer-service quota used up
NOT_FOLLOWING, REFUSED = 43004, 43101  # the owner unfollowed; the owner refuses messages

Deliver = Callable[[OutboxMessage], Awaitable[None]]


class Undeliverable(Exception):
    """The push can never go out (the owner unsubscribed or refuses pushes): dead at once, no retry."""


@dataclass
class SendSummary:
    sent: int = 0
    retried: int = 0
    failed: int = 0

    def add(self, other: SendSummary) -> None:
        self.sent += other.sent
        self.retried += other.retried
        self.failed += other.failed


class RateLimiter:
    """At most ``per_second`` sends a second on average (0: unlimited).

    Starts are spaced evenly; time lost between batches (claiming, recording) may be made up
    by a burst of at most one second's worth, so the long-run rate stays at the limit.
    """

    BURST_SECONDS = 1.0

    def __init__(self, per_second: float) -> None:
        self._interval = 1 / per_second if per_second > 0 else 0.0
        self._next: float | None = None
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        if not self._interval:
            return
        async with self._lock:
            now = asyncio.get_running_loop().time()
            if self._next is None:
                self._next = now
            self._next = max(self._next, now - self.BURST_SECONDS)
            if self._next > now:
                await asyncio.sleep(self._next - now)
            self._next += self._interval


class OutboxSender:
    """Claims due pushes, hands each to ``deliver`` and records each outcome as soon as it is known.

    WeChat's answers: 45015/45047 (outside the 48-hour window, or the customer-service quota
    used up) → the template configured for the push's kind, at once, or, with none configured,
    ``held`` until the owner writes again (which reopens the window); 43004/43101 → dead and the
    account marked; 45009, HTTP 5xx and network errors → exponential backoff with jitter; after
    ``max_attempts`` → dead with the reason.

    A claim holds a lease and a token. Outcomes are written as they come (a write coalesces those
    that finished meanwhile), on condition that the row still carries this claim's token, and the
    lease of the rows not yet sent is extended before it could run out; so only the sends actually
    in flight when a process dies can be repeated by the next one. A send that WeChat accepts after
    the client has given up waiting is also repeated: delivery is at least once at that edge.
    """

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], clock: Clock, deliver: Deliver, settings: OutboxSettings,
        *, templates: dict[str, str] | None = None, send_timeout_seconds: float = SEND_TIMEOUT_SECONDS,
        metrics: Metrics | None = None,
    ) -> None:
        self._sessions = sessions
        self._metrics = metrics or Metrics()
        self._clock = clock
        self._deliver = deliver
        self._settings = settings
        self._templates = templates or {}
        self._rate = RateLimiter(settings.rate_per_second)
        self._send_timeout = send_timeout_seconds
        # Told which accounts to forget (marked, or with a push held for them): the inbox rewrites them next time.
        self.on_account_marked: Callable[[str], None] | None = None

    async def run_once(self, batch: int = 100) -> SendSummary:
        """Send everything due now, batch by batch."""
        summary = SendSummary()
        for _ in range(MAX_BATCHES_PER_RUN):
            claim = await self._claim(batch)
            if claim is None:
                return summary
            summary.add(await self._send_claimed(claim))
        return summary

    async def _send_claimed(self, claim: _Claim) -> SendSummary:
        claimed = claim.rows
        unreachable, traditional = await self._accounts({row.recipient for row in claimed
                                                         if row.channel in (CUSTOMER_SERVICE, TEMPLATE)})
        converted = set()
        for row in claimed:
            if row.recipient in traditional and row.channel == CUSTOMER_SERVICE:
                row.payload = {**row.payload, "text": to_traditional(row.payload.get("text", ""))}
                converted.add(row.id)
        limit = asyncio.Semaphore(self._settings.concurrency)
        writer = _OutcomeWriter(self._record, claim.token)

        async def send(row: OutboxMessage) -> None:
            if row.recipient in unreachable and row.channel in (CUSTOMER_SERVICE, TEMPLATE):
                writer.add(_Outcome(row, {"status": "dead", "last_error": unreachable[row.recipient]}))
                self._metrics.push_failures.labels("dead").inc()
                return
            async with limit:
                await self._rate.wait()
                if not await self._keep_lease(claim, row):
                    return  # the lease ran out and another sender has the row now
                outcome = await self._send(row)
            if row.id in converted:
                outcome.values["payload"] = row.payload  # what was sent is what the record shows
            writer.add(outcome)

        try:
            await asyncio.gather(*(send(row) for row in claimed))
        finally:
            await writer.close()
        return writer.summary

    async def _claim(self, batch: int) -> _Claim | None:
        now = self._clock.now()
        due = (
            select(OutboxMessage.id)
            .where(or_(
                and_(OutboxMessage.status == "pending", OutboxMessage.due_at <= now),
                and_(OutboxMessage.status == "sending", OutboxMessage.lease_until < now),
            ))
            .order_by(OutboxMessage.due_at)
            .limit(batch)
            .with_for_update(skip_locked=True)
        )
        token = uuid.uuid4().hex
        claim = (
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(due.scalar_subquery()))
            .values(status="sending", lease_until=now + self._lease, claim_token=token,
                    attempts=OutboxMessage.attempts + 1)
            .returning(OutboxMessage)
            .execution_options(synchronize_session=False)
        )
        async with self._sessions.begin() as session:
            rows = list((await session.scalars(claim)).all())
        if not rows:
            return None
        return _Claim(token, rows, expires=time.monotonic() + self._lease.total_seconds(), unsent={r.id for r in rows})

    @property
    def _lease(self) -> timedelta:
        return timedelta(seconds=self._settings.lease_seconds)

    async def _keep_lease(self, claim: _Claim, row: OutboxMessage) -> bool:
        """Whether ``row`` is still this claim's to send; extends the lease of the unsent rows when
        what is left of it would not cover one more send."""
        async with claim.lock:
            if time.monotonic() + self._send_timeout + LEASE_MARGIN_SECONDS > claim.expires:
                now = self._clock.now()
                async with self._sessions.begin() as session:
                    kept = (await session.scalars(
                        update(OutboxMessage)
                        .where(OutboxMessage.id.in_(claim.unsent), OutboxMessage.claim_token == claim.token,
                               OutboxMessage.status == "sending")
                        .values(lease_until=now + self._lease)
                        .returning(OutboxMessage.id)
                        .execution_options(synchronize_session=False))).all()
                claim.unsent = set(kept)
                claim.expires = time.monotonic() + self._lease.total_seconds()
            if row.id not in claim.unsent:
                return False
            claim.unsent.discard(row.id)
            return True

    async def _accounts(self, openids: set[str]) -> tuple[dict[str, str], set[str]]:
        """Recipients nobody may message any more (unsubscribed 取消关注, or refusing 43101) with the
        reason, and those who write in traditional characters (their pushes are converted)."""
        if not openids:
            return {}, set()
        async with self._sessions() as session:
            rows = (await session.execute(
                select(WechatAccount.openid, WechatAccount.subscribed, WechatAccount.refused_at,
                       WechatAccount.prefers_traditional)
                .where(WechatAccount.openid.in_(openids),
                       or_(WechatAccount.subscribed.is_(False), WechatAccount.refused_at.is_not(None),
                           WechatAccount.prefers_traditional.is_(True))))).all()
        unreachable = {
            openid: "the owner refuses messages (43101)" if refused else "the owner has unsubscribed (取消关注)"
            for openid, subscribed, refused, _traditional in rows if refused is not None or not subscribed
        }
        return unreachable, {openid for openid, *_rest, traditional in rows if traditional}

    async def _send(self, row: OutboxMessage) -> _Outcome:
        outcome = await self._attempt(row)
        status = outcome.values["status"]
        if status != "sent":
            retried = "fallback" if outcome.values.get("channel") == TEMPLATE else "retry"
            self._metrics.push_failures.labels(retried if status == "pending" else status).inc()
        return outcome

    async def _attempt(self, row: OutboxMessage) -> _Outcome:
        try:
            await self._deliver(row)
        except Undeliverable as error:
            return _Outcome(row, {"status": "dead", "last_error": scrub_secrets(str(error))})
        except WeChatError as error:
            return self._failure(row, error)
        except Exception as error:  # a bug in delivery must not strand the row in "sending"
            log.exception("delivering outbox row %s failed", row.id)
            return self._failure(row, WeChatError(None, type(error).__name__))
        return _Outcome(row, {"status": "sent", "sent_at": self._clock.now(), "last_error": None})

    def _failure(self, row: OutboxMessage, error: WeChatError) -> _Outcome:
        reason = scrub_secrets(str(error))[:500]
        if error.errcode in OUTSIDE_WINDOW and row.channel == CUSTOMER_SERVICE:
            template_id = self._templates.get(row.kind)
            if template_id is None:
                return _Outcome(row, {"status": "held", "last_error": f"{reason}; no template for {row.kind!r}: "
                                                                      "held until the owner writes again"})
            return _Outcome(row, {"status": "pending", "channel": TEMPLATE, "due_at": self._clock.now(),
                                  "payload": template_payload(template_id, row.payload.get("text", ""),
                                                              row.payload.get(TEMPLATE_DATA)),
                                  "last_error": f"{reason}; falling back to template"})
        if error.errcode in (NOT_FOLLOWING, REFUSED):
            return _Outcome(row, {"status": "dead", "last_error": reason}, mark_account=error.errcode)
        if row.attempts >= self._settings.max_attempts:
            return _Outcome(row, {"status": "dead", "last_error": f"after {row.attempts} attempts: {reason}"})
        delay = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** (row.attempts - 1))
        delay *= random.uniform(0.5, 1.0)  # jitter, so a WeChat outage does not end in a stampede
        return _Outcome(row, {"status": "pending", "due_at": self._clock.now() + delay, "last_error": reason})

    async def _record(self, outcomes: list[_Outcome], token: str) -> None:
        now = self._clock.now()
        async with self._sessions.begin() as session:
            for outcome in outcomes:
                await session.execute(
                    update(OutboxMessage)
                    .where(OutboxMessage.id == outcome.row.id, OutboxMessage.claim_token == token,
                           OutboxMessage.status == "sending")
                    .values(lease_until=None, claim_token=None, **outcome.values)
                )
                if outcome.mark_account == NOT_FOLLOWING:
                    await session.execute(update(WechatAccount).where(WechatAccount.openid == outcome.row.recipient)
                                          .values(subscribed=False, unsubscribed_at=now))
                elif outcome.mark_account == REFUSED:
                    await session.execute(update(WechatAccount).where(WechatAccount.openid == outcome.row.recipient)
                                          .values(refused_at=now))
        if self.on_account_marked is not None:
            for outcome in outcomes:
                # A held push waits for the owner's next message (release_held runs with the account's write):
                # the inbox must not skip that write because it wrote the account a minute ago.
                if outcome.mark_account is not None or outcome.values.get("status") == "held":
                    self.on_account_marked(outcome.row.recipient)


async def release_held(session: AsyncSession, openid: str, now: datetime) -> None:
    """The owner wrote: their 48-hour window is open again, so pushes held for it are due now."""
    await session.execute(RELEASE_HELD, {"owner_openid": openid, "now": now})


# Built once: it runs at every message on PostgreSQL (bot.gateway.inbox).
RELEASE_HELD = (
    update(OutboxMessage)
    .where(OutboxMessage.recipient == bindparam("owner_openid"), OutboxMessage.status == "held")
    .values(status="pending", due_at=bindparam("now"))
)


@dataclass
class _Claim:
    token: str
    rows: list[OutboxMessage]
    expires: float  # monotonic time when the lease runs out
    unsent: set[int]
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class _OutcomeWriter:
    """Writes outcomes as they arrive: one write at a time, each taking all that finished meanwhile."""

    WRITE_ATTEMPTS = 3

    def __init__(self, record: Callable[[list[_Outcome], str], Awaitable[None]], token: str) -> None:
        self._record = record
        self._token = token
        self._pending: list[_Outcome] = []
        self._task: asyncio.Task[None] | None = None
        self.summary = SendSummary()

    def add(self, outcome: _Outcome) -> None:
        self._pending.append(outcome)
        self.summary.add(outcome.summary)
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._drain())

    async def _drain(self) -> None:
        while self._pending:
            batch, self._pending = self._pending, []
            for attempt in range(self.WRITE_ATTEMPTS):
                try:
                    await self._record(batch, self._token)
                    break
                except Exception:
                    if attempt == self.WRITE_ATTEMPTS - 1:
                        # The rows stay "sending" and are taken again when the lease runs out.
                        log.exception("recording %d outbox outcomes failed", len(batch))
                    else:
                        await asyncio.sleep(0.2 * (attempt + 1))

    async def close(self) -> None:
        """Wait for the last write (it goes on even if the caller is cancelled, as at shutdown)."""
        while self._task is not None and not self._task.done():
            await asyncio.shield(self._task)


@dataclass
class _Outcome:
    row: OutboxMessage
    values: dict[str, Any]
    mark_account: int | None = None

    @property
    def summary(self) -> SendSummary:
        status = self.values["status"]
        if status == "sent":
            return SendSummary(sent=1)
        if status == "dead":
            return SendSummary(failed=1)
        return SendSummary(retried=1)
