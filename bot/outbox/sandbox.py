"""Sandbox mode (no ``WECHAT_APPID``): pushes stay in the outbox and `wuyebot chat` reads them here."""

from __future__ import annotations

import ipaddress

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import OutboxMessage


def from_this_machine(request: web.Request) -> bool:
    """A direct connection from loopback; a request relayed by a proxy (X-Forwarded-For) is not."""
    remote = request.remote or ""
    try:
        loopback = ipaddress.ip_address(remote.split("%")[0]).is_loopback
    except ValueError:
        loopback = False
    return loopback and "X-Forwarded-For" not in request.headers and "Forwarded" not in request.headers


async def list_pushes(request: web.Request, sessions: async_sessionmaker[AsyncSession]) -> web.Response:
    """``GET /sandbox/outbox?openid=…&after=ID``: pushes to one openid with an id above ``after``."""
    openid = request.query.get("openid", "").strip()
    if not openid:
        return web.json_response({"error": "openid is required"}, status=400)
    try:
        after = int(request.query.get("after", "0"))
    except ValueError:
        return web.json_response({"error": "after must be a whole number"}, status=400)
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.recipient == openid, OutboxMessage.id > after, OutboxMessage.status == "sent")
        .order_by(OutboxMessage.id)
        .limit(100)
    )
    async with sessions() as session:
        rows = (await session.scalars(query)).all()
    pushes = [
        {"id": row.id, "kind": row.kind, "text": row.payload.get("text", ""), "sent_at": row.sent_at.isoformat()}
        for row in rows if row.sent_at is not None
    ]
    return web.json_response({"pushes": pushes})
