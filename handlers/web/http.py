"""Small helpers for the JSON routes in handlers/: a 4xx with a reason, never a 5xx for input."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web


def error(status: int, reason: str) -> web.Response:
    return web.json_response({"error": reason}, status=status)


async def json_object(request: web.Request) -> dict[str, Any] | web.Response:
    """The request body as a JSON object, or the 400 to answer instead."""
    try:
        body = json.loads(await request.read())
    except web.HTTPRequestEntityTooLarge:
        return error(413, "body is too large")
    except (ValueError, RecursionError):  # bad JSON or UTF-8, an integer of thousands of digits, deep nesting
        return error(400, "body must be a JSON object")
    if not isinstance(body, dict):
        return error(400, "body must be a JSON object")
    try:
        if _holds_nul(body):  # PostgreSQL cannot store it in a text column (bot/middlewares.py)
            return error(400, "body must not contain NUL characters")
    except RecursionError:
        return error(400, "body is nested too deeply")
    return body


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(key) or _holds_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False
