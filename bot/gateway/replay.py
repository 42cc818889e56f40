"""Refusing replayed WeChat requests: a timestamp window and the nonces seen inside it.

In plaintext mode WeChat's signature covers only the token, the timestamp and the nonce, not the
body, so one captured signed URL would otherwise carry any body, as any sender, for ever. Two
rules close that (docs/security.md):

- a request whose ``timestamp`` is more than ``window`` from now, either way, is refused;
- inside the window, a (timestamp, nonce) pair belongs to the first body it came with. The same
  pair with the same body again is WeChat retrying (the inbox answers it from its dedupe record);
  the same pair with another body is a forgery and is refused.

Nonces are remembered for the window only: in memory on the embedded SQLite, where one process
serves the webhook (``bot.serve`` enforces it), and in the ``webhook_nonces`` table on PostgreSQL,
so that every instance sees the pairs the others saw.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import WebhookNonce

log = logging.getLogger(__name__)

SHARED_CHECK_SECONDS = 2.0
MEMORY_LIMIT = 200_000  # pairs remembered at most; WeChat sends far fewer inside a window


class ReplayGuard(Protocol):
    async def admit(self, timestamp: int, nonce: str, body: bytes) -> bool:
        """Whether this (timestamp, nonce, body) may be handled; records the pair."""


def fingerprint(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def timestamp_fresh(timestamp: str, window: timedelta, now: float | None = None) -> int | None:
    """The timestamp as an integer when it lies within ``window`` of the wall clock, else None."""
    # ASCII digits only: str.isdigit() accepts ² (then int() raises) and int() reads ٣ and full-width ３.
    if not (timestamp.isascii() and timestamp.isdecimal()) or len(timestamp) > 12:
        return None
    value = int(timestamp)
    current = time.time() if now is None else now
    return value if abs(current - value) <= window.total_seconds() else None


class MemoryReplayGuard:
    """Pairs seen in the last ``window``, in this process (bounded: the oldest go first)."""

    def __init__(self, window: timedelta, *, limit: int = MEMORY_LIMIT,
                 wall_clock: Callable[[], float] = time.time) -> None:
        self._window = window.total_seconds()
        self._limit = limit
        self._wall_clock = wall_clock
        self._seen: OrderedDict[str, tuple[str, float]] = OrderedDict()  # pair → (fingerprint, forget at)

    async def admit(self, timestamp: int, nonce: str, body: bytes) -> bool:
        now = self._wall_clock()
        while self._seen:
            oldest, (_print, forget_at) = next(iter(self._seen.items()))
            if forget_at > now and len(self._seen) < self._limit:
                break
            del self._seen[oldest]
        pair, mark = f"{timestamp}:{nonce}", fingerprint(body)
        known = self._seen.get(pair)
        if known is not None:
            return known[0] == mark
        self._seen[pair] = (mark, timestamp + self._window)
        return True


class DatabaseReplayGuard:
    """Pairs seen in the last ``window`` by any instance, in the ``webhook_nonces`` table (PostgreSQL)."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], window: timedelta) -> None:
        self._sessions = sessions
        self._window = window
        # While the database is unreachable this instance still refuses a pair it saw with another
        # body; the message then goes on to the inbox, which answers the owner that the system is busy.
        self._meanwhile = MemoryReplayGuard(window)

    async def admit(self, timestamp: int, nonce: str, body: bytes) -> bool:
        try:  # bounded: a database that drops packets instead of refusing must not hold the message
            return await asyncio.wait_for(self._admit(timestamp, nonce, body), SHARED_CHECK_SECONDS)
        except Exception as error:  # the shared store failing, however it fails: the local check
            log.warning("the replay guard cannot reach the database (%s); checking in memory meanwhile",
                        type(error).__name__)
            return await self._meanwhile.admit(timestamp, nonce, body)

    async def _admit(self, timestamp: int, nonce: str, body: bytes) -> bool:
        pair, mark = f"{timestamp}:{nonce}"[:120], fingerprint(body)
        forget_at = datetime.fromtimestamp(timestamp, UTC) + self._window
        async with self._sessions.begin() as session:
            inserted = await session.scalar(
                pg_insert(WebhookNonce).values(pair=pair, fingerprint=mark, forget_at=forget_at)
                .on_conflict_do_nothing(index_elements=["pair"]).returning(WebhookNonce.pair))
            if inserted is not None:
                return True
            known = await session.scalar(select(WebhookNonce.fingerprint).where(WebhookNonce.pair == pair))
            return known == mark


async def forget_old_nonces(session: AsyncSession, now: datetime) -> int:
    """Delete the pairs whose window has passed (the daily pruning job)."""
    result = await session.execute(delete(WebhookNonce).where(WebhookNonce.forget_at < now))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
