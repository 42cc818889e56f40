"""aiosqlite with one trip to its thread per statement, or none inside a short transaction (INLINE).

aiosqlite runs every sqlite3 call in a worker thread, and SQLAlchemy's adapter makes four such
calls for a SELECT (open a cursor, execute, fetch, close) and three for a write: each is a round
trip between the event loop and the thread, and under load each trip waits for the loop. Here a
statement is executed, fetched and closed in one trip, and its results wait on the cursor.

The worker thread stays, so a long statement or SQLite's busy wait never blocks the event loop.
Used through ``create_async_engine(..., async_creator=connector(path))`` (see ``bot.db``). It leans
on aiosqlite's ``_execute`` and ``_conn``, so pyproject.toml bounds aiosqlite's version.
"""

from __future__ import annotations

import sqlite3
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


class Connection(aiosqlite.Connection):
    def cursor(self) -> Cursor:  # type: ignore[override]  # SQLAlchemy enters it with ``async with``
        return Cursor(self)

    def _inline(self) -> bool:
        return INLINE.get() and self._connection is not None and self._conn.in_transaction

    async def run(self, function: Callable[..., _Outcome], sql: str, parameters: Any) -> _Outcome:
        """``function(sqlite3_connection, sql, parameters)``: in the worker thread, or inline (see INLINE)."""
        if self._inline():
            return function(self._conn, sql, parameters)
        return await self._execute(function, self._conn, sql, parameters)

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
        await super().commit()

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
        return sqlite3.connect(database, timeout=timeout, check_same_thread=False)

    def create() -> Awaitable[Connection]:
        connection = Connection(open_sqlite, iter_chunk_size=64)
        # As SQLAlchemy does for aiosqlite, never hold up exit (before 0.22 the connection was the thread).
        cast(Thread, getattr(connection, "_thread", connection)).daemon = True
        return cast("Awaitable[Connection]", connection)  # awaiting it connects and gives back itself

    return create
