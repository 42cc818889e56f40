"""Handling one inbound message exactly once, and answering within WeChat's deadline.

WeChat waits 5 s for an answer, then retries the same message up to three times. Here:

- a retry of a message being handled waits on the same run; a retry of a handled one gets the
  stored first reply (or ``success`` when that reply went out as a push); a handler never runs twice;
- the dedupe record is written in the transaction that holds the handler's effects (first on
  PostgreSQL, where it holds off another instance; last, with the reply, on the embedded SQLite);
- at the deadline (4 s) the answer is ``success`` and the reply follows through the outbox; the
  message is written down first (``models.DeferredMessage``), since WeChat will not send it again:
  if this process dies before the handler commits, any instance handles it again (``recover``);
- a reply over WeChat's 2048-byte limit goes out as its first part now, the rest as pushes;
- small talk from an owner with nothing going on is answered without a transaction (``bot.quick``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.dialogue.conversation import lock_after
from bot.dialogue.engine import DialogueEngine
from bot.dialogue.router import Reply, Turn
from bot.gateway.parts import split_utf8
from bot.gateway.quick import QuickReplies, remember
from bot.messages import TEXT, Inbound
from bot.metrics import Metrics
from bot.outbox.queue import Outbox
from bot.outbox.sender import RELEASE_HELD, release_held
from bot.script import to_traditional, written_script
from bot.storage.sqlite_driver import INLINE
from models import DeferredMessage, ProcessedMessage, WechatAccount
from models.account import CLEAR_MARKS, record_inbound

log = logging.getLogger(__name__)

ACCOUNT_WRITE_INTERVAL = timedelta(minutes=5)
# Messages the full path handled lately, so a retry of one is never answered quickly instead; at
# start-up, those of the last minutes before it (WeChat retries for about 15 s).
FINISHED_LIMIT = 50_000
RETRY_WINDOW = timedelta(minutes=2)
CLOSE_WAIT_SECONDS = 10  # at shutdown, how long messages being handled may take to finish
MEMORY_LIMIT = 100_000  # owners whose account freshness or script this process remembers
BUSY = "抱歉，系统繁忙，您这条消息没能处理，请稍后再发一次。"
EMERGENCY_PHONES_LISTED = 4  # beyond this many estates the busy reply names no number
# A message acknowledged at the deadline (see the module's docstring): its row is written in the
# last DEFER_WRITE_SECONDS before the deadline, so that ``success`` still leaves by then (a busy
# event loop adds its own delay, and WeChat gives up at 5 s); any instance handles again the rows
# older than RECOVER_AFTER that no run finished, every RECOVER_SECONDS and at start; after
# RECOVER_ATTEMPTS failed runs the owner is told to send the message again.
DEFER_WRITE_SECONDS = 0.5
RECOVER_AFTER = timedelta(seconds=5)
RECOVER_SECONDS = 10
RECOVER_ATTEMPTS = 3
RECOVER_BATCH = 100


def busy_reply(settings: Any) -> str:
    """What an owner reads when their message could not be handled (the database unavailable …).

    Nothing can be looked up then, so the emergency numbers come from the settings: the estate's,
    or each estate's when there are a few."""
    estates = settings.estate_list
    if len(estates) == 1:
        return f"{BUSY}紧急情况（漏水、停电、有人被困电梯等）请直接拨打物业电话 {estates[0].emergency_phone}。"
    if len(estates) <= EMERGENCY_PHONES_LISTED:
        numbers = "；".join(f"{estate.name} {estate.emergency_phone}" for estate in estates)
        return f"{BUSY}紧急情况请直接拨打物业电话：{numbers}。"
    return f"{BUSY}紧急情况请直接拨打您小区的物业电话。"


_RECORD = insert(ProcessedMessage)  # built once: the values are bound at each execution
_RECORD_THEN_LOCK = lock_after(insert(ProcessedMessage).values(
    {name: bindparam(f"record_{name}") for name in ("key", "openid", "received_at", "text", "reply")}))


