"""Outbox figures: enqueueing monthly fee reminders for 100,000 homes, and sending to a local fake API.

Run: ``python bench/outbox.py``. Targets (issue 8): the reminder run under 30 s on SQLite; at least
500 sends a second with the rate limit off; within 5% of the limit when one is set.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import aiohttp

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sqlalchemy import insert  # noqa: E402

from bot.clock import FrozenClock, SystemClock  # noqa: E402
from bot.outbox.courier import Courier  # noqa: E402
from bot.outbox.queue import Outbox  # noqa: E402
from bot.outbox.sender import OutboxSender  # noqa: E402
from bot.settings import load_settings  # noqa: E402
from bot.storage.db import create_engine, session_factory  # noqa: E402
from bot.wechat_api import WeChatAPI  # noqa: E402
from handlers.domain.fee_reminders import send_fee_reminders  # noqa: E402
from models import Bill, Building, Estate, Home, HomeBinding, Resident, WechatAccount  # noqa: E402
from models.migrate import upgrade_async  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.asynccontextmanager
async def fake_wechat_process() -> AsyncIterator[int]:
    """``bench/fake_wechat_server.py`` on a free port, ready; its port. Stopped on leaving."""
    port = free_port()
    # The fake runs beside the benchmark: Popen starts it and does not wait (so: noqa ASYNC220).
    fake = subprocess.Popen([sys.executable, str(REPO / "bench/fake_wechat_server.py"), str(port)],  # noqa: ASYNC220
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                await asyncio.sleep(0.1)
        yield port
    finally:
        fake.terminate()
        fake.wait(timeout=10)


async def seed(sessions, homes: int) -> None:  # type: ignore[no-untyped-def]
    now = datetime(2026, 11, 1, tzinfo=UTC)
    async with sessions.begin() as session:
        session.add(Estate(id=1, code="default", name="基准小区"))
        await session.flush()
        await session.execute(insert(Building), [{"id": b, "estate_id": 1, "code": str(b)} for b in range(1, 101)])
        await session.execute(insert(Home), [
            {"id": h, "building_id": h % 100 + 1, "unit": "1", "room": str(h), "room_key": f"{h % 100 + 1}-1-{h}",
             "in_custody": False, "prepaid_balance": Decimal("0.00")} for h in range(1, homes + 1)])
        await session.execute(insert(Resident), [
            {"id": h, "home_id": h, "name": "业主", "phone": f"139{h:08d}", "role": "owner"}
            for h in range(1, homes + 1)])
        await session.execute(insert(WechatAccount), [
            {"openid": f"o-{h}", "subscribed": True, "prefers_traditional": False} for h in range(1, homes + 1)])
        await session.execute(insert(HomeBinding), [
            {"openid": f"o-{h}", "home_id": h, "resident_id": h, "role": "owner", "status": "active",
             "is_current": True, "created_at": now} for h in range(1, homes + 1)])
        await session.execute(insert(Bill), [
            {"home_id": h, "period": period, "item": "物业费", "amount": Decimal("268.50"), "paid": h % 3 == 0}
            for h in range(1, homes + 1) for period in ("2026-09", "2026-10")])


async def reminders(homes: int, tmp: str) -> None:
    url = f"sqlite+aiosqlite:///{tmp}/reminders.db"
    await upgrade_async(url)
    settings = load_settings(REPO / "config.yaml", {"WUYEBOT_DATABASE_URL": url})
    engine = create_engine(url)
    sessions = session_factory(engine)
    await seed(sessions, homes)
    clock = FrozenClock(datetime(2026, 12, 5, 2, 0, tzinfo=UTC))
    outbox = Outbox(clock, settings.quiet_hours, settings.tz)
    started = time.perf_counter()
    async with sessions.begin() as session:
        summary = await send_fee_reminders(session, clock.now(), outbox, settings)
    elapsed = time.perf_counter() - started
    print(f"fee reminders for {homes:,} homes ({summary.summary()}): {elapsed:.1f} s")
    await engine.dispose()


async def sending(rows: int, rate: float, tmp: str, port: int) -> float:
    url = f"sqlite+aiosqlite:///{tmp}/send-{rate}.db"
    await upgrade_async(url)
    env = {"WUYEBOT_DATABASE_URL": url, "WECHAT_TOKEN": "t", "WECHAT_APPID": "wx-test-app",
           "WECHAT_SECRET": "test-secret", "WECHAT_API_BASE": f"http://127.0.0.1:{port}/cgi-bin/"}
    settings = load_settings(REPO / "config.yaml", env)
    outbox_settings = settings.notifications.outbox.model_copy(update={"rate_per_second": rate, "concurrency": 16})
    engine = create_engine(url)
    sessions = session_factory(engine)
    clock = SystemClock()
    outbox = Outbox(clock, settings.quiet_hours, settings.tz)
    async with sessions.begin() as session:
        await outbox.enqueue_many(session, [{"key": f"k{i}", "recipient": f"o-{i}", "text": f"第{i}条通知",
                                             "kind": "notice", "urgent": True} for i in range(rows)])
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=32)) as http:
        api = WeChatAPI(http, settings.wechat, sessions, clock)
        sender = OutboxSender(sessions, clock, Courier(sessions, api, http), outbox_settings)
        started = time.perf_counter()
        summary = await sender.run_once(batch=200)
        elapsed = time.perf_counter() - started
    await engine.dispose()
    achieved = summary.sent / elapsed
    limit = f"limit {rate:.0f}/s" if rate else "no limit"
    print(f"send {rows:,} pushes ({limit}): {achieved:.0f}/s, failed {summary.failed + summary.retried}"
          + (f", {abs(achieved - rate) / rate:.1%} from the limit" if rate else ""))
    return achieved


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--homes", type=int, default=100_000)
    parser.add_argument("--sends", type=int, default=5_000)
    parser.add_argument("--rate", type=float, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        await reminders(args.homes, tmp)
        async with fake_wechat_process() as port:
            await sending(args.sends, 0, tmp, port)
            await sending(min(args.sends, int(args.rate * 10)), args.rate, tmp, port)


if __name__ == "__main__":
    asyncio.run(main())
