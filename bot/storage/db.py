"""The database engine: SQLite (WAL, busy timeout) by default, PostgreSQL through the same code."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from bot.storage import sqlite_driver

SQLITE_BUSY_TIMEOUT_MS = 10_000
# A PostgreSQL that does not answer a connection within this long is taken as down: the owner
# waiting on it gets the busy reply inside WeChat's 5 s instead of silence (docs/operations.md).
POSTGRES_CONNECT_TIMEOUT_SECONDS = 2.5


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def ensure_sqlite_directory(url: str) -> None:
    """Create the folder of a file database (``./data/`` by default) so a fresh clone just runs."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """The engine; SQL parameters (owners' words, phones) never appear in its errors or logs."""
    ensure_sqlite_directory(url)
    if is_sqlite(url):
        # One connection per process: SQLite has one writer at a time anyway, and transactions queued
        # on the pool wait in asyncio instead of in SQLite's sleeping busy handler. Between processes
        # (serve and a `jobs run-due`), the busy timeout still applies.
        kwargs = {"pool_size": 1, "max_overflow": 0, "pool_timeout": 30, **kwargs}
        parsed = make_url(url)
        if not parsed.query:  # URL options (uri, mode, timeout …) are left to SQLAlchemy's own aiosqlite connect
            database = parsed.database or ":memory:"
            if database != ":memory:":
                database = str(Path(database).resolve())  # as SQLAlchemy does: a later chdir changes nothing
            kwargs.setdefault("async_creator",
                              sqlite_driver.connector(database, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000))
        engine = create_async_engine(url, hide_parameters=True, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "begin", _sqlite_begin_immediate)
        return engine
    kwargs.setdefault("connect_args", {"timeout": POSTGRES_CONNECT_TIMEOUT_SECONDS})
    return create_async_engine(url, pool_pre_ping=True, hide_parameters=True, **kwargs)


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling is switched off so that BEGIN is ours (see below).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # Our driver waits for a busy lock itself, off the event loop (sqlite_driver._patiently).
    ours = isinstance(getattr(dbapi_connection, "_connection", None), sqlite_driver.Connection)
    cursor.execute(f"PRAGMA busy_timeout={0 if ours else SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_begin_immediate(connection: Any) -> None:
    """Take the write lock at BEGIN: a deferred transaction that later writes can fail with
    SQLITE_BUSY at once instead of waiting out the busy timeout."""
    connection.exec_driver_sql("BEGIN IMMEDIATE")
