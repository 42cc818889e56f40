"""Helpers for the console probes: an HTTP client with its own cookie jar, and the database rows probes check.

A ``Browserless`` client is one person at one machine: aiohttp's ClientSession with its own cookie
jar (``unsafe=True``: the service listens on 127.0.0.1), redirects not followed, so a probe sees
exactly what the console answered. CSRF tokens are read from the pages' hidden ``csrf`` inputs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from argon2 import PasswordHasher
from sqlalchemy import func, select
from yarl import URL

from handlers.domain import staff_access
from handlers.web.console.auth import COOKIE
from models import AuditEntry, ConsoleInvite, Handoff, HandoffMessage, OutboxMessage, Staff, Ticket
from tests.console.conftest import PASSWORD, STAFF, ConsoleWorld

CSRF_INPUT = re.compile(r'name="csrf" value="([^"]*)"')
CHINESE = re.compile(r"[\u4e00-\u9fff]")
INVITE_LINK = re.compile(r"/console/invite/([A-Za-z0-9_\-]+)")


@dataclass
class Browserless:
    """One person's HTTP conversation with the console (cookies kept, redirects shown, not followed)."""

    world: ConsoleWorld
    http: aiohttp.ClientSession = field(init=False)

    def __post_init__(self) -> None:
        self.http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))

    async def close(self) -> None:
        await self.http.close()

    def url(self, path: str) -> str:
        return self.world.url + path

    async def get(self, path: str, **kwargs: Any) -> tuple[int, str, Mapping[str, str]]:
        kwargs.setdefault("allow_redirects", False)
        async with self.http.get(self.url(path) if path.startswith("/") else path, **kwargs) as response:
            return response.status, await response.text(errors="replace"), response.headers

    async def post(self, path: str, data: Any = None, **kwargs: Any) -> tuple[int, str, Mapping[str, str]]:
        kwargs.setdefault("allow_redirects", False)
        async with self.http.post(self.url(path), data=data, **kwargs) as response:
            return response.status, await response.text(errors="replace"), response.headers

    async def csrf(self, path: str = "/console/signin") -> str:
        status, body, _headers = await self.get(path)
        found = CSRF_INPUT.search(body)
        assert found is not None, f"no csrf input on {path} ({status})"
        return found.group(1)

    async def form(self, path: str, fields: Mapping[str, str], *, token_from: str = "/console/signin",
                   **kwargs: Any) -> tuple[int, str, Mapping[str, str]]:
        """POST a form carrying this session's CSRF token (read from ``token_from``)."""
        return await self.post(path, {"csrf": await self.csrf(token_from), **fields}, **kwargs)

    async def sign_in(self, staff: str | None = None, *, phone: str | None = None, password: str = PASSWORD,
                      next_: str | None = None) -> tuple[int, str, Mapping[str, str]]:
        fields = {"phone": phone if phone is not None else STAFF[staff or ""][1], "password": password}
        if next_ is not None:
            fields["next"] = next_
        return await self.form("/console/signin", fields)

    def cookie(self) -> str | None:
        for morsel in self.http.cookie_jar:
            if morsel.key == COOKIE:
                return morsel.value
        return None

    def set_cookie(self, value: str) -> None:
        self.http.cookie_jar.update_cookies({COOKIE: value}, URL(self.world.url + "/console/"))


def signed_out(status: int, headers: Mapping[str, str]) -> bool:
    """The console sent the person to sign in (a page) or answered 401 (the live feed, fetches)."""
    if status == 401:
        return True
    return status in (302, 303) and headers.get("Location", "").startswith("/console/signin")


def plain_refusal(status: int, body: str) -> bool:
    """A 4xx with a plain Chinese reason: no stack trace, no English-only framework page."""
    return 400 <= status < 500 and CHINESE.search(body) is not None and "Traceback" not in body


async def ticket_row(world: ConsoleWorld, number: str) -> Ticket:
    async with world.sessions()() as session:
        ticket = await session.scalar(select(Ticket).where(Ticket.number == number))
        assert ticket is not None
        return ticket


async def count(world: ConsoleWorld, model: Any, *where: Any) -> int:
    async with world.sessions()() as session:
        return await session.scalar(select(func.count()).select_from(model).where(*where)) or 0


async def audit_rows(world: ConsoleWorld, action: str) -> list[AuditEntry]:
    async with world.sessions()() as session:
        return list((await session.scalars(select(AuditEntry).where(AuditEntry.action == action))).all())


async def outbox_to(world: ConsoleWorld, recipient: str) -> list[OutboxMessage]:
    async with world.sessions()() as session:
        return list((await session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == recipient)
                                           .order_by(OutboxMessage.id))).all())


async def handoff_of(world: ConsoleWorld, openid: str) -> Handoff:
    async with world.sessions()() as session:
        handoff = await session.scalar(select(Handoff).where(Handoff.openid == openid).order_by(Handoff.id.desc()))
        assert handoff is not None, f"no handoff for {openid}"
        return handoff


async def thread_texts(world: ConsoleWorld, handoff_id: int) -> list[str]:
    async with world.sessions()() as session:
        return list((await session.scalars(select(HandoffMessage.text).where(HandoffMessage.handoff_id == handoff_id)
                                           .order_by(HandoffMessage.id))).all())


async def make_invite(world: ConsoleWorld, staff: str) -> str:
    """A set-password token for a staff member, as ``wuyebot staff invite`` makes it."""
    async with world.sessions().begin() as session:
        person = await session.get(Staff, world.staff[staff].id)
        assert person is not None
        return await staff_access.create_invite(session, person, world.clock.now(),
                                                world.service.settings.console, "probe")


async def password_is(world: ConsoleWorld, staff: str, password: str) -> bool:
    async with world.sessions()() as session:
        person = await session.get(Staff, world.staff[staff].id)
        assert person is not None and person.password_hash is not None
        try:
            return PasswordHasher().verify(person.password_hash, password)
        except Exception:  # a mismatch or a bad hash: not this password
            return False


async def invites_open(world: ConsoleWorld, staff: str) -> int:
    return await count(world, ConsoleInvite, ConsoleInvite.staff_id == world.staff[staff].id,
                       ConsoleInvite.used_at.is_(None))
