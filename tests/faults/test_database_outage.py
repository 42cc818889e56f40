"""PostgreSQL unavailable for 30 s while owners write (issue 19's fault; figures in docs/operations.md).

The service reaches PostgreSQL through a proxy the test cuts: every connection is reset and new
ones are refused, as when the server restarts or the network to it fails. Meanwhile:

- an owner's message is answered within WeChat's 5 s with the polite busy reply naming the
  emergency number, never an error page or silence;
- ``/healthz`` answers 503 with its reason;
- nothing is half-written: the 确认 that would have opened a ticket opens none;

and when the database is back, without a restart:

- ``/healthz`` answers 200 again;
- the owner's conversation is where it was (the confirmation card still waits) and the same
  确认 opens exactly one ticket; the staff's push is delivered once.
"""

from __future__ import annotations

import asyncio
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from bot.clock import FrozenClock
from bot.keys import SESSIONS
from bot.settings import load_settings
from models import Ticket
from tests.conftest import REPO
from tests.fakes.wechat_api import FakeWeChatAPI
from tests.faults.tcp_proxy import CuttableProxy
from tests.support import databases
from tests.support.chat import Chat
from tests.support.estate import seed_estate

TZ = ZoneInfo("Asia/Shanghai")
MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=TZ)
OUTAGE_SECONDS = 30.0
WECHAT_DEADLINE_SECONDS = 5.0


async def test_thirty_seconds_without_postgresql(start_service, fake_wechat, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    admin_url = databases.postgres_admin_url()
    url = await databases.postgres_copy(admin_url)
    target = make_url(url)
    proxy = CuttableProxy(target.host or "127.0.0.1", target.port or 5432)
    await proxy.start()
    try:
        await _outage(start_service, fake_wechat, url.replace(f":{target.port}/", f":{proxy.port}/"), proxy)
    finally:
        await proxy.close()
        await databases.postgres_drop(admin_url, url)


async def _outage(start_service, fake_wechat, proxied_url: str, proxy: CuttableProxy) -> None:  # type: ignore[no-untyped-def]
    fake, base = fake_wechat
    settings = load_settings(REPO / "config.yaml", {
        "WUYEBOT_DATABASE_URL": proxied_url, "WECHAT_TOKEN": "t", "WECHAT_APPID": fake.appid,
        "WECHAT_SECRET": fake.secret, "WECHAT_API_BASE": base})
    clock = FrozenClock(MONDAY_10)
    service = await start_service(settings, clock=clock, run_sender=True, run_scheduler=False)
    async with service.app[SESSIONS].begin() as session:
        people = await seed_estate(session)
    chat = Chat(service=service, clock=clock, people=people)
    await chat.bind("owner-zhang", "3-2-501", "13800000001")
    zhang = chat.person("owner-zhang")
    assert "什么时间方便" in await zhang.says("卫生间水管接头漏水了")
    assert "请确认报修信息" in await zhang.says("明天下午3点")
    assert (await service.http.get(f"{service.url}/healthz")).status == 200

    await proxy.cut()
    down_since = time.monotonic()
    answers, health = [], []
    while time.monotonic() - down_since < OUTAGE_SECONDS:
        sent = time.monotonic()
        answer = await service.wechat.say("owner-zhang", "确认")
        answers.append((answer.status, answer.content, time.monotonic() - sent))
        async with service.http.get(f"{service.url}/healthz") as response:
            health.append((response.status, (await response.json())))
        await asyncio.sleep(3)

    assert answers and all(status == 200 for status, _text, _took in answers)
    assert all("系统繁忙" in text and "0755" in text for _status, text, _took in answers), answers
    assert max(took for *_rest, took in answers) < WECHAT_DEADLINE_SECONDS, answers
    assert all(status == 503 for status, _body in health[1:]), health  # the first may be a cached verdict
    assert all("database" in body["reason"] for status, body in health if status == 503)

    await proxy.restore()
    back = time.monotonic()
    while (await service.http.get(f"{service.url}/healthz")).status != 200:
        assert time.monotonic() - back < 15, "not healthy 15 s after the database came back"
        await asyncio.sleep(0.5)
    async with service.app[SESSIONS]() as session:
        assert await session.scalar(select(func.count()).select_from(Ticket)) == 0  # nothing half-written

    reply = await zhang.says("确认")
    assert "工单号 R20261123001" in reply, reply  # the card waited through the outage
    [ticket] = await chat.tickets()
    assert ticket.category == "渗漏水"
    deadline = time.monotonic() + 15
    while not any(openid == "staff-wang" for openid, text in _about(fake, "R20261123001")):
        assert time.monotonic() < deadline, "the staff push never left after the outage"
        await asyncio.sleep(0.2)
    await asyncio.sleep(1.5)
    delivered = _about(fake, "R20261123001")
    assert len(delivered) == len(set(delivered)), delivered  # each push once
    print(f"\noutage {OUTAGE_SECONDS:.0f} s: {len(answers)} messages answered busy in "
          f"{min(a[2] for a in answers):.2f}-{max(a[2] for a in answers):.2f} s; healthy "
          f"{time.monotonic() - back:.1f} s after the database returned")



def _about(fake: FakeWeChatAPI, number: str) -> list[tuple[str, str]]:
    """(recipient, text) of every customer-service message delivered that names ``number``."""
    texts = [(body.get("touser", ""), body.get("text", {}).get("content", "")) for body in fake.sent()]
    return [(openid, text) for openid, text in texts if number in text]


pytestmark = pytest.mark.timeout(180)