def _record_values(inbound: Inbound, now: datetime, reply: str | None, prefix: str = "") -> dict[str, Any]:
    values = {"key": inbound.dedupe_key, "openid": inbound.openid, "received_at": now, "text": inbound.text[:500],
              "reply": reply}
    return {prefix + name: value for name, value in values.items()}


# With several instances, at each message: clears the account's marks, releases held pushes (both
# write nothing when there is nothing to do) and reads the owner's script, in one round trip.
# (Its parameters are named after no column: an UPDATE would take a same-named one as a value to set.)
_OWNER_WROTE = (select(WechatAccount.prefers_traditional).where(WechatAccount.openid == bindparam("owner_openid"))
                .add_cte(CLEAR_MARKS.cte("cleared")).add_cte(RELEASE_HELD.cte("released")))


class _AlreadyHandled(Exception):
    """The dedupe record exists: some process has handled this message."""


@dataclass
class _Run:
    """One message being handled; retries of the same message wait on it."""

    done: asyncio.Event = field(default_factory=asyncio.Event)
    answer: str | None = None  # the passive reply, None for "success"
    passive: bool | None = None  # decided once: True = reply in the HTTP answer, False = by push


class Inbox:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        engine: DialogueEngine,
        outbox: Outbox,
        clock: Clock,
        *,
        deadline_seconds: float,
        passive_max_bytes: int,
        resources: Mapping[str, Any],
        quick_replies: bool = False,
        single_writer: bool = False,
        understanding_ready: asyncio.Future[None] | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        self._sessions = sessions
        self._metrics = metrics or Metrics()
        self._engine = engine
        self._dispatcher = engine.dispatcher
        self._outbox = outbox
        self._clock = clock
        self._deadline = deadline_seconds
        self._wait = deadline_seconds - min(DEFER_WRITE_SECONDS, deadline_seconds / 4)  # then _defer
        self._passive_max_bytes = passive_max_bytes
        self._resources = dict(resources)
        self._tz = self._resources["settings"].tz
        self._busy = busy_reply(self._resources["settings"])
        self._running: dict[str, _Run] = {}
        self._account_written: dict[str, datetime] = {}
        self._script_preference: dict[str, bool] = {}  # what each account's row says, as far as we know
        self._finished: dict[str, None] = {}  # keys the full path handled (insertion-ordered, bounded)
        # With the embedded SQLite one process handles every message: what it handled lately (and, at
        # start, what the database says was handled in the retry window) is known here, and the dedupe
        # record can be the transaction's last statement. Otherwise it is the first: on PostgreSQL its
        # unique key makes another instance's run of the same message wait, then stop.
        self._single_writer = single_writer
        self._understanding_ready = understanding_ready  # the NLU's model loading; messages wait for it
        self._handling: dict[str, int] = {}  # openid → messages of theirs on the full path right now
        self._tasks: set[asyncio.Task[None]] = set()
        self._recovering: asyncio.Task[None] | None = None
        self._quick = (QuickReplies(sessions, self._dispatcher, self._resources["settings"], passive_max_bytes)
                       if quick_replies else None)

    async def start(self) -> None:
        """Remember the messages handled just before a restart, start writing quick replies' records,
        and start handling the deferred messages no run finished (``recover``)."""
        if self._single_writer or self._quick is not None:
            async with self._sessions() as session:
                keys = await session.scalars(select(ProcessedMessage.key)
                                             .where(ProcessedMessage.received_at >= self._clock.now() - RETRY_WINDOW))
                self._finished.update(dict.fromkeys(keys))
        if self._quick is not None:
            self._quick.start()
        self._recovering = asyncio.create_task(self._recover_forever())

    async def flush(self) -> None:
        """Write the dedupe records of quick replies now rather than at the next batch."""
        if self._quick is not None:
            await self._quick.flush()

    async def settled(self) -> None:
        """Wait until no message is being handled (a late reply is then in the outbox); for tests."""
        while self._tasks:
            await asyncio.wait(set(self._tasks))

    async def close(self) -> None:
        """Let the messages being handled finish, then write the quick replies' records."""
        if self._recovering is not None:
            self._recovering.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._recovering
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=CLOSE_WAIT_SECONDS)
        if self._quick is not None:
            await self._quick.close()

    @property
    def understanding_error(self) -> BaseException | None:
        """Why the NLU could not load, if it could not (``/healthz`` reports it)."""
        ready = self._understanding_ready
        if ready is None or not ready.done() or ready.cancelled():
            return None
        return ready.exception()

    async def receive(self, inbound: Inbound, *, started: float | None = None) -> str | None:
        """The passive reply text for ``inbound``, or None to answer ``success``."""
        loop = asyncio.get_running_loop()
        started = loop.time() if started is None else started
        try:
            return await self._answer(inbound, started)
        finally:
            self._metrics.reply_seconds.observe(loop.time() - started)

    async def _answer(self, inbound: Inbound, started: float) -> str | None:
        loop = asyncio.get_running_loop()
        key = inbound.dedupe_key
        run = self._running.get(key)
        if run is None:
            quick = self._quick_reply(inbound)
            if quick is not None:
                self._metrics.messages.labels("quick_reply").inc()
                return quick
            run = self._start(inbound)
        remaining = self._wait - (loop.time() - started)
        try:
            await asyncio.wait_for(run.done.wait(), timeout=max(remaining, 0))
        except TimeoutError:
            if run.passive is None:
                run.passive = False  # the handler will push its reply when it finishes
                self._metrics.deadline_misses.inc()
                log.warning("message %s passed the %.1f s deadline; answering success", key, self._deadline)
                await self._defer(inbound, run)
                return None
            await run.done.wait()  # the reply is decided and being committed: a moment more
        return run.answer

    def _start(self, inbound: Inbound, *, passive: bool | None = None) -> _Run:
        """Handle ``inbound`` on the full path, in a task its retries can wait on (``passive=False``:
        its reply goes out as a push)."""
        key, openid = inbound.dedupe_key, inbound.openid
        run = _Run(passive=passive)
        self._running[key] = run
        self._handling[openid] = self._handling.get(openid, 0) + 1
        task = asyncio.create_task(self._handle(inbound, run))
        self._tasks.add(task)

        def finished(done: asyncio.Task[None]) -> None:
            self._tasks.discard(done)
            self._running.pop(key, None)
            left = self._handling.pop(openid, 1) - 1
            if left:
                self._handling[openid] = left

        task.add_done_callback(finished)
        return run

    def _quick_reply(self, inbound: Inbound) -> str | None:
        """Small talk answered without a transaction (see ``bot.quick``), or None for the full path."""
        if self._quick is None or inbound.kind != TEXT or not self._understands_now():
            return None
        try:
            return self._quick_answer(self._quick, inbound)
        except Exception:  # never a 500 for it: the full path answers, or says sorry
            log.exception("quick reply to %s failed; taking the full path", inbound.dedupe_key)
            return None

    def _quick_answer(self, quick: QuickReplies, inbound: Inbound) -> str | None:
        key, openid = inbound.dedupe_key, inbound.openid
        earlier = quick.answered.get(key)
        if earlier is not None:
            return earlier  # a retry of a quick reply
        now = self._clock.now()
        if (key in self._finished or openid in self._handling  # an earlier message of theirs may change things
                or self._script_preference.get(openid) is not False
                or not self._engine.conversations.known_empty(openid) or not self._account_fresh(openid, now)):
            return None
        answer = quick.answer(inbound.text, now.astimezone(self._tz))  # relative times in owners' words are local
        if answer is not None:
            quick.record(key, openid, now, inbound.text, answer)
        return answer

    async def _handle(self, inbound: Inbound, run: _Run) -> None:
        try:
            run.answer = await self._handle_once(inbound, run)
        except Exception:
            log.exception("handling %s failed", inbound.dedupe_key)
            self._metrics.busy_replies.inc()
            run.answer = self._busy if run.passive is not False else None  # nothing committed: a retry runs again
        else:
            if self._quick is not None or self._single_writer:
                remember(self._finished, inbound.dedupe_key, None, FINISHED_LIMIT)
        finally:
            run.done.set()

    def _understands_now(self) -> bool:
        ready = self._understanding_ready
        return ready is None or (ready.done() and self.understanding_error is None)

    async def _handle_once(self, inbound: Inbound, run: _Run) -> str | None:
        if self._understanding_ready is not None:
            await asyncio.shield(self._understanding_ready)  # waits while it loads; raises if it failed
        if self._quick is not None and self._quick.unwritten_for(inbound.openid):
            await self._quick.flush()  # the owner's earlier messages are on record before this one
        INLINE.set(True)  # this task's transactions are short: SQLite statements run on the loop (sqlite_driver)
        now = self._clock.now()
        key = inbound.dedupe_key
        turn = Turn(inbound, now.astimezone(self._tz), self._dispatcher.understander)
        if inbound.kind == TEXT and inbound.text.strip() and not self._dispatcher.looks_like_command(inbound.text):
            _ = turn.understanding  # the words are read before the database is taken: the NLU holds no lock
        async with self._sessions() as session:
            try:
                async with session.begin():
                    connection = await session.connection()  # Core statements: no ORM work on the hot path
                    if self._single_writer and key in self._finished:
                        raise _AlreadyHandled
                    if not self._single_writer:
                        # The record first (it holds off another instance's run of the same message), then
                        # the owner's other messages (on any instance) wait from here: ConversationStore.lock.
                        try:
                            await self._engine.conversations.lock(session, inbound.openid, after=(
                                _RECORD_THEN_LOCK, _record_values(inbound, now, None, prefix="record_")))
                        except IntegrityError:
                            raise _AlreadyHandled from None
                    stored_script = None
                    if self._account_needs_writing(inbound, now):
                        await record_inbound(session, inbound.openid, now, inbound.event)
                        if inbound.event != "unsubscribe" and self._single_writer:
                            await release_held(session, inbound.openid, now)
                    if not self._single_writer and inbound.event != "unsubscribe":
                        # At every message: another instance's sender may have held a push for this owner,
                        # or marked the account (43004, 43101), and this instance cannot know.
                        stored_script = bool(await connection.scalar(
                            _OWNER_WROTE, {"owner_openid": inbound.openid, "now": now}))
                    parts, traditional = await self._reply_parts(session, turn, stored_script)
                    known = stored_script if stored_script is not None else self._script_preference.get(inbound.openid)
                    if traditional is not None and known != traditional:
                        await connection.execute(update(WechatAccount).where(WechatAccount.openid == inbound.openid)
                                                 .values(prefers_traditional=traditional))
                        self._remember_script(inbound.openid, traditional)
                    self._count(turn)
                    if run.passive is None:
                        run.passive = True
                    passive, pushed = (parts[:1], parts[1:]) if run.passive else ([], parts)
                    for index, part in enumerate(pushed, start=len(passive)):
                        await self._outbox.enqueue(session, key=f"reply:{key}:{index}", recipient=inbound.openid,
                                                   text=part, urgent=True)
                    answer = passive[0] if passive else None
                    if not run.passive:  # acknowledged at the deadline: it needs no recovery now
                        await connection.execute(delete(DeferredMessage).where(DeferredMessage.key == key))
                    if self._single_writer:  # the record last, with the reply: one statement
                        await self._record(connection, inbound, now, answer)
                    elif answer is not None:
                        await connection.execute(update(ProcessedMessage).where(ProcessedMessage.key == key)
                                                 .values(reply=answer))
                    return answer
            except _AlreadyHandled:
                # Another process handled (or is handling) the same message: its reply, if stored.
                async with session.begin():
                    stored = await session.scalar(select(ProcessedMessage.reply).where(ProcessedMessage.key == key))
                    if run.passive is None:
                        run.passive = True
                    else:
                        await session.execute(delete(DeferredMessage).where(DeferredMessage.key == key))
                        if stored:
                            # This retry passed the deadline waiting for the other run and answered success;
                            # WeChat retried because that run's answer never reached it: push the reply instead.
                            await self._outbox.enqueue(session, key=f"reply:{key}:retried",
                                                       recipient=inbound.openid, text=stored, urgent=True)
                        return None
                    return stored

    async def _defer(self, inbound: Inbound, run: _Run) -> None:
        """Write down a message about to be acknowledged before its handler committed (see
        ``models.DeferredMessage``).

        On PostgreSQL the row is written before ``success`` leaves, bounded so that WeChat still
        gets its answer in time; when it cannot be written the answer is ``success`` all the same, and
        the message is only lost if this process also dies before the handler commits. On the
        embedded SQLite the one connection is the handler's until it commits, so the row is written
        after the answer, once the connection is free, and only if the handler did not commit (it
        failed): a kill meanwhile loses the message, as it would any message of a process that died."""
        if run.done.is_set():
            return
        if self._single_writer:
            task = asyncio.create_task(self._write_deferred(inbound, unless_processed=True))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            return
        try:
            async with asyncio.timeout(DEFER_WRITE_SECONDS):
                await self._write_deferred(inbound, unless_processed=False)
        except TimeoutError:
            log.error("message %s acknowledged at the deadline without its deferred row (no connection "
                      "within %.1f s)", inbound.dedupe_key, DEFER_WRITE_SECONDS)

    async def _write_deferred(self, inbound: Inbound, *, unless_processed: bool) -> None:
        key = inbound.dedupe_key
        try:
            async with self._sessions.begin() as session:
                if unless_processed and await session.scalar(
                        select(ProcessedMessage.key).where(ProcessedMessage.key == key)) is not None:
                    return
                await session.execute(insert(DeferredMessage).values(
                    key=key, openid=inbound.openid, inbound=inbound.to_record(), deferred_at=self._clock.now(),
                    attempts=0))
        except IntegrityError:
            pass  # a retry of a message already written down
        except Exception:
            log.exception("message %s acknowledged at the deadline without its deferred row", key)

    def _busy_about(self, inbound: Inbound) -> str:
        """The busy reply as a push, some time after the message: it says which message it means."""
        words = " ".join(inbound.text.split())
        if not words:
            return self._busy
        return f"关于您发的“{words[:20]}{'…' if len(words) > 20 else ''}”：{self._busy}"

    async def _recover_forever(self) -> None:
        while True:
            try:
                await self.recover()
            except Exception:
                log.exception("handling deferred messages failed; trying again in %d s", RECOVER_SECONDS)
            await asyncio.sleep(RECOVER_SECONDS)

    async def recover(self, now: datetime | None = None) -> int:
        """Handle again the messages acknowledged at the deadline whose run never committed (the
        instance that answered WeChat died, or the handler failed); returns how many are done with.

        The dedupe record keeps this safe beside a run still under way on another instance: its
        unique key makes this run wait for that one, then stop. The reply goes out as a push."""
        now = now or self._clock.now()
        async with self._sessions() as session:
            rows = (await session.execute(
                select(DeferredMessage.key, DeferredMessage.inbound, DeferredMessage.attempts)
                .where(DeferredMessage.deferred_at <= now - RECOVER_AFTER)
                .order_by(DeferredMessage.deferred_at).limit(RECOVER_BATCH))).all()
        done = 0
        for key, record, attempts in rows:
            if key in self._running:
                continue  # this process is still handling it
            async with self._sessions.begin() as session:
                if await session.scalar(select(ProcessedMessage.key).where(ProcessedMessage.key == key)) is not None:
                    # Its run committed after the row was written (the row outlived the run's delete).
                    await session.execute(delete(DeferredMessage).where(DeferredMessage.key == key))
                    done += 1
                    continue
            try:
                inbound = Inbound.from_record(record)
            except (TypeError, ValueError, KeyError):
                log.exception("deferred message %s cannot be read; dropped", key)
                inbound = None
            if inbound is not None:
                log.warning("handling again message %s, acknowledged at the deadline and never finished", key)
                run = self._start(inbound, passive=False)
                await run.done.wait()
            async with self._sessions.begin() as session:
                handled = inbound is None or await session.scalar(
                    select(ProcessedMessage.key).where(ProcessedMessage.key == key)) is not None
                if not handled and attempts + 1 < RECOVER_ATTEMPTS:
                    await session.execute(update(DeferredMessage).where(DeferredMessage.key == key)
                                          .values(attempts=attempts + 1))
                    continue
                if not handled and inbound is not None:
                    log.error("message %s failed %d times; the owner is asked to send it again", key, RECOVER_ATTEMPTS)
                    await self._outbox.enqueue(session, key=f"reply:{key}:busy", recipient=inbound.openid,
                                               text=self._busy_about(inbound), urgent=True)
                await session.execute(delete(DeferredMessage).where(DeferredMessage.key == key))
                done += 1
        return done

    def _count(self, turn: Turn) -> None:
        """The message in ``wuyebot_messages`` by the flow that answered it (``TurnTrace``: an intent,
        a form under way, ``command``, ``handoff`` …, else the message's kind); the NLU's fallback rate
        over the messages it read as a new request."""
        trace = turn.trace
        self._metrics.messages.labels(trace.flow or turn.inbound.kind).inc()
        if trace.reading is not None:
            self._metrics.understood(trace.reading)

    @staticmethod
    async def _record(connection: AsyncConnection, inbound: Inbound, now: datetime, reply: str | None) -> None:
        """The dedupe record; _AlreadyHandled when some process handled the message (its transaction
        then rolls back whole)."""
        try:
            await connection.execute(_RECORD, _record_values(inbound, now, reply))
        except IntegrityError:
            raise _AlreadyHandled from None

    def forget_account(self, openid: str) -> None:
        """Another part of the service changed the account row (the sender marked it unreachable):
        the owner's next message writes it again, whatever this process remembered."""
        self._account_written.pop(openid, None)

    def _account_fresh(self, openid: str, now: datetime) -> bool:
        last = self._account_written.get(openid)
        return last is not None and now - last < ACCOUNT_WRITE_INTERVAL

    def _account_needs_writing(self, inbound: Inbound, now: datetime) -> bool:
        """The account row changes on (un)subscription; its last-message time needs only minutes' precision
        (the 48-hour window), so a busy owner's row is written at most every few minutes."""
        if inbound.event is not None:
            return True
        last = self._account_written.get(inbound.openid)
        if last is not None and now - last < ACCOUNT_WRITE_INTERVAL:
            return False
        if len(self._account_written) >= MEMORY_LIMIT:
            self._account_written.clear()
        self._account_written[inbound.openid] = now
        return True

    async def _reply_parts(self, session: AsyncSession, turn: Turn,
                           stored_script: bool | None) -> tuple[list[str], bool | None]:
        """The reply, cut to WeChat's size, and the script the owner wrote in (None: the text shows none).
        ``stored_script``: the account's script preference when it was read with the message's first
        statements (None: read it here if the text shows none)."""
        inbound = turn.inbound
        is_staff = False
        guard = self._dispatcher.command_guard
        if guard is not None and self._dispatcher.looks_like_command(inbound.text):
            is_staff = await guard(session, inbound.openid)
        resources = {**self._resources, "session": session}
        reply = await self._engine.handle(turn, resources, is_staff=is_staff)
        written = written_script(inbound.text) if inbound.kind == TEXT else None
        if reply is None or not reply.text.strip():
            return [], written
        text = reply.text
        if written is not None:
            traditional = written
        elif stored_script is not None:
            traditional = stored_script
        else:
            traditional = await self._prefers_traditional(session, inbound.openid)
        if traditional:
            text = to_traditional(text)
        return split_utf8(text, self._passive_max_bytes), written

    async def _prefers_traditional(self, session: AsyncSession, openid: str) -> bool:
        """The script of the owner's earlier messages, for a reply to one that shows none (a time, a
        phone number, 确认): a traditional writer stays traditional through a whole form."""
        known = self._script_preference.get(openid)
        if known is not None:
            return known
        stored = bool(await session.scalar(select(WechatAccount.prefers_traditional)
                                           .where(WechatAccount.openid == openid)))
        self._remember_script(openid, stored)
        return stored

    def _remember_script(self, openid: str, traditional: bool) -> None:
        """Kept only where one process writes every account (SQLite): with several instances another
        one may change the row, so each message reads it (one indexed read, only for a text that
        shows no script)."""
        if not self._single_writer:
            return
        if len(self._script_preference) >= MEMORY_LIMIT:
            self._script_preference.clear()
        self._script_preference[openid] = traditional


__all__ = ["Inbox", "Reply"]
