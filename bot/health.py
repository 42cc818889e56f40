"""Whether the service can do its work: the database accepts writes and the NLU has loaded.

A ``SELECT 1`` still answers on a read-only or full disk while every message fails, so the probe
writes one row; its verdict is kept for a second so that a load balancer polling
``/healthz`` adds no real load.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from models import HealthCheck

log = logging.getLogger(__name__)

PROBE_CACHE_SECONDS = 1.0  # an outage shows within a second; one small write a second at most
PROBE_TIMEOUT_SECONDS = 3.0


@dataclass(frozen=True)
class Verdict:
    ok: bool
    reason: str = ""


class DatabaseProbe:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self._sessions = sessions
        self._clock = clock
        self._last: tuple[float, Verdict] | None = None
        self._lock = asyncio.Lock()

    async def check(self) -> Verdict:
        async with self._lock:  # one probe at a time; the others read its verdict
            if self._last is not None and time.monotonic() - self._last[0] < PROBE_CACHE_SECONDS:
                return self._last[1]
            verdict = await self._probe()
            self._last = (time.monotonic(), verdict)
            return verdict

    async def _probe(self) -> Verdict:
        try:
            await asyncio.wait_for(self._write(), timeout=PROBE_TIMEOUT_SECONDS)
        except TimeoutError:
            log.error("health check: the database did not accept a write within %.0f s", PROBE_TIMEOUT_SECONDS)
            return Verdict(False, "database does not accept writes (timed out)")
        except Exception as error:
            log.error("health check: the database does not accept writes: %s", type(error).__name__)
            return Verdict(False, "database does not accept writes")
        return Verdict(True)

    async def _write(self) -> None:
        now = self._clock.now()
        async with self._sessions.begin() as session:
            insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
            await session.execute(insert(HealthCheck).values(id=1, checked_at=now)
                                  .on_conflict_do_update(index_elements=["id"], set_={"checked_at": now}))
