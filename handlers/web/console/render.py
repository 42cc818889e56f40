"""Rendering console pages: the template, the signed-in person, the CSRF token and one-time notices."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from aiohttp_session import get_session

from handlers.domain.staffing import may_announce
from handlers.web.console.context import STAFF, Console

CSRF = "csrf"
FLASH = "flash"
MAX_ROW_ID = 2**31 - 1  # PostgreSQL's integer: a larger id cannot exist, and would fail the query


def record_id(text: str, minimum: int = 1) -> int | None:
    """A row id from an address, a query or a form; None unless it is plain ASCII digits in range.

    ``str.isdigit`` alone is not enough: it accepts "²" and "٣", which ``int`` then refuses.
    """
    if not (text.isascii() and text.isdigit()) or len(text) > 10:
        return None
    value = int(text)
    return value if minimum <= value <= MAX_ROW_ID else None


async def page(request: web.Request, template: str, status: int = 200, **context: Any) -> web.Response:
    session = await get_session(request)
    console = Console(request)
    me = request.get(STAFF)
    context.setdefault("flash", session.pop(FLASH, None))
    context.update(me=me, csrf=session.get(CSRF, ""), path=request.path,
                   supervising=me is not None and console.supervising,
                   is_admin=me is not None and console.is_admin, announces=me is not None and may_announce(me),
                   now=console.now().astimezone(console.settings.tz))
    return aiohttp_jinja2.render_template(template, request, context, status=status)


async def flash(request: web.Request, text: str, kind: str = "ok") -> None:
    """A notice shown once, on the next page (after a redirect)."""
    session = await get_session(request)
    session[FLASH] = {"text": text, "kind": kind}


async def problem(request: web.Request, status: int, reason: str) -> web.Response:
    """A 4xx page with a plain reason (never a stack trace)."""
    return await page(request, "error.html", status=status, reason=reason)


def redirect(location: str) -> web.HTTPSeeOther:
    return web.HTTPSeeOther(location)


def local(moment: datetime | None, console: Console, form: str = "%m-%d %H:%M") -> str:
    return moment.astimezone(console.settings.tz).strftime(form) if moment is not None else "—"
