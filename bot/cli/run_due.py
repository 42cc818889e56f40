"""`wuyebot jobs run-due [--now ISO]`: run every job and push due at that moment once, then exit."""

from __future__ import annotations

from datetime import datetime

from aiohttp import web

from bot.app import create_app
from bot.clock import FrozenClock, SystemClock
from bot.keys import JOBS, SENDER
from bot.settings import Settings
from bot.storage.db import is_sqlite


async def run_due(settings: Settings, now: datetime | None) -> int:
    if is_sqlite(settings.database_url):
        from models.migrate import upgrade_async

        await upgrade_async(settings.database_url)
    clock = FrozenClock(now) if now is not None else SystemClock()
    app = create_app(settings, clock=clock, run_sender=False, run_scheduler=False)
    runner = web.AppRunner(app)
    await runner.setup()  # opens the database, the HTTP session and the services, serves nothing
    try:
        for name, summary in await app[JOBS].run_due(clock.now()):
            print(f"{name}: {summary}")
        sent = await app[SENDER].run_once()
    finally:
        await runner.cleanup()
    print(f"sent {sent.sent}, retried {sent.retried}, failed {sent.failed}")
    return 0


def parse_now(value: str | None, settings: Settings) -> datetime | None:
    """An ISO time; one without an offset is read in the estate's time zone."""
    if value is None:
        return None
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=settings.tz)
