"""Fresh, migrated databases for tests, fast: each is a copy of one migrated template.

Migrating a new database from nothing costs about half a second (Alembic, nine revisions); a
suite of two thousand tests on two databases would spend a quarter of an hour on it. Instead the
first test of a process migrates a template (a SQLite file, a PostgreSQL database) and every test
gets a copy: a file copy, or ``CREATE DATABASE … TEMPLATE`` (about 0.1 s). The service's own start
still runs ``upgrade``, which finds the copy at head.

Under pytest-xdist each worker has templates of its own (the names carry the worker id).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import sqlite3
import tempfile
import threading
import uuid
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.storage.db import is_sqlite
from models.migrate import upgrade

_lock = threading.Lock()
_templates: dict[str, str] = {}  # kind → the template's file path or database name


def postgres_admin_url() -> str:
    """The admin URL of the test server; skips the test without one, fails it in CI."""
    admin_url = os.environ.get("WUYEBOT_TEST_POSTGRES_URL")
    if not admin_url:
        if os.environ.get("CI"):
            pytest.fail("CI must provide WUYEBOT_TEST_POSTGRES_URL (see .ci/run)")
        pytest.skip("no PostgreSQL: set WUYEBOT_TEST_POSTGRES_URL=$(bash .ci/postgres.sh)")
    return admin_url


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _sqlite_template() -> str:
    with _lock:
        if "sqlite" not in _templates:
            folder = Path(tempfile.mkdtemp(prefix=f"wuyebot-template-{_worker()}-"))
            path = folder / "template.db"
            upgrade(f"sqlite+aiosqlite:///{path}")
            with contextlib.closing(sqlite3.connect(path)) as connection:  # all of it in the file itself
                connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            _templates["sqlite"] = str(path)
        return _templates["sqlite"]


async def migrated(url: str) -> None:
    """Bring a test's database to head: a SQLite file that does not exist yet starts as the
    template's copy (a test may check that a refused command created no file, so nothing is
    copied before a service or a session needs it)."""
    if is_sqlite(url):
        path = make_url(url).database
        if path and path != ":memory:":
            await asyncio.to_thread(_copy_template_to, Path(path))
    await asyncio.to_thread(upgrade, url)


def _copy_template_to(path: Path) -> None:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(_sqlite_template(), path)


def _plain(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


def _postgres_template(admin_url: str) -> str:
    with _lock:
        if "postgresql" not in _templates:
            name = f"wuyebot_template_{_worker()}_{uuid.uuid4().hex[:8]}"
            asyncio.run(execute(admin_url, f'CREATE DATABASE "{name}"'))
            upgrade(admin_url.rsplit("/", 1)[0] + f"/{name}")
            _templates["postgresql"] = name
        return _templates["postgresql"]


async def execute(admin_url: str, statement: str) -> None:
    """One statement on the test server's admin connection (CREATE/DROP DATABASE …)."""
    import asyncpg

    connection = await asyncpg.connect(_plain(admin_url))
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


async def postgres_copy(admin_url: str) -> str:
    """A new database copied from the migrated template; its URL."""
    template = await asyncio.to_thread(_postgres_template, admin_url)
    name = f"wuyebot_test_{uuid.uuid4().hex[:12]}"
    await execute(admin_url, f'CREATE DATABASE "{name}" TEMPLATE "{template}" STRATEGY FILE_COPY')
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


async def postgres_drop(admin_url: str, url: str) -> None:
    """Drop a test's database, ending whatever connections a stopped service left open."""
    name = url.rsplit("/", 1)[1]
    await execute(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
