"""`wuyebot menu push`: set the official account's custom menu from config.yaml (docs/menu.md).

The menu is checked twice before anything is sent: WeChat's rules when the settings load
(``bot.settings.MenuSettings``), and here that every click button's intent is one a flow answers.
Then the JSON goes to WeChat's ``menu/create`` through the service's own client, with the access
token shared through the database. A refusal is printed as WeChat's code with a Chinese and English
explanation, and the command exits with 1; a menu that cannot be pushed at all exits with 2.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, TextIO

import aiohttp
from sqlalchemy.exc import SQLAlchemyError

from bot.clock import SystemClock
from bot.settings import MenuSettings, Settings
from bot.storage.db import create_engine, ensure_sqlite_directory, is_sqlite, session_factory
from bot.wechat_api import WeChatAPI, WeChatError, explain_error

if TYPE_CHECKING:
    from datetime import datetime

    from bot.nlu import Understanding


async def push_menu(settings: Settings, *, dry_run: bool = False, out: TextIO = sys.stdout,
                    err: TextIO = sys.stderr) -> int:
    menu = settings.menu
    if not menu.buttons:
        print("wuyebot: config.yaml has no menu.buttons: nothing to push (see docs/menu.md)", file=err)
        return 2
    problems = unrouted_intents(menu)
    if problems:
        for problem in problems:
            print(f"wuyebot: menu: {problem}", file=err)
        return 2
    payload = menu.payload()
    if dry_run:
        print(json.dumps(payload, ensure_ascii=False, indent=2), file=out)
        return 0
    if settings.wechat.sandbox:
        print("wuyebot: sandbox mode: set WECHAT_APPID and WECHAT_SECRET to push the menu to WeChat "
              "(--dry-run prints it)", file=err)
        return 2
    try:
        await _create(settings, payload)
    except WeChatError as error:
        if error.errcode is None:
            print(f"wuyebot: the menu was not pushed: {error.errmsg} ({explain_error(None)})", file=err)
        else:
            print(f"wuyebot: WeChat refused the menu: errcode {error.errcode} ({error.errmsg})\n"
                  f"  {explain_error(error.errcode)}", file=err)
        return 1
    except (SQLAlchemyError, OSError) as error:  # the token is kept in the database
        print(f"wuyebot: the menu was not pushed: the database is not usable ({type(error).__name__}); "
              "check WUYEBOT_DATABASE_URL and run `wuyebot db upgrade`", file=err)
        return 1
    print(f"menu pushed: {describe(menu)}", file=out)
    print("WeChat clients show the new menu within about 5 minutes (unfollow and follow again to see it now).",
          file=out)
    return 0


async def _create(settings: Settings, payload: dict[str, object]) -> None:
    if is_sqlite(settings.database_url):
        from models.migrate import upgrade_async

        ensure_sqlite_directory(settings.database_url)
        await upgrade_async(settings.database_url)
    engine = create_engine(settings.database_url)
    try:
        async with aiohttp.ClientSession() as http:
            api = WeChatAPI(http, settings.wechat, session_factory(engine), SystemClock())
            await api.create_menu(payload)
    finally:
        await engine.dispose()


def unrouted_intents(menu: MenuSettings) -> list[str]:
    """The click buttons whose intent no flow answers (a typo in config.yaml)."""
    from handlers import build_dispatcher

    dispatcher = build_dispatcher(_no_understanding)
    return [f"button “{button.name}” ({button.key}): no flow answers the intent {button.intent!r}"
            for button in menu.click_buttons()
            if button.intent is not None and dispatcher.intent_route(button.intent) is None]


def _no_understanding(text: str, now: datetime, expecting: str | None = None) -> Understanding:
    raise RuntimeError("the menu check reads no messages")


def describe(menu: MenuSettings) -> str:
    """One line: 报事报修（报修、我的工单）、生活服务（…）."""
    parts = []
    for button in menu.buttons:
        subs = "、".join(sub.name for sub in button.sub_buttons)
        parts.append(f"{button.name}（{subs}）" if subs else button.name)
    return "；".join(parts)
