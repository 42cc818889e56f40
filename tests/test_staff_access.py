"""Console sign-in rules at the domain level, the 0006 migration on old staff rows, and
``wuyebot staff invite`` as an operator runs it."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.settings import Settings
from bot.storage.db import create_engine, session_factory
from handlers.domain import staff_access
from models import ConsoleInvite, Staff
from models.migrate import upgrade
from tests.conftest import REPO

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


async def _staff(settings: Settings) -> Any:
    await asyncio.to_thread(upgrade, settings.database_url)
    engine = create_engine(settings.database_url)
    sessions = session_factory(engine)
    async with sessions.begin() as session:
        session.add(Staff(name="郑洁", phone="13900000107", role="staff", skills=""))
    return engine, sessions


async def test_an_invite_sets_a_password_once_and_a_new_invite_voids_the_old(
        make_settings: Callable[..., Settings]) -> None:
    settings = make_settings()
    engine, sessions = await _staff(settings)
    async with sessions.begin() as session:
        person = await session.scalar(select(Staff))
        first = await staff_access.create_invite(session, person, NOW, settings.console, "test")
    async with sessions.begin() as session:
        person = await session.scalar(select(Staff))
        second = await staff_access.create_invite(session, person, NOW, settings.console, "test")
    async with sessions.begin() as session:
        assert await staff_access.open_invite(session, first, NOW) is None
        found = await staff_access.open_invite(session, second, NOW)
        assert found is not None
        await staff_access.set_password(session, found[0], found[1], "good-password-1", NOW)
    async with sessions.begin() as session:
        assert await staff_access.open_invite(session, second, NOW) is None  # used
        assert (await session.scalar(select(ConsoleInvite.token_hash).limit(1))) not in (first, second)  # hashes only
        signed = await staff_access.sign_in(session, "13900000107", "good-password-1", NOW, settings.console)
        assert signed.staff is not None and signed.staff.name == "郑洁"
    await engine.dispose()


async def test_an_expired_invite_does_not_open(make_settings: Callable[..., Settings]) -> None:
    settings = make_settings()
    engine, sessions = await _staff(settings)
    async with sessions.begin() as session:
        token = await staff_access.create_invite(session, await session.scalar(select(Staff)), NOW, settings.console,
                                                 "test")
    later = NOW + timedelta(hours=settings.console.invite_hours, seconds=1)
    async with sessions() as session:
        assert await staff_access.open_invite(session, token, later) is None
    await engine.dispose()


def test_weak_passwords_are_refused() -> None:
    person = Staff(name="郑洁", phone="13900000107", role="staff")
    for password, repeated in (("short1", "short1"), ("12345678901", "12345678901"),
                               ("my13900000107", "my13900000107"), ("good-password", "good-passw0rd")):
        try:
            staff_access.check_new_password(person, password, repeated)
        except staff_access.PasswordRefused:
            continue
        raise AssertionError(f"{password!r} was accepted")
    staff_access.check_new_password(person, "good-password", "good-password")


async def test_lockout_after_the_configured_failures_and_release_after_its_time(
        make_settings: Callable[..., Settings]) -> None:
    settings = make_settings()
    engine, sessions = await _staff(settings)
    async with sessions.begin() as session:
        person = await session.scalar(select(Staff))
        token = await staff_access.create_invite(session, person, NOW, settings.console, "test")
        invite, person = await staff_access.open_invite(session, token, NOW)  # type: ignore[misc]
        await staff_access.set_password(session, invite, person, "good-password-1", NOW)
    limit = settings.console.max_failed_signins
    for attempt in range(1, limit + 1):
        async with sessions.begin() as session:
            result = await staff_access.sign_in(session, "13900000107", "wrong", NOW, settings.console)
            assert result.staff is None
            assert (result.locked_until is not None) == (attempt == limit)
    async with sessions.begin() as session:
        locked = await staff_access.sign_in(session, "13900000107", "good-password-1", NOW, settings.console)
        assert locked.staff is None and locked.locked_until is not None
    after = NOW + timedelta(minutes=settings.console.lockout_minutes, seconds=1)
    async with sessions.begin() as session:
        assert (await staff_access.sign_in(session, "13900000107", "good-password-1", after,
                                           settings.console)).staff is not None
    async with sessions.begin() as session:
        unknown = await staff_access.sign_in(session, "13999999999", "x", NOW, settings.console)
        assert unknown.staff is None and unknown.locked_until is None
    await engine.dispose()


async def test_migration_0006_keeps_staff_and_starts_them_with_no_failures(tmp_path: Any) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"
    await asyncio.to_thread(upgrade, url, "0005")
    engine = create_async_engine(url)
    async with engine.begin() as connection:
        await connection.execute(text("INSERT INTO staff (id, name, phone, role, skills, on_duty) VALUES "
                                      "(1, '王师傅', '13900000001', 'staff', '水电', true)"))
    await asyncio.to_thread(upgrade, url)
    async with engine.connect() as connection:
        row = (await connection.execute(text("SELECT name, failed_signins, locked_until, password_hash FROM staff"))
               ).one()
    assert tuple(row) == ("王师傅", 0, None, None)
    await engine.dispose()


def test_the_invite_command_prints_a_one_time_link(make_settings: Callable[..., Settings]) -> None:
    settings = make_settings()
    engine, _sessions = asyncio.run(_staff(settings))
    asyncio.run(engine.dispose())
    env = {**os.environ, "WUYEBOT_DATABASE_URL": settings.database_url, "WUYEBOT_CONFIG": str(REPO / "config.yaml")}
    done = subprocess.run([sys.executable, "-m", "bot", "staff", "invite", "13900000107"], env=env,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert "郑洁" in done.stdout and "http://127.0.0.1:8080/console/invite/" in done.stdout
    unknown = subprocess.run([sys.executable, "-m", "bot", "staff", "invite", "13000000000"], env=env,
                             capture_output=True, text=True, timeout=60, check=False)
    assert unknown.returncode == 1 and "no staff member" in unknown.stderr
