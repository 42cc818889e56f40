"""aiosqlite with one trip to its thread per statement, or none inside a short transaction (INLINE).

aiosqlite runs every sqlite3 call in a worker thread, and SQLAlchemy's adapter makes four such
calls for a SELECT (open a cursor, execute, fetch, close) and three for a write: each is a round
trip between the event loop and the thread, and under load each trip waits for the loop. Here a
statement is executed, fetched and closed in one trip, and its results wait on the cursor.

The worker thread stays, so a long statement or a wait for another process's lock never blocks
the event loop: SQLite's busy handler is off, and ``_patiently`` waits in the thread instead.
Used through ``create_async_engine(..., async_creator=connector(path))`` (see ``bot.db``). It leans
on aiosqlite's ``_execute`` and ``_conn``, so pyproject.toml bounds aiosqlite's version.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from contextvars import ContextVar
from threading import Thread
from typing import Any, cast

import aiosqlite

_Outcome = tuple[Any, int, int | None, list[Any]]  # description, rowcount, lastrowid, rows


def _execute(connection: sqlite3.Connection, sql: str, parameters: Any) -> _Outcome:
    cursor = connection.cursor()
    try:
        cursor.execute(sql, parameters)
        rows = cursor.fetchall() if cursor.description else []
        return cursor.description, cursor.rowcount, cursor.lastrowid, rows
    finally:
        cursor.close()


def _execute_many(connection: sqlite3.Connection, sql: str, parameters: Iterable[Any]) -> _Outcome:
    cursor = connection.cursor()
    try:
        cursor.executemany(sql, parameters)
        return cursor.description, cursor.rowcount, cursor.lastrowid, []
    finally:
        cursor.close()


class Cursor:
    """What SQLAlchemy's aiosqlite adapter needs of a cursor; the rows arrive with ``execute``."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self.arraysize = 1
        self._rows: list[Any] = []

    async def __aenter__(self) -> Cursor:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    async def execute(self, sql: str, parameters: Any = ()) -> Cursor:
        outcome = await self._connection.run(_execute, sql, parameters)
        self.description, self.rowcount, self.lastrowid, self._rows = outcome
        return self

    async def executemany(self, sql: str, parameters: Iterable[Any]) -> Cursor:
        outcome = await self._connection.run(_execute_many, sql, parameters)
        self.description, self.rowcount, self.lastrowid, self._rows = outcome
        return self

    async def fetchall(self) -> list[Any]:
        rows, self._rows = self._rows, []
        return rows

    async def fetchone(self) -> Any:
        return self._rows.pop(0) if self._rows else None

    async def fetchmany(self, size: int | None = None) -> Sequence[Any]:
        count = self.arraysize if size is None else size
        rows, self._rows = self._rows[:count], self._rows[count:]
        return rows

    async def close(self) -> None:
        self._rows = []


INLINE: ContextVar[bool] = ContextVar("sqlite_inline", default=False)
"""Set by a caller whose transactions are short (the inbox handling one message): once its
transaction holds the write lock, statements run on the event loop itself, without a trip to the
worker thread (about 100 µs each). BEGIN always goes to the thread: waiting for another process's
lock never blocks the loop; inside a transaction that holds the lock, WAL mode has nothing to wait
for. Reports, jobs and imports leave it unset: a long statement of theirs stays off the loop."""


def _busy(error: sqlite3.OperationalError) -> bool:
    return getattr(error, "sqlite_errorcode", None) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def _patiently(busy_timeout: float, call: Callable[..., Any], *args: Any) -> Any:
    """``call(*args)`` in the worker thread, tried again while another process holds the lock.

    SQLite's own busy handler is off on these connections (a busy wait must never happen on the
    event loop); this is it, for the thread, with the same timeout."""
    deadline = time.monotonic() + busy_timeout
    pause = 0.001
    while True:
        try:
            return call(*args)
        except sqlite3.OperationalError as error:
            if not _busy(error) or time.monotonic() + pause > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.05)


class Connection(aiosqlite.Connection):
    busy_timeout: float = 10.0  # seconds; set by ``connector``

    def cursor(self) -> Cursor:  # type: ignore[override]  # SQLAlchemy enters it with ``async with``
        return Cursor(self)

    def _inline(self) -> bool:
        return INLINE.get() and self._connection is not None and self._conn.in_transaction

    async def run(self, function: Callable[..., _Outcome], sql: str, parameters: Any) -> _Outcome:
        """``function(sqlite3_connection, sql, parameters)``: inline (see INLINE), or in the worker thread.

        Inline, BEGIN is tried once without waiting: when another process holds the lock, the
        wait happens in the thread, and the event loop runs on."""
        if INLINE.get() and self._connection is not None and (self._conn.in_transaction or sql.startswith("BEGIN")):
            try:
                return function(self._conn, sql, parameters)
            except sqlite3.OperationalError as error:
                if not _busy(error):
                    raise
        return cast(_Outcome, await self._execute(_patiently, self.busy_timeout, function, self._conn, sql, parameters))

    def _idle(self) -> bool:
        """No transaction is open: a commit or rollback has nothing to do (the pool rolls back every
        connection it gets back: no trip to the thread for that)."""
        return self._connection is not None and not self._conn.in_transaction

    async def commit(self) -> None:
        if self._idle():
            return
        if self._inline():
            self._conn.commit()
            return
        await self._execute(_patiently, self.busy_timeout, self._conn.commit)

    async def rollback(self) -> None:
        if self._idle():
            return
        if self._inline():
            self._conn.rollback()
            return
        await super().rollback()


def connector(database: str, *, timeout: float) -> Callable[[], Awaitable[Connection]]:
    """An ``async_creator`` for SQLAlchemy: a connection to the file ``database``."""

    def open_sqlite() -> sqlite3.Connection:
        return sqlite3.connect(database, timeout=0, check_same_thread=False)  # busy waits: ``_patiently``

    def create() -> Awaitable[Connection]:
        connection = Connection(open_sqlite, iter_chunk_size=64)
        connection.busy_timeout = timeout
        # As SQLAlchemy does for aiosqlite, never hold up exit (before 0.22 the connection was the thread).
        cast(Thread, getattr(connection, "_thread", connection)).daemon = True
        return cast("Awaitable[Connection]", connection)  # awaiting it connects and gives back itself

    return create
