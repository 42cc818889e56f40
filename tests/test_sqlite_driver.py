"""The SQLite driver (bot.sqlite_driver): one trip to aiosqlite's thread per statement, the same results."""

from __future__ import annotations

import asyncio

import aiosqlite
import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select, text
from sqlalchemy.exc import IntegrityError, OperationalError

from bot.storage.db import create_engine
from bot.storage.sqlite_driver import INLINE

metadata = MetaData()
items = Table("items", metadata, Column("id", Integer, primary_key=True), Column("name", String, unique=True))


@pytest.fixture
async def engine(tmp_path):  # type: ignore[no-untyped-def]
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'driver.db'}")
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    yield engine
    await engine.dispose()


@pytest.fixture
def trips(monkeypatch) -> list[str]:  # type: ignore[no-untyped-def]
    """Every call aiosqlite runs in its thread."""
    made: list[str] = []
    original = aiosqlite.Connection._execute

    async def counted(self, fn, *args, **kwargs):  # type: ignore[no-untyped-def]
        made.append(getattr(fn, "__name__", repr(fn)))
        return await original(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
    return made


async def test_rows_counts_and_ids_come_back(engine) -> None:  # type: ignore[no-untyped-def]
    async with engine.begin() as connection:
        first = await connection.execute(insert(items).values(name="水管"))
        many = await connection.execute(insert(items), [{"name": f"灯{i}"} for i in range(5)])
        assert first.inserted_primary_key == (1,) and many.rowcount == 5
    async with engine.connect() as connection:
        result = await connection.execute(select(items.c.name).order_by(items.c.id))
        assert result.fetchone() == ("水管",)
        assert result.fetchmany(2) == [("灯0",), ("灯1",)]
        assert [row.name for row in result.fetchall()] == ["灯2", "灯3", "灯4"]
        assert (await connection.execute(select(items).where(items.c.id == 99))).first() is None
        updated = await connection.execute(text("UPDATE items SET name = name || '!' WHERE id > 3"))
        assert updated.rowcount == 3


async def test_errors_arrive_as_sqlalchemys(engine) -> None:  # type: ignore[no-untyped-def]
    async with engine.begin() as connection:
        await connection.execute(insert(items).values(name="门禁"))
    with pytest.raises(IntegrityError):  # the inbox's dedupe relies on this
        async with engine.begin() as connection:
            await connection.execute(insert(items).values(name="门禁"))
    with pytest.raises(OperationalError):
        async with engine.connect() as connection:
            await connection.execute(text("SELEKT 1"))
    async with engine.connect() as connection:  # the connection is still good
        assert (await connection.execute(select(items.c.name))).scalars().all() == ["门禁"]


async def test_a_statement_is_one_trip_to_the_thread(engine, trips) -> None:  # type: ignore[no-untyped-def]
    async with engine.connect() as connection:
        await connection.execute(select(items))  # the transaction begins: BEGIN IMMEDIATE is a statement too
        trips.clear()
        await connection.execute(select(items.c.name).where(items.c.id > 0))
        assert trips == ["_patiently"]
        trips.clear()
        await connection.execute(insert(items).values(name="电梯"))
        assert trips == ["_patiently"]


async def test_a_long_statement_leaves_the_event_loop_free(engine) -> None:  # type: ignore[no-untyped-def]
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    ticker = asyncio.create_task(tick())
    async with engine.connect() as connection:
        started = asyncio.get_running_loop().time()
        await connection.execute(text(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000000) SELECT count(*) FROM n"))
        took = asyncio.get_running_loop().time() - started
    ticker.cancel()
    assert took < 0.05 or ticks >= 2, (took, ticks)  # the loop ran while SQLite worked in its thread


async def test_inline_statements_never_go_to_the_thread_while_nobody_else_holds_the_lock(  # type: ignore[no-untyped-def]
        engine, trips) -> None:
    INLINE.set(True)  # this test's task is a message being handled (contextvars are per task)
    async with engine.begin() as connection:
        assert (await connection.exec_driver_sql("PRAGMA busy_timeout")).scalar() == 0  # no busy wait on the loop
        await connection.execute(insert(items).values(name="水表"))
        await connection.execute(select(items.c.name))
    assert trips == []  # BEGIN IMMEDIATE, the insert, the select and COMMIT all ran on the loop
    async with engine.connect() as connection:
        assert (await connection.execute(select(items.c.name))).scalars().all() == ["水表"]
    with pytest.raises(IntegrityError):  # errors and rollback inline too
        async with engine.begin() as connection:
            await connection.execute(insert(items).values(name="水表"))


async def test_begin_waits_for_another_processs_lock_off_the_loop(engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A `wuyebot import` holding the write lock: an inline message waits for it in the thread, the loop runs on."""
    import sqlite3

    other = sqlite3.connect(tmp_path / "driver.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    async def message() -> None:
        INLINE.set(True)
        async with engine.begin() as connection:
            await connection.execute(insert(items).values(name="燃气"))

    ticker = asyncio.create_task(tick())
    waiting = asyncio.create_task(message())
    await asyncio.sleep(0.2)
    assert not waiting.done() and ticks >= 5  # blocked on the lock, the loop free
    other.execute("COMMIT")
    await asyncio.wait_for(waiting, 5)
    ticker.cancel()
    other.close()
