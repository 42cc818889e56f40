"""The world of the notice scenarios: 阳光花园 with buildings 3 and 5, 兰亭苑 with its own building 3.

The real app on a real port, a fake WeChat API, a frozen clock, the register written straight into
the database (homes, residents, bindings, staff). Notices are made the ways staff make them (the chat
through ``/wechat``, the command line), and judged by what reaches the fake WeChat API.

Accounts (阳光花园 unless said):

=================  =============================================  ====================================
account            homes                                          a building-3 notice reaches them?
=================  =============================================  ====================================
owner-zhang        owner of 3-2-501                               yes, by customer-service message
owner-li           owner of 3-2-502 and of 3-1-101                yes, once
tenant-sun         tenant of 3-2-501                              yes
owner-far          owner of 3-1-102, last wrote 3 days ago        by template, or unreachable without one
owner-qian         3-2-601, binding revoked (moved out)           no
tenant-pending     3-2-601, tenant waiting for the owner's yes    no
owner-wu           owner of 5-1-302                               no
owner-zhou         owner of 兰亭苑 3-2-501                         no
=================  =============================================  ====================================

赵六 of 3-1-101 is on the register with no WeChat account at all.
Staff: 郑洁 (front desk, staff-desk) and 赵主管 (supervisor, staff-zhao) serve 阳光花园, 王师傅
(staff-wang) repairs there, 刘主管 (staff-liu) serves only 兰亭苑.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
import pytest
import yaml
from aiohttp.test_utils import TestServer
from sqlalchemy import func, select

from bot.app import create_app
from bot.clock import FrozenClock
from bot.keys import JOBS, SENDER, SESSIONS
from bot.nlu import understand
from bot.settings import Settings, load_settings
from models import (
    Building,
    Estate,
    Home,
    HomeBinding,
    OutboxMessage,
    Resident,
    Staff,
    StaffEstate,
    Ticket,
    WechatAccount,
)
from models.migrate import upgrade
from tests.conftest import REPO, Service
from tests.fakes.wechat_api import FakeWeChatAPI
from tests.support.chat import Chat, Person
from tests.support.wechat import WeChatServer

TZ = ZoneInfo("Asia/Shanghai")
FRIDAY_10 = datetime(2026, 12, 4, 10, 0, tzinfo=TZ)  # a working day; "明天" is Saturday 2026-12-05
ADMIN_TOKEN = "notices-admin-token"
AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
NOTICE_TEMPLATE = "TPL-NOTICE"

BUILDING_3 = ("owner-zhang", "owner-li", "tenant-sun", "owner-far")  # every bound owner and tenant of building 3
IN_WINDOW_3 = ("owner-zhang", "owner-li", "tenant-sun")  # of those, who wrote within 48 hours
NOT_BUILDING_3 = ("owner-qian", "tenant-pending", "owner-wu", "owner-zhou")
NUMBER = re.compile(r"N\d{11}")


@pytest.fixture(autouse=True, scope="module")
def _nlu_loaded() -> None:
    """Load the NLU model before the first message, so its cold start never meets the reply deadline."""
    understand("你好", FRIDAY_10)


def template_fields(data: dict[str, Any]) -> str:
    """A template's fields as one string, from the outbox row (``{"first": "…"}``) or as sent to WeChat
    (``{"first": {"value": "…"}}``)."""
    plain = {name: value.get("value") if isinstance(value, dict) else value for name, value in data.items()}
    return json.dumps(plain, ensure_ascii=False, sort_keys=True)


@dataclass
class Delivery:
    """One push as the fake WeChat API received it."""

    openid: str
    channel: str  # customer_service or template
    text: str  # the customer-service text, or the template's fields run together
    template_id: str | None = None
    data: str = ""  # a template's fields as sent (JSON), to tell one template push from another


@dataclass
class World:
    service: Service
    chat: Chat
    fake: FakeWeChatAPI
    clock: FrozenClock
    homes: dict[str, Home] = field(default_factory=dict)
    process: Process | None = None  # the running instance, to stop it (a restart)
    config_path: Path | None = None  # the configuration file the instance was started with

    # people ------------------------------------------------------------------------------------------
    def person(self, openid: str) -> Person:
        return self.chat.person(openid)

    async def staff_says(self, text: str, openid: str = "staff-desk") -> str:
        return await self.person(openid).says(text)

    # the clock and the machinery ------------------------------------------------------------------------
    def at(self, moment: datetime) -> None:
        self.clock.set(moment)

    async def run_jobs(self) -> list[tuple[str, str]]:
        """What the scheduler does on a tick: every job due now (the notices job among them)."""
        return await self.service.app[JOBS].run_due(self.clock.now())

    async def send(self) -> Any:
        """The outbox sender delivering everything due now to the fake WeChat API."""
        return await self.service.app[SENDER].run_once()

    async def tick(self) -> None:
        await self.run_jobs()
        await self.send()

    # what reached WeChat ------------------------------------------------------------------------------
    def deliveries(self) -> list[Delivery]:
        found = []
        for body in self.fake.sent("message/custom/send"):
            if body.get("msgtype") == "text":
                found.append(Delivery(body.get("touser", ""), "customer_service", body["text"]["content"]))
        for body in self.fake.sent("message/template/send"):
            data = body.get("data") or {}
            text = " ".join(str(value.get("value", "")) if isinstance(value, dict) else str(value)
                            for value in data.values())
            found.append(Delivery(body.get("touser", ""), "template", text, body.get("template_id"),
                                  template_fields(data)))
        return found

    def delivered_to(self, openid: str) -> list[Delivery]:
        return [delivery for delivery in self.deliveries() if delivery.openid == openid]

    # the outbox ----------------------------------------------------------------------------------------
    async def notice_rows(self, number: str, step: str | None = None) -> list[OutboxMessage]:
        """The notice's pushes, keyed ``notice:{number}:{openid}:{step}`` (docs/notices.md)."""
        async with self.chat.sessions() as session:
            rows = list((await session.scalars(
                select(OutboxMessage).where(OutboxMessage.idempotency_key.startswith(f"notice:{number}:"))
                .order_by(OutboxMessage.id))).all())
        if step is not None:
            rows = [row for row in rows if row.idempotency_key.endswith(f":{step}")]
        return rows

    async def all_notice_rows(self) -> list[OutboxMessage]:
        async with self.chat.sessions() as session:
            return list((await session.scalars(
                select(OutboxMessage).where(OutboxMessage.idempotency_key.startswith("notice:"))
                .order_by(OutboxMessage.id))).all())

    async def notice_deliveries(self, number: str, step: str | None = None) -> dict[str, list[Delivery]]:
        """openid → what reached WeChat of the notice's pushes (of one step), matched to its outbox rows."""
        rows = await self.notice_rows(number, step)
        texts = {(row.recipient, row.payload.get("text", "")) for row in rows if row.channel != "template"}
        templates = {(row.recipient, row.payload.get("template_id"),
                      template_fields(row.payload.get("data") or {}))
                     for row in rows if row.channel == "template"}
        found: dict[str, list[Delivery]] = {}
        for delivery in self.deliveries():
            if delivery.channel == "template":
                if (delivery.openid, delivery.template_id, delivery.data) in templates:
                    found.setdefault(delivery.openid, []).append(delivery)
            elif (delivery.openid, delivery.text) in texts:
                found.setdefault(delivery.openid, []).append(delivery)
        return found

    # the database, read to check ---------------------------------------------------------------------
    async def tickets(self) -> list[Ticket]:
        return await self.chat.tickets()

    async def ticket_count(self) -> int:
        async with self.chat.sessions() as session:
            return int(await session.scalar(select(func.count()).select_from(Ticket)) or 0)

    # the admin API -----------------------------------------------------------------------------------
    async def api_get(self, path: str, *, auth: bool = True, **params: str) -> tuple[int, Any]:
        headers = AUTH if auth else {}
        async with self.service.http.get(self.service.url + path, params=params, headers=headers) as response:
            return response.status, await response.json(content_type=None)


