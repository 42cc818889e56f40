"""The service's HTTP middlewares: request ids, NUL refusal, the admin bearer token.

- ``request_ids``: each request's id in its log lines (``bot.logs.REQUEST_ID``) and in its
  answer's ``X-Request-Id``.
- ``refuse_nul``: a NUL character in the path, the query or a console form's field is refused with a 400
  here, before any handler: PostgreSQL cannot store one in a text column, so it would otherwise
  fail deep in a transaction as a 500 (the embedded SQLite stores it). JSON bodies are checked
  where they are read (``handlers/web/http.py``); XML cannot carry one.
- ``bearer_auth``: ``/api/*`` and ``/metrics`` need ``Authorization: Bearer <WUYEBOT_ADMIN_TOKEN>``.
"""

from __future__ import annotations

import hmac
import re
import uuid
from typing import Any

from aiohttp import web

from bot.keys import SETTINGS
from bot.logs import REQUEST_ID

NUL = "\x00"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
FORM_PATHS = ("/console/",)  # where forms are read (the webhook reads its own body, bounded: bot/gateway/webhook.py)


@web.middleware
async def refuse_nul(request: web.Request, handler: Any) -> web.StreamResponse:
    found = NUL in request.path or NUL in request.query_string or any(NUL in value for value in request.query.values())
    if not found and request.method == "POST" and request.path.startswith(FORM_PATHS) \
            and request.content_type in FORM_TYPES:
        # Once read here the body is gone for the handler, so a form that cannot be read whole is
        # answered here too: never a half-read body reaching a handler as its form.
        try:
            form = await request.post()
        except web.HTTPRequestEntityTooLarge:
            limit = request.app[SETTINGS].webhook.max_body_bytes // 1024
            return web.Response(status=413, text=f"表单太大（超过 {limit} KB），无法处理")
        except Exception:
            return web.Response(status=400, text="表单无法读取，请刷新页面后重试")
        found = any(NUL in key or (isinstance(value, str) and NUL in value) for key, value in form.items())
    if found:
        reason = "请求中含有空字符（NUL），无法处理"
        if request.path.startswith("/api/"):
            return web.json_response({"error": "the request contains a NUL character"}, status=400)
        return web.Response(status=400, text=reason)
    return await handler(request)


REQUEST_ID_FORM = re.compile(r"[A-Za-z0-9._:-]{1,64}")


@web.middleware
async def request_ids(request: web.Request, handler: Any) -> web.StreamResponse:
    """Each request's id in its log lines and its answer's ``X-Request-Id``: nginx's (``$request_id``)
    when it sends a sane one, else a new one (docs/operations.md)."""
    offered = request.headers.get("X-Request-Id", "")
    request_id = offered if REQUEST_ID_FORM.fullmatch(offered) else uuid.uuid4().hex[:16]
    token = REQUEST_ID.set(request_id)
    try:
        response = await handler(request)
    except web.HTTPException as answer:
        answer.headers["X-Request-Id"] = request_id
        raise
    finally:
        REQUEST_ID.reset(token)
    if not response.prepared:
        response.headers["X-Request-Id"] = request_id
    return response


def bearer_ok(request: web.Request) -> bool:
    """``Authorization: Bearer <WUYEBOT_ADMIN_TOKEN>``, compared in constant time; no token set, no entry.

    Header bytes that are not UTF-8 arrive as surrogates; they are compared as the bytes they were.
    """
    expected = request.app[SETTINGS].admin_token
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if not expected or scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(token.strip().encode("utf-8", "surrogateescape"), expected.encode("utf-8"))


@web.middleware
async def bearer_auth(request: web.Request, handler: Any) -> web.StreamResponse:
    """``/api/*`` and ``/metrics`` need the admin bearer token."""
    if (request.path.startswith("/api/") or request.path == "/metrics") and not bearer_ok(request):
        return web.json_response({"error": "missing or wrong bearer token"}, status=401,
                                 headers={"WWW-Authenticate": "Bearer"})
    return await handler(request)
