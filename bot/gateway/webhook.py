"""``GET/POST /wechat``: verification, plaintext and safe mode, and refusing bad input with a 4xx."""

from __future__ import annotations

import asyncio
import logging
import time

from aiohttp import web
from wechatpy.crypto import PrpCrypto, WeChatCrypto
from wechatpy.replies import TextReply

from bot.gateway.inbound import MalformedMessage, parse_inbound, read_encrypted_envelope
from bot.gateway.signature import sign, signature_holds
from bot.inbox import Inbox
from bot.settings import WechatCredentials

log = logging.getLogger(__name__)

SUCCESS = "success"  # WeChat's "no reply": nothing is shown to the owner


class Webhook:
    def __init__(self, credentials: WechatCredentials, inbox: Inbox, max_body_bytes: int) -> None:
        self._token = credentials.token
        self._crypto = (
            WeChatCrypto(credentials.token, credentials.aes_key, credentials.appid)
            if credentials.aes_key else None
        )
        self._inbox = inbox
        self._max_body = max_body_bytes

    async def verify(self, request: web.Request) -> web.Response:
        """WeChat's URL check: echo ``echostr`` when the signature holds."""
        query = request.query
        if not self._signed(query):
            return _refuse(403, "bad signature", request)
        return web.Response(text=query.get("echostr", ""))

    async def receive(self, request: web.Request) -> web.Response:
        started = asyncio.get_running_loop().time()
        query = request.query
        if not self._signed(query):
            return _refuse(403, "bad signature", request)
        if request.content_length is not None and request.content_length > self._max_body:
            return _refuse(413, f"body of {request.content_length} bytes is over {self._max_body}", request)
        raw = await request.content.read(self._max_body + 1)
        if len(raw) > self._max_body:
            return _refuse(413, f"body is over {self._max_body} bytes", request)
        try:
            body = raw.decode("utf-8")
        except UnicodeDecodeError:
            return _refuse(400, "body is not UTF-8", request)
        safe_mode = query.get("encrypt_type", "").lower() == "aes"
        try:
            xml = self._decrypt(body, query) if safe_mode else body
            inbound = parse_inbound(xml)
        except _BadSafeModeSignature:
            return _refuse(403, "bad msg_signature", request)
        except MalformedMessage as error:
            return _refuse(400, f"malformed message: {error}", request)
        answer = await self._inbox.receive(inbound, started=started)
        if answer is None:
            return web.Response(text=SUCCESS)
        reply = TextReply(source=inbound.account, target=inbound.openid, content=answer.replace("]]>", "]]]]><![CDATA[>"),
                          time=int(time.time())).render()
        if safe_mode:
            reply = self._crypto.encrypt_message(reply, query.get("nonce", ""), query.get("timestamp"))  # type: ignore[union-attr]
        return web.Response(text=reply, content_type="application/xml")

    def _signed(self, query: web.MultiDictProxy[str] | object) -> bool:
        get = query.get  # type: ignore[attr-defined]
        return signature_holds((self._token, get("timestamp", ""), get("nonce", "")), get("signature"))

    def _decrypt(self, body: str, query: web.MultiDictProxy[str]) -> str:
        if self._crypto is None:
            raise MalformedMessage("safe mode is not configured (WECHAT_AES_KEY unset)")
        encrypted = read_encrypted_envelope(body)
        timestamp, nonce = query.get("timestamp", ""), query.get("nonce", "")
        if not signature_holds((self._token, timestamp, nonce, encrypted), query.get("msg_signature")):
            raise _BadSafeModeSignature
        try:
            return PrpCrypto(self._crypto.key).decrypt(encrypted, self._crypto._id)
        except Exception as error:  # wechatpy raises bare ValueError/InvalidAppIdException/… on garbage
            raise MalformedMessage(f"cannot decrypt: {type(error).__name__}") from None


class _BadSafeModeSignature(Exception):
    pass


def _refuse(status: int, reason: str, request: web.Request) -> web.Response:
    log.warning("refused %s %s from %s: %s", request.method, request.path, request.remote, reason)
    return web.Response(status=status, text=reason)


__all__ = ["Webhook", "sign"]
