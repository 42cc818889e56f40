"""`wuyebot serve` on PostgreSQL starts only on a schema this release can use (bot.storage.schema)."""

from __future__ import annotations

import asyncio
import os
import socket
import sqlite3
import sys
from pathlib import Path

import aiohttp

from bot.storage.schema import missing_migrations
from models.migrate import upgrade

REPO = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_missing_migrations_names_what_the_database_lacks(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'schema.db'}"
    assert (await missing_migrations(url))[:2] == ["0001", "0002"]  # type: ignore[index]
    await asyncio.to_thread(upgrade, url, "0007")
    missing = await missing_migrations(url)
    assert missing and missing[0] == "0008"
    await asyncio.to_thread(upgrade, url)
    assert await missing_migrations(url) == []
    with sqlite3.connect(tmp_path / "schema.db") as connection:  # a newer release migrated it
        connection.execute("UPDATE alembic_version SET version_num = 'f00d'")
    assert await missing_migrations(url) == []
    assert await missing_migrations("postgresql+asyncpg://postgres@127.0.0.1:1/nowhere") is None


async def _serve(env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "serve", cwd=REPO, env=env,
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)


async def test_serve_on_postgresql_refuses_an_old_schema_then_starts_after_db_upgrade(postgres_url: str) -> None:
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO), "WUYEBOT_CONFIG": str(REPO / "config.yaml"),
           "WUYEBOT_DATABASE_URL": postgres_url, "WUYEBOT_PORT": str(port), "WECHAT_TOKEN": "schema-check"}
    env.pop("WECHAT_APPID", None)
    await asyncio.to_thread(upgrade, postgres_url, "0008")  # the previous release's schema

    refused = await _serve(env)
    _out, err = await asyncio.wait_for(refused.communicate(), timeout=60)
    assert refused.returncode == 2, err.decode()
    assert err.decode().strip().splitlines()[-1] == (
        "wuyebot: the database lacks 1 migration(s) this release needs (0009); "
        "run `wuyebot db upgrade` first (docs/deploy.md)")

    upgrade_run = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "db", "upgrade", cwd=REPO, env=env)
    assert await asyncio.wait_for(upgrade_run.wait(), timeout=120) == 0

    serving = await _serve(env)
    try:
        status = None
        async with aiohttp.ClientSession() as http:
            for _ in range(300):
                try:
                    async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                        status = response.status
                        if status == 200:
                            break
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.1)
        assert status == 200
    finally:
        serving.terminate()
        await asyncio.wait_for(serving.communicate(), timeout=30)