# --- settings and processes --------------------------------------------------------------------------


def notice_config(tmp_path: Path, *, template: bool = True) -> Path:
    """The repository's config.yaml (two estates), with ``notifications.templates.notice`` when asked."""
    config = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
    config.setdefault("notifications", {})["templates"] = {"notice": NOTICE_TEMPLATE} if template else {}
    path = tmp_path / ("notices-template.yaml" if template else "notices-plain.yaml")
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def notice_settings(tmp_path: Path, fake: FakeWeChatAPI, base: str, *, template: bool = True,
                    database_url: str | None = None) -> Settings:
    """The settings of :func:`notice_config` with the fake WeChat API and the admin token."""
    path = notice_config(tmp_path, template=template)
    env = {"WUYEBOT_DATABASE_URL": database_url or f"sqlite+aiosqlite:///{tmp_path / 'wuyebot.db'}",
           "WECHAT_TOKEN": "t", "WECHAT_APPID": fake.appid, "WECHAT_SECRET": fake.secret, "WECHAT_API_BASE": base,
           "WUYEBOT_ADMIN_TOKEN": ADMIN_TOKEN}
    return load_settings(path, env)


@dataclass
class Process:
    """One running instance of the service (a real server on a real port), which can be stopped."""

    service: Service
    server: TestServer

    async def stop(self) -> None:
        await self.service.http.close()
        await self.server.close()


