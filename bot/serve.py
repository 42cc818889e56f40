"""`wuyebot serve`: migrate the embedded database, optionally load the demo estate, run the app."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web

from bot.app import create_app
from bot.db import is_sqlite
from bot.settings import Settings

log = logging.getLogger(__name__)


def serve(settings: Settings, *, demo: bool = False) -> int:
    if is_sqlite(settings.database_url):
        from models.migrate import upgrade

        upgrade(settings.database_url)
    if demo:
        from bot.demo import load_demo_if_empty

        asyncio.run(load_demo_if_empty(settings))
    mode = "sandbox (pushes are stored, not sent)" if settings.wechat.sandbox else "live"
    log.info("wuyebot for %s on http://%s:%s, WeChat %s", settings.estate.name, settings.host, settings.port, mode)
    web.run_app(create_app(settings), host=settings.host, port=settings.port, print=None, access_log=None)
    return 0
