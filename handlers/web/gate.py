"""The gate's API (``POST /api/passes/verify``, bearer token): visitor passes and release permits alike.

Answers 200 with ``{"valid", "reason", "pass"}`` for any code, known or not (the reason, in
Chinese, is what the guard reads); 400 only for a body that is not ``{"code": "…"}``. A valid
check uses the pass once, in the same transaction as the answer.
"""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.settings import Settings
from handlers.domain import passes
from handlers.web.http import error, json_object

MAX_CODE_LENGTH = 32
_SPACES = re.compile(r"[\s-]+")


def gate_routes(sessions_key: Any, settings_key: Any, clock_key: Any) -> web.RouteTableDef:
    routes = web.RouteTableDef()

    @routes.post("/api/passes/verify")
    async def verify(request: web.Request) -> web.Response:
        app = request.app
        sessions: async_sessionmaker[AsyncSession] = app[sessions_key]
        settings: Settings = app[settings_key]
        clock: Clock = app[clock_key]
        body = await json_object(request)
        if isinstance(body, web.Response):
            return body
        code = body.get("code")
        if isinstance(code, bool) or not isinstance(code, str | int):
            return error(400, "code is required (a string)")
        code = str(code).zfill(passes.CODE_DIGITS) if isinstance(code, int) else _SPACES.sub("", code)
        if not code or len(code) > MAX_CODE_LENGTH:
            return error(400, "code is required (a string)")
        estate = body.get("estate")  # the gate's estate (optional): another estate's pass is refused
        if estate is not None and (not isinstance(estate, str)
                                   or estate not in {known.code for known in settings.estate_list}):
            return error(400, "estate must be the code of an estate (wuyebot estates list)")
        async with sessions() as session, session.begin():
            verdict = await passes.verify(session, code, clock.now(), estate)
            found = await passes.pass_json(session, verdict.gate_pass, settings) if verdict.gate_pass else None
        return web.json_response({"valid": verdict.valid, "reason": verdict.reason, "pass": found})

    return routes
