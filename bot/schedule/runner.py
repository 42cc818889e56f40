"""Scheduled jobs that read their work from the database, run at most once per fire time.

A job with a crontab runs for its latest fire time not yet run (within ``catch_up_days``), so a
run missed while the service was down is made up on start and never repeated; the ``job_runs``
row is written in the job's own transaction. Jobs without a crontab run on every tick. The same
runner serves APScheduler inside `wuyebot serve` and `wuyebot jobs run-due --now …`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import insert, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import JobRun

log = logging.getLogger(__name__)

JobBody = Callable[[AsyncSession, datetime], Awaitable[str]]


@dataclass(frozen=True)
class ScheduledJob:
    name: str
    body: JobBody  # returns a one-line summary of what it did
    crontab: str | None = None  # None: every tick


def last_fire_time(crontab: str, now: datetime, tz: ZoneInfo, catch_up: timedelta) -> datetime | None:
    """The latest fire time of ``crontab`` at or before ``now``, looking back ``catch_up`` at most."""
    trigger = CronTrigger.from_crontab(crontab, timezone=tz)
    fire = trigger.get_next_fire_time(None, now - catch_up)
    latest = None
    while fire is not None and fire <= now:
        latest = fire
        fire = trigger.get_next_fire_time(fire, fire + timedelta(seconds=1))
    return latest


class JobRunner:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], tz: ZoneInfo, jobs: list[ScheduledJob],
                 *, catch_up: timedelta) -> None:
        self._sessions = sessions
        self._tz = tz
        self.jobs = jobs
        self._catch_up = catch_up

    async def run_due(self, now: datetime) -> list[tuple[str, str]]:
        """Run every job due at ``now``; returns (job, summary) for those that ran."""
        results = []
        for job in self.jobs:
            try:
                summary = await self._run(job, now)
            except Exception:
                log.exception("job %s failed; it will be tried again on the next tick", job.name)
                summary = None
            if summary is not None:
                results.append((job.name, summary))
        return results

    async def _run(self, job: ScheduledJob, now: datetime) -> str | None:
        if job.crontab is None:
            async with self._sessions.begin() as session:
                return await job.body(session, now)
        fire = last_fire_time(job.crontab, now, self._tz, self._catch_up)
        if fire is None:
            return None
        async with self._sessions() as session:
            try:
                async with session.begin():
                    try:
                        await session.execute(
                            insert(JobRun).values(name=job.name, fire_time=fire, ran_at=now, result=""))
                    except IntegrityError:
                        raise _AlreadyRan from None
                    summary = await job.body(session, fire)
                    await session.execute(update(JobRun)
                                          .where(JobRun.name == job.name, JobRun.fire_time == fire)
                                          .values(result=summary[:500]))
                    log.info("job %s for %s: %s", job.name, fire.isoformat(), summary)
                    return summary
            except _AlreadyRan:
                return None


class _AlreadyRan(Exception):
    pass
