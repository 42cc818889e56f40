"""The console's world: the real service on a real port, a fake WeChat API, staff with passwords,
and headless Chromium driven by Playwright (Debian's ``chromium``; no browser is downloaded).

Browser tests skip on a machine without Chromium, except in CI, where its absence is a failure
(.ci/run installs it with .ci/chromium.sh and sets WUYEBOT_REQUIRE_CHROMIUM). Screenshots go to
``build/screenshots`` (or ``WUYEBOT_SCREENSHOTS``).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from bot.clock import FrozenClock
from bot.keys import SESSIONS
from bot.nlu import understand
from models import Bill, Building, Estate, Home, Resident, Staff, StaffEstate
from tests.conftest import REPO, Service
from tests.fakes.wechat_api import FakeWeChatAPI
from tests.support.chat import Chat, Person

TZ = ZoneInfo("Asia/Shanghai")
MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=TZ)
PASSWORD = "Wuye-2026-console"
ADMIN_TOKEN = "console-admin-token"
DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}
SCREENSHOTS = Path(os.environ.get("WUYEBOT_SCREENSHOTS") or REPO / "build" / "screenshots")
CHROMIUM_FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage"]

# Staff: key → (name, phone, openid, role, skills, estate served or "" for an admin)
STAFF = {
    "desk": ("郑洁", "13900000107", "staff-desk", "staff", "", "default"),  # no trade: the front desk
    "wang": ("王师傅", "13900000103", "staff-wang", "staff", "水电|渗漏水|管道堵塞", "default"),
    "zhao": ("赵主管", "13900000101", "staff-zhao", "supervisor", "", "default"),
    "liu": ("刘主管", "13900000108", "staff-liu", "supervisor", "", "lanting"),
    "sun": ("孙经理", "13900000102", "staff-sun", "admin", "", ""),
}
ZHANG = ("owner-zhang", "张伟", "13800000001")  # 阳光花园 3-2-501
ZHOU = ("owner-zhou", "周敏", "13800000011")  # 兰亭苑 6-1-302


def chromium_path() -> str | None:
    for candidate in (os.environ.get("WUYEBOT_TEST_CHROMIUM"), shutil.which("chromium"),
                      shutil.which("chromium-browser"), "/usr/bin/chromium"):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.fixture(autouse=True, scope="module")
def _nlu_loaded() -> None:
    understand("你好", MONDAY_10)


@dataclass
class ConsoleWorld:
    service: Service
    chat: Chat
    fake: FakeWeChatAPI
    clock: FrozenClock
    staff: dict[str, Staff]

    @property
    def url(self) -> str:
        return self.service.url

    def person(self, openid: str) -> Person:
        return self.chat.person(openid)

    def sessions(self) -> Any:
        return self.service.app[SESSIONS]

    def texts_sent_to(self, openid: str) -> list[str]:
        return [body["text"]["content"] for body in self.fake.sent() if body.get("touser") == openid
                and body.get("msgtype") == "text"]


async def _seed(session: Any) -> dict[str, Staff]:
    estates = {estate.code: estate for estate in await session.scalars(select(Estate))}
    sunshine = Building(estate=estates["default"], code="3")
    lanting = Building(estate=estates["lanting"], code="6")
    zhang_home = Home(building=sunshine, unit="2", room="501", room_key="3-2-501", area_m2=Decimal("89.50"))
    zhou_home = Home(building=lanting, unit="1", room="302", room_key="6-1-302", area_m2=Decimal("95.00"))
    session.add_all([sunshine, lanting, zhang_home, zhou_home,
                     Resident(home=zhang_home, name=ZHANG[1], phone=ZHANG[2], role="owner"),
                     Resident(home=zhou_home, name=ZHOU[1], phone=ZHOU[2], role="owner")])
    hashed = PasswordHasher().hash(PASSWORD)
    staff = {key: Staff(name=name, phone=phone, openid=openid, role=role, skills=skills, password_hash=hashed,
                        password_changed_at=MONDAY_10)
             for key, (name, phone, openid, role, skills, _estate) in STAFF.items()}
    session.add_all(staff.values())
    await session.flush()
    session.add_all(StaffEstate(staff_id=staff[key].id, estate=row[5]) for key, row in STAFF.items() if row[5])
    session.add_all([Bill(home_id=zhang_home.id, period="2026-11", item="物业费", amount=Decimal("235.50"), paid=True),
                     Bill(home_id=zhou_home.id, period="2026-11", item="物业费", amount=Decimal("318.00"),
                          paid=False)])
    return staff


@pytest.fixture
async def console_world(make_settings: Callable[..., Any], start_service: Callable[..., Any],
                        fake_wechat: tuple[FakeWeChatAPI, str]) -> ConsoleWorld:
    fake, base = fake_wechat
    settings = make_settings(WECHAT_TOKEN="t", WECHAT_APPID=fake.appid, WECHAT_SECRET=fake.secret,
                             WECHAT_API_BASE=base, WUYEBOT_ADMIN_TOKEN=ADMIN_TOKEN)
    clock = FrozenClock(MONDAY_10)
    service = await start_service(settings, clock=clock, run_sender=True, run_scheduler=False)
    async with service.app[SESSIONS].begin() as session:
        staff = await _seed(session)
    chat = Chat(service=service, clock=clock, people=dict(staff))
    await chat.bind(ZHANG[0], "3-2-501", ZHANG[2])
    return ConsoleWorld(service, chat, fake, clock, staff)


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    path = chromium_path()
    if path is None:
        if os.environ.get("CI") or os.environ.get("WUYEBOT_REQUIRE_CHROMIUM"):
            pytest.fail("CI must provide Chromium (.ci/chromium.sh installs Debian's chromium)")
        pytest.skip("no Chromium: apt-get install chromium (or set WUYEBOT_TEST_CHROMIUM)")
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        yield launched
        await launched.close()


@pytest.fixture
def new_page(browser: Any, console_world: ConsoleWorld) -> Callable[..., Any]:
    """A fresh browser context (its own cookies) at desktop or phone size, already signed in if asked."""

    async def make(staff: str | None = None, *, size: dict[str, int] = DESKTOP) -> Any:
        context = await browser.new_context(viewport=size, locale="zh-CN", base_url=console_world.url)
        context.set_default_timeout(10_000)
        page = await context.new_page()
        if staff is not None:
            await sign_in(page, STAFF[staff][1])
        return page

    return make


async def sign_in(page: Any, phone: str, password: str = PASSWORD) -> None:
    await page.goto("/console/signin")
    await page.fill("input[name=phone]", phone)
    await page.fill("input[name=password]", password)
    await page.click("button[type=submit]")


async def screenshot(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240 (once per test, a local folder)
    path = SCREENSHOTS / f"{name}.png"
    await page.screenshot(path=str(path), full_page=True)
    return path
