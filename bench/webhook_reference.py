"""The bare reference endpoint for bench/webhook.py: check the signature, parse with wechatpy, reply."""

from __future__ import annotations

import sys
import time

from aiohttp import web
from wechatpy import parse_message
from wechatpy.replies import TextReply

from bot.gateway.signature import signature_holds

TOKEN = "bench-token"


async def receive(request: web.Request) -> web.Response:
    query = request.query
    if not signature_holds((TOKEN, query.get("timestamp", ""), query.get("nonce", "")), query.get("signature")):
        return web.Response(status=403)
    message = parse_message(await request.text())
    reply = TextReply(message=message, content="您好，物业客服很高兴为您服务。", time=int(time.time()))
    return web.Response(text=reply.render(), content_type="application/xml")


if __name__ == "__main__":
    app = web.Application()
    app.router.add_post("/wechat", receive)
    web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)