@pytest.fixture
async def launch() -> AsyncIterator[Callable[..., Any]]:
    """Start the service like ``wuyebot serve`` would, but with the sender and scheduler driven by the test."""
    running: list[Process] = []

    async def start(settings: Settings, clock: FrozenClock) -> Process:
        await asyncio.to_thread(upgrade, settings.database_url)
        app = create_app(settings, clock=clock, run_sender=False, run_scheduler=False)
        server = TestServer(app)
        await server.start_server()
        http = aiohttp.ClientSession()
        url = str(server.make_url("")).rstrip("/")
        wechat = WeChatServer(http, url, settings.wechat.token, settings.wechat.aes_key, settings.wechat.appid)
        process = Process(Service(app, url, settings, wechat, http), server)
        running.append(process)
        return process

    yield start
    for process in running:
        if not process.service.http.closed:
            await process.stop()


# --- the register ------------------------------------------------------------------------------------


async def seed(session: Any, now: datetime) -> dict[str, Home]:
    estates = {estate.code: estate for estate in await session.scalars(select(Estate))}
    assert {"default", "lanting"} <= set(estates), "config.yaml configures both estates"
    three = Building(estate=estates["default"], code="3")
    five = Building(estate=estates["default"], code="5")
    lanting_three = Building(estate=estates["lanting"], code="3")
    homes = {
        "3-1-101": Home(building=three, unit="1", room="101", room_key="3-1-101", area_m2=Decimal("76.00")),
        "3-1-102": Home(building=three, unit="1", room="102", room_key="3-1-102", area_m2=Decimal("76.00")),
        "3-2-501": Home(building=three, unit="2", room="501", room_key="3-2-501", area_m2=Decimal("89.50")),
        "3-2-502": Home(building=three, unit="2", room="502", room_key="3-2-502", area_m2=Decimal("89.50")),
        "3-2-601": Home(building=three, unit="2", room="601", room_key="3-2-601", area_m2=Decimal("89.50")),
        "5-1-302": Home(building=five, unit="1", room="302", room_key="5-1-302", area_m2=Decimal("95.00")),
        "lanting:3-2-501": Home(building=lanting_three, unit="2", room="501", room_key="3-2-501",
                                area_m2=Decimal("89.50")),
    }
    session.add_all([three, five, lanting_three, *homes.values()])
    await session.flush()

    recent, stale = now - timedelta(hours=2), now - timedelta(days=3)
    # (openid, home, name, phone, register role, binding status, last wrote)
    accounts = [
        ("owner-zhang", "3-2-501", "张伟", "13800000001", "owner", "active", recent),
        ("owner-li", "3-2-502", "李娜", "13800000002", "owner", "active", recent),
        ("owner-li", "3-1-101", "李娜", "13800000002", "owner", "active", recent),
        ("tenant-sun", "3-2-501", "孙悦", "13800000003", "tenant", "active", recent),
        ("owner-far", "3-1-102", "钱多", "13800000004", "owner", "active", stale),
        ("owner-qian", "3-2-601", "钱进", "13800000005", "owner", "revoked", recent),
        ("tenant-pending", "3-2-601", "周到", "13800000006", "tenant", "pending", recent),
        ("owner-wu", "5-1-302", "吴刚", "13800000007", "owner", "active", recent),
        ("owner-zhou", "lanting:3-2-501", "周敏", "13800000011", "owner", "active", recent),
    ]
    seen: set[str] = set()
    for openid, room, name, phone, role, status, last in accounts:
        resident = Resident(home=homes[room], name=name, phone=phone, role=role)
        session.add(resident)
        if openid not in seen:
            session.add(WechatAccount(openid=openid, subscribed=True, subscribed_at=now - timedelta(days=90),
                                      last_inbound_at=last))
            seen.add(openid)
        await session.flush()
        session.add(HomeBinding(openid=openid, home_id=homes[room].id, resident_id=resident.id, role=role,
                                status=status, is_current=room != "3-1-101", created_at=now - timedelta(days=30)))
    session.add(Resident(home=homes["3-1-101"], name="赵六", phone="13800000008", role="owner"))  # no WeChat

    staff = {
        "desk": Staff(name="郑洁", phone="13900000107", openid="staff-desk", role="staff", skills=""),
        "zhao": Staff(name="赵主管", phone="13900000101", openid="staff-zhao", role="supervisor", skills="噪音"),
        "wang": Staff(name="王师傅", phone="13900000103", openid="staff-wang", role="staff",
                      skills="水电|渗漏水|管道堵塞|电梯"),
        "liu": Staff(name="刘主管", phone="13900000108", openid="staff-liu", role="supervisor", skills=""),
    }
    session.add_all(staff.values())
    await session.flush()
    serving = {"desk": "default", "zhao": "default", "wang": "default", "liu": "lanting"}
    session.add_all(StaffEstate(staff_id=staff[key].id, estate=code) for key, code in serving.items())
    await session.flush()
    return homes


