"""``wuyebot db backup FILE`` while the service writes, and a restore from each kind of backup.

- SQLite: the online backup API; the copy is opened by a new service, which finds every ticket
  that was committed before the backup began (and no torn page: ``integrity_check``).
- PostgreSQL: ``pg_dump --format=custom``; ``pg_restore`` into an empty database, on which a new
  service finds the tickets and ``db upgrade`` has nothing to do.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import sys
import uuid
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
from tests.support import databases
from tests.support.chat import Chat
from tests.support.estate import seed_estate

MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
OWNERS = [("owner-zhang", "3-2-501", "13800000001"), ("owner-li", "3-2-502", "13800000002")]


async def _wuyebot(database_url: str, *arguments: str) -> tuple[int, str, str]:
    environment = {**os.environ, "WUYEBOT_DATABASE_URL": database_url, "WUYEBOT_CONFIG": str(REPO / "config.yaml")}
    process = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", *arguments, env=environment,
                                                   stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), 120)
    return process.returncode or 0, out.decode(), err.decode()


async def _repair(chat: Chat, openid: str, words: str) -> None:
    person = chat.person(openid)
    await person.says(words)
    await person.says("明天下午3点")
    assert "工单号" in await person.says("确认")


async def test_backup_while_serving_then_restore(make_settings, start_service, database_kind: str,  # type: ignore[no-untyped-def]
                                                 tmp_path: Path) -> None:
    settings = make_settings()
    clock = FrozenClock(MONDAY_10)
    service = await start_service(settings, clock=clock, run_sender=False)
    async with service.app[SESSIONS].begin() as session:
        people = await seed_estate(session)
    chat = Chat(service=service, clock=clock, people=people)
    for openid, room, phone in OWNERS:
        await chat.bind(openid, room, phone)
    await _repair(chat, "owner-zhang", "卫生间水管接头漏水了")

    target = tmp_path / ("copy.db" if database_kind == "sqlite" else "wuyebot.dump")
    # The backup runs while the other owner's repair is being written.
    backup, _ = await asyncio.gather(_wuyebot(settings.database_url, "db", "backup", str(target)),
                                     _repair(chat, "owner-li", "厨房灯不亮了"))
    code, out, err = backup
    assert code == 0, err
    assert str(target) in out and target.stat().st_size > 0

    if database_kind == "sqlite":
        with sqlite3.connect(target) as copy:
            assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        restored_url = f"sqlite+aiosqlite:///{target}"
    else:
        admin_url = databases.postgres_admin_url()
        name = f"wuyebot_restored_{uuid.uuid4().hex[:10]}"
        await databases.execute(admin_url, f'CREATE DATABASE "{name}"')
        restored_url = admin_url.rsplit("/", 1)[0] + f"/{name}"
        libpq = make_url(restored_url).set(drivername="postgresql").render_as_string(hide_password=False)
        process = await asyncio.create_subprocess_exec("pg_restore", "--no-owner", "--exit-on-error", "--dbname",
                                                       libpq, str(target), stderr=asyncio.subprocess.PIPE)
        _, restore_err = await asyncio.wait_for(process.communicate(), 120)
        assert process.returncode == 0, restore_err.decode()

    code, out, err = await _wuyebot(restored_url, "db", "upgrade")
    assert code == 0 and "Running upgrade" not in err, err  # the copy is at head: nothing to migrate
    restored = await start_service(load_settings(REPO / "config.yaml", {"WUYEBOT_DATABASE_URL": restored_url}),
                                   clock=clock, run_sender=False)
    async with restored.app[SESSIONS]() as session:
        numbers = list(await session.scalars(select(Ticket.number).order_by(Ticket.number)))
        assert await session.scalar(select(func.count()).select_from(Ticket)) == len(numbers)
    assert numbers[:1] == ["R20261123001"]  # committed before the backup began
    assert len(numbers) in (1, 2)  # the other one whole or not at all
    again = Chat(service=restored, clock=clock, people=people)
    assert "什么时间方便" in await again.person("owner-zhang").says("阳台地漏堵了")  # the binding came along


async def test_backup_refuses_a_missing_folder(make_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, err = await _wuyebot(make_settings().database_url, "db", "backup", str(tmp_path / "no" / "x.db"))
    assert (code, out) == (1, "")
    assert "不存在" in err and "Traceback" not in err


@pytest.mark.sqlite_only("SQLite's online backup API against a writer in another process")
async def test_a_sqlite_backup_ends_while_the_database_is_written_all_the_time(tmp_path: Path,  # type: ignore[no-untyped-def]
                                                                               make_settings) -> None:
    """Copied page by page, the backup started over at every write and never ended on a busy file."""
    settings = make_settings()
    await databases.migrated(settings.database_url)
    path = make_url(settings.database_url).database
    assert path is not None
    with sqlite3.connect(path) as connection:  # about 40 MB, so the copy takes more than one write's time
        connection.execute("CREATE TABLE ballast (id INTEGER PRIMARY KEY, data BLOB)")
        connection.executemany("INSERT INTO ballast (data) VALUES (?)", ((os.urandom(4096),) for _ in range(10_000)))
    stop = asyncio.Event()

    async def write_all_the_time() -> int:
        writes = 0
        with sqlite3.connect(path, isolation_level=None) as writer:
            writer.execute("PRAGMA journal_mode=WAL")
            while not stop.is_set():
                writer.execute("INSERT INTO ballast (data) VALUES (?)", (b"x",))
                writes += 1
                await asyncio.sleep(0.02)
        return writes

    writer = asyncio.create_task(write_all_the_time())
    try:
        code, _out, err = await _wuyebot(settings.database_url, "db", "backup", str(tmp_path / "busy.db"))
    finally:
        stop.set()
        writes = await writer
    assert code == 0, err
    assert writes > 5  # it was written meanwhile
    with sqlite3.connect(tmp_path / "busy.db") as copy:
        assert copy.execute("SELECT count(*) FROM ballast").fetchone()[0] >= 10_000
