"""A notice to a whole estate of 20,000 homes: how long queueing takes, and whether sending keeps the rate.

Run: ``python bench/notice.py [--homes 20000] [--rate 500] [--database-url URL]``. Targets (issue 18):
queued in under 10 s; sent at the configured ``notifications.outbox.rate_per_second`` within 2%.

1. A fresh database (SQLite by default) with one estate of ``--homes`` homes in 40 buildings, each with
   a bound owner who wrote within the last 48 hours (so every push is a customer-service message).
2. ``notices.create`` drafts and announces a 停水 notice to the whole estate, the way
   ``wuyebot notice create`` does: recipients fixed, one outbox row each. Timed: the queueing.
3. The outbox sender delivers every row to the local fake WeChat API (``bench/fake_wechat_server.py``)
   with the rate limit set. Printed: sends per second against the limit, and the deviation.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import aiohttp

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sqlalchemy import insert  # noqa: E402

from bench.outbox import fake_wechat_process  # noqa: E402
from bot.clock import SystemClock  # noqa: E402
from bot.outbox.courier import Courier  # noqa: E402
from bot.outbox.queue import Outbox  # noqa: E402
from bot.outbox.sender import OutboxSender  # noqa: E402
from bot.settings import load_settings  # noqa: E402
from bot.storage.db import create_engine, session_factory  # noqa: E402
from bot.wechat_api import WeChatAPI  # noqa: E402
from handlers.domain import notices  # noqa: E402
from models import Building, Estate, Home, HomeBinding, Resident, WechatAccount  # noqa: E402
from models.migrate import upgrade_async  # noqa: E402

BUILDINGS = 40


async def seed(sessions, homes: int, now: datetime) -> None:  # type: ignore[no-untyped-def]
    async with sessions.begin() as session:
        session.add(Estate(id=1, code="default", name="基准小区"))
        await session.flush()
        await session.execute(insert(Building), [{"id": b, "estate_id": 1, "code": str(b)}
                                                 for b in range(1, BUILDINGS + 1)])
        await session.execute(insert(Home), [
            {"id": h, "building_id": h % BUILDINGS + 1, "unit": "1", "room": str(h),
             "room_key": f"{h % BUILDINGS + 1}-1-{h}", "in_custody": False, "prepaid_balance": Decimal("0.00")}
            for h in range(1, homes + 1)])
        await session.execute(insert(Resident), [
            {"id": h, "home_id": h, "name": "业主", "phone": f"139{h:08d}", "role": "owner"}
            for h in range(1, homes + 1)])
        await session.execute(insert(WechatAccount), [
            {"openid": f"o-{h}", "subscribed": True, "prefers_traditional": False,
             "last_inbound_at": now - timedelta(hours=h % 40)} for h in range(1, homes + 1)])
        await session.execute(insert(HomeBinding), [
            {"openid": f"o-{h}", "home_id": h, "resident_id": h, "role": "owner", "status": "active",
             "is_current": True, "created_at": now} for h in range(1, homes + 1)])


async def run(homes: int, rate: float, url: str, port: int) -> None:
    await upgrade_async(url)
    env = {"WUYEBOT_DATABASE_URL": url, "WECHAT_TOKEN": "t", "WECHAT_APPID": "wx-test-app",
           "WECHAT_SECRET": "test-secret", "WECHAT_API_BASE": f"http://127.0.0.1:{port}/cgi-bin/"}
    settings = load_settings(REPO / "config.yaml", env)
    engine = create_engine(url)
    sessions = session_factory(engine)
    clock = SystemClock()
    now = clock.now()
    await seed(sessions, homes, now)
    outbox = Outbox(clock, settings.quiet_hours, settings.tz)
    asked = notices.Draft(estate="default", kind="停水", starts_at=now + timedelta(hours=1),
                          ends_at=now + timedelta(hours=4), text="二次供水水箱清洗，请提前储水。", urgent=True)
    started = time.perf_counter()
    async with sessions.begin() as session:
        notice, delivery = await notices.create(session, asked, clock.now(), outbox, settings, "bench")
    queued = time.perf_counter() - started
    print(f"notice {notice.number} to {homes:,} homes: {delivery.recipients:,} recipients, "
          f"{delivery.pending:,} pushes queued in {queued:.2f} s (target < 10 s)")
    outbox_settings = settings.notifications.outbox.model_copy(update={"rate_per_second": rate, "concurrency": 16})
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=32)) as http:
        api = WeChatAPI(http, settings.wechat, sessions, clock)
        sender = OutboxSender(sessions, clock, Courier(sessions, api, http), outbox_settings)
        started = time.perf_counter()
        summary = await sender.run_once(batch=500)
        elapsed = time.perf_counter() - started
    achieved = summary.sent / elapsed
    print(f"sent {summary.sent:,} (failed {summary.failed + summary.retried}) in {elapsed:.1f} s: "
          f"{achieved:.1f}/s against a limit of {rate:.0f}/s, {abs(achieved - rate) / rate:.2%} from it (target < 2%)")
    async with sessions() as session:
        after = await notices.delivery(session, notice)
    print(f"delivery: {after.as_json()}")
    await engine.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--homes", type=int, default=20_000)
    parser.add_argument("--rate", type=float, default=500)
    parser.add_argument("--database-url", default=None, help="an empty database (default: a temporary SQLite)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite+aiosqlite:///{tmp}/notice.db"
        async with fake_wechat_process() as port:
            await run(args.homes, args.rate, url, port)

if __name__ == "__main__":
    asyncio.run(main())
