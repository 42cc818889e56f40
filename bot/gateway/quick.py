"""Small talk answered without a database transaction.

Much of what owners send while nothing is going on is 你好, 在吗, 谢谢. Such a message changes
nothing: its answer depends only on its text and the estate's settings (a route's ``quick``
answer, see ``Router.quick``). The full path would still spend a transaction on it: the dedupe
record, reading the conversation, writing the reply. The inbox answers from here instead when

- this process knows the owner's conversation is empty (it left it so, see ``ConversationStore``),
  their account row is fresh (the 48-hour window) and they write in simplified characters;
- the message was not seen before by the full path, and no earlier message of theirs is on it now;
- the text is not a staff command or a reply the bot asked for by name, and the NLU reads it
  confidently, without slots, as an intent with a quick answer that fits in one passive reply.

The dedupe record is written behind, in batches, by ``QuickReplies.flush``; a retry meanwhile is
answered from memory. Should the process die before a batch is written, a retry runs the same pure
answer again, which is the one thing the record would have prevented.

Only with the embedded SQLite, where one process serves the webhook and writes every
conversation; with PostgreSQL every message takes the full path.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime
from itertools import chain, islice
from typing import Any

from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.dialogue.router import Dispatcher
from models import ProcessedMessage

log = logging.getLogger(__name__)

MAX_CHARS = 16  # small talk is short; longer texts are never looked at here
ANSWER_CACHE_LIMIT = 4096  # distinct short texts whose quick answer (or its absence) is remembered
ANSWERED_LIMIT = 50_000  # quick answers kept for retries (WeChat retries within about 15 s)
UNWRITTEN_LIMIT = 100_000  # records held while the database refuses them; beyond, the oldest go
FLUSH_SECONDS = 0.2
CLOSE_ATTEMPTS = 3  # at shutdown, tries to write what is left before giving up (logged)


class QuickReplies:
    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], dispatcher: Dispatcher, settings: Any, max_bytes: int
    ) -> None:
        self._sessions = sessions
        self._dispatcher = dispatcher
        self._settings = settings
        self._max_bytes = max_bytes
        self._answers: dict[str, str | None] = {}  # text → its quick answer, None when it has none
        self.answered: dict[str, str] = {}  # dedupe key → the quick answer given
        self._unwritten: list[dict[str, Any]] = []
        self._writing: list[dict[str, Any]] = []  # the batch being written now
        self._write_lock = asyncio.Lock()
        self._stopping = asyncio.Event()
        self._flusher: asyncio.Task[None] | None = None

    def answer(self, text: str, now: datetime) -> str | None:
        """The quick answer to ``text``, or None when it needs the full path."""
        try:
            return self._answers[text]
        except KeyError:
            pass
        answer = self._compute(text, now)
        if len(text) <= MAX_CHARS:
            if len(self._answers) >= ANSWER_CACHE_LIMIT:
                self._answers.clear()
            self._answers[text] = answer
        return answer

    def record(self, key: str, openid: str, now: datetime, text: str, answer: str) -> None:
        """Remember a quick answer for retries, and queue its dedupe record."""
        remember(self.answered, key, answer, ANSWERED_LIMIT)
        self._unwritten.append({"key": key, "openid": openid, "received_at": now, "text": text[:500], "reply": answer})

    def unwritten_for(self, openid: str) -> bool:
        """Whether some quick reply to ``openid`` is not in the database yet (queued or being written)."""
        return any(row["openid"] == openid for row in chain(self._writing, self._unwritten))

    def start(self) -> None:
        self._flusher = asyncio.create_task(self._flush_regularly())

    async def close(self) -> None:
        """Stop the regular writes after the one under way, then write what is left."""
        if self._flusher is not None:
            self._stopping.set()
            await self._flusher
        for attempt in range(1, CLOSE_ATTEMPTS + 1):
            if await self.flush():
                return
            if attempt < CLOSE_ATTEMPTS:
                await asyncio.sleep(0.5)
        log.error("%d dedupe records of quick replies were not written before shutdown", len(self._unwritten))

    async def flush(self) -> bool:
        """Write the queued records in one transaction, after any batch already being written.

        False when the database refused them: they stay queued for the next try.
        """
        async with self._write_lock:
            self._writing, self._unwritten = self._unwritten, []
            if not self._writing:
                return True
            try:
                async with self._sessions.begin() as session:
                    connection = await session.connection()
                    await connection.execute(sqlite_insert(ProcessedMessage).on_conflict_do_nothing(), self._writing)
            except BaseException as error:  # cancelled too: the batch goes back, never lost in between
                self._unwritten = (self._writing + self._unwritten)[-UNWRITTEN_LIMIT:]
                if not isinstance(error, Exception):
                    raise
                log.exception("writing %d dedupe records of quick replies failed; retrying", len(self._writing))
                return False
            finally:
                self._writing = []
        return True

    def _compute(self, text: str, now: datetime) -> str | None:
        if len(text) > MAX_CHARS or not text.strip():
            return None
        dispatcher = self._dispatcher
        if dispatcher.looks_like_command(text) or dispatcher.pattern_route(text) is not None:
            return None
        understanding = dispatcher.understander(text, now)
        if understanding.traditional or not understanding.confident or understanding.slots:
            return None
        quick = dispatcher.quick_answers.get(understanding.intent)
        answer = quick(understanding, self._settings) if quick is not None else None
        if not answer or len(answer.encode()) > self._max_bytes:
            return None
        return answer

    async def _flush_regularly(self) -> None:
        while not self._stopping.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), FLUSH_SECONDS)
            await self.flush()


def remember(recent: dict[str, Any], key: str, value: Any, limit: int) -> None:
    """Put ``key`` into an insertion-ordered map that forgets its oldest tenth when full."""
    if len(recent) >= limit:
        for old in list(islice(recent, limit // 10)):
            del recent[old]
    recent[key] = value
