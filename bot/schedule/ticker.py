"""APScheduler inside `wuyebot serve`: every tick, run the jobs that are due (see bot.jobs)."""

from __future__ import annotations

from collections.abc import Callable

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.clock import Clock
from bot.schedule.runner import JobRunner
from bot.settings import Settings


def start_scheduler(settings: Settings, runner: JobRunner, clock: Clock,
                    wake_sender: Callable[[], None]) -> AsyncIOScheduler:
    async def tick() -> None:
        if await runner.run_due(clock.now()):
            wake_sender()

    scheduler = AsyncIOScheduler(timezone=settings.tz)
    scheduler.add_job(tick, "interval", id="tick", seconds=settings.schedule.tick_seconds, coalesce=True,
                      max_instances=1, next_run_time=None)
    scheduler.start()
    scheduler.modify_job("tick", next_run_time=clock.now())  # a run missed while down is made up at once
    return scheduler
