"""`wuyebot serve`: migrate the embedded database (or check that PostgreSQL's schema is current),
optionally load the demo estate, run the app."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import sys
from collections.abc import Iterator
from pathlib import Path

from aiohttp import web
from sqlalchemy.engine import make_url

from bot.app import create_app
from bot.settings import Settings
from bot.storage.db import is_sqlite

log = logging.getLogger(__name__)


def serve(settings: Settings, *, demo: bool = False) -> int:
    with _only_server(settings.database_url) as alone:
        if not alone:
            print(f"wuyebot: another `wuyebot serve` already runs on {settings.database_url}; "
                  "one process serves an embedded SQLite database", file=sys.stderr)
            return 2
        if is_sqlite(settings.database_url):
            from models.migrate import upgrade

            upgrade(settings.database_url)
        else:
            from bot.storage.schema import missing_migrations

            missing = asyncio.run(missing_migrations(settings.database_url))
            if missing:
                print(f"wuyebot: the database lacks {len(missing)} migration(s) this release needs "
                      f"({', '.join(missing)}); run `wuyebot db upgrade` first (docs/deploy.md)", file=sys.stderr)
                return 2
        if demo:
            from bot.cli.demo import load_demo_if_empty

            asyncio.run(load_demo_if_empty(settings))
            _print_console_links(settings)
        mode = "sandbox (pushes are stored, not sent)" if settings.wechat.sandbox else "live"
        log.info("wuyebot for %s on http://%s:%s, WeChat %s", settings.estate.name, settings.host, settings.port, mode)
        web.run_app(create_app(settings), host=settings.host, port=settings.port, print=None, access_log=None)
        return 0


def _print_console_links(settings: Settings) -> None:
    """The demo's staff get set-password links for the console, printed once (until each is used)."""
    from datetime import UTC, datetime

    from bot.cli.demo import CONSOLE_DEMO_PHONES
    from handlers.domain.staff_access import invite_command

    base = (settings.console.public_url or f"http://{settings.host}:{settings.port}").rstrip("/")
    for phone, role in CONSOLE_DEMO_PHONES:
        issued = asyncio.run(invite_command(settings, phone, datetime.now(UTC), only_without_password=True))
        if issued is not None:
            name, token, _until = issued
            print(f"工作台（{role}）{name} {phone}：{base}/console/invite/{token}", flush=True)


def serve_lock_path(database: str) -> Path:
    """The lock beside the real database file: a symlink or a relative path to the same file, and a
    path through a symlinked folder, all name the same lock."""
    real = Path(database).expanduser().resolve()
    return real.with_name(real.name + ".serve-lock")


@contextlib.contextmanager
def _only_server(database_url: str) -> Iterator[bool]:
    """On SQLite, one serving process per database file: it alone writes conversations and answers
    small talk from memory (bot.quick). Held as a lock on ``<database>.serve-lock`` until exit."""
    database = make_url(database_url).database
    if not is_sqlite(database_url) or database in (None, "", ":memory:"):
        yield True
        return
    lock_path = serve_lock_path(database)
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