@pytest.fixture
async def make_world(tmp_path: Path, launch: Callable[..., Any],
                     fake_wechat: tuple[FakeWeChatAPI, str]) -> Callable[..., Any]:
    fake, base = fake_wechat

    async def build(at: datetime = FRIDAY_10, *, template: bool = True, database_url: str | None = None) -> World:
        settings = notice_settings(tmp_path, fake, base, template=template, database_url=database_url)
        clock = FrozenClock(at)
        process = await launch(settings, clock)
        service = process.service
        async with service.app[SESSIONS].begin() as session:
            homes = await seed(session, at)
        return World(service=service, chat=Chat(service=service, clock=clock, people={}), fake=fake, clock=clock,
                     homes=homes, process=process, config_path=notice_config(tmp_path, template=template))

    return build


@pytest.fixture(params=["sqlite", "postgresql"])
async def world(request: pytest.FixtureRequest, make_world: Callable[..., Any]) -> AsyncIterator[World]:
    """The world on the embedded SQLite and on PostgreSQL (production's: row locks, JSON, key ranges);
    PostgreSQL as in tests/conftest.py's ``postgres_url``: skipped without a server, a failure in CI."""
    if request.param == "sqlite":
        yield await make_world()
        return
    import os
    import uuid

    import asyncpg

    admin_url = os.environ.get("WUYEBOT_TEST_POSTGRES_URL")
    if not admin_url:
        if os.environ.get("CI"):
            pytest.fail("CI must provide WUYEBOT_TEST_POSTGRES_URL (see .ci/run)")
        pytest.skip("no PostgreSQL: set WUYEBOT_TEST_POSTGRES_URL=$(bash .ci/postgres.sh)")
    name = f"wuyebot_notices_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(admin_url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        built = await make_world(database_url=admin_url.rsplit("/", 1)[0] + f"/{name}")
        yield built
        await built.process.stop()
        await built.service.app[SESSIONS].kw["bind"].dispose()
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()
