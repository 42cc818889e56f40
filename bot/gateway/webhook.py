"""``GET/POST /wechat``: verification, plaintext and safe mode, and refusing bad input with a 4xx.

What is checked, in order (docs/security.md): the signature; the timestamp lies inside the replay
window; the whole body arrives within the read timeout and the size limit; in safe mode the
``msg_signature`` over the ciphertext; plaintext is refused when an EncodingAESKey is set unless
the account is in compatible mode; the (timestamp, nonce) pair has not come with another body.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import timedelta

from aiohttp import web
from multidict import MultiMapping
from wechatpy.crypto import PrpCrypto, WeChatCrypto
from wechatpy.replies import TextReply

from bot.gateway.inbound import MalformedMessage, parse_inbound, read_encrypted_envelope
from bot.gateway.inbox import Inbox
from bot.gateway.replay import ReplayGuard, timestamp_fresh
from bot.gateway.signature import sign, signature_holds
from bot.settings import WebhookSettings, WechatCredentials

log = logging.getLogger(__name__)

SUCCESS = "success"  # WeChat's "no reply": nothing is shown to the owner


class Webhook:
    def __init__(self, credentials: WechatCredentials, inbox: Inbox, settings: WebhookSettings,
                 replay_guard: ReplayGuard) -> None:
        self._token = credentials.token
        self._crypto = (
            WeChatCrypto(credentials.token, credentials.aes_key, credentials.appid)
            if credentials.aes_key else None
        )
        self._inbox = inbox
        self._max_body = settings.max_body_bytes
        self._read_timeout = settings.read_timeout_seconds
        self._window = timedelta(seconds=settings.replay_window_seconds)
        self._plaintext_allowed = self._crypto is None or settings.compatible_mode
        self._replay_guard = replay_guard

    async def verify(self, request: web.Request) -> web.Response:
        """WeChat's URL check: echo ``echostr`` when the signature holds."""
        query = request.query
        if not self._signed(query):
            return _refuse(403, "bad signature", request)
        if timestamp_fresh(query.get("timestamp", ""), self._window) is None:
            return _refuse(403, "timestamp outside the replay window", request)
        return web.Response(text=query.get("echostr", ""))

    async def receive(self, request: web.Request) -> web.Response:
        started = asyncio.get_running_loop().time()
        query = request.query
        if not self._signed(query):
            return _refuse(403, "bad signature", request)
        timestamp = timestamp_fresh(query.get("timestamp", ""), self._window)
        if timestamp is None:
            return _refuse(403, "timestamp outside the replay window", request)
        raw = await self._read_body(request)
        if isinstance(raw, web.Response):
            return raw
        try:
            body = raw.decode("utf-8")
        except UnicodeDecodeError:
            return _refuse(400, "body is not UTF-8", request)
        safe_mode = query.get("encrypt_type", "").lower() == "aes"
        if not safe_mode and not self._plaintext_allowed:
            return _refuse(403, "plaintext messages are refused: the account is in safe mode", request)
        try:
            xml = self._decrypt(body, query) if safe_mode else body
            inbound = parse_inbound(xml)
        except _BadSafeModeSignature:
            return _refuse(403, "bad msg_signature", request)
        except MalformedMessage as error:
            return _refuse(400, f"malformed message: {error}", request)
        if not await self._replay_guard.admit(timestamp, query.get("nonce", ""), raw):
            return _refuse(403, "this timestamp and nonce came before with another message", request)
        answer = await self._inbox.receive(inbound, started=started)
        if answer is None:
            return web.Response(text=SUCCESS)
        reply = TextReply(source=inbound.account, target=inbound.openid,
                          content=answer.replace("]]>", "]]]]><![CDATA[>"),
                          time=int(time.time())).render()
        if safe_mode:
            assert self._crypto is not None  # _decrypt refused safe mode without it
            reply = self._crypto.encrypt_message(reply, query.get("nonce", ""), query.get("timestamp"))
        return web.Response(text=reply, content_type="application/xml")

    async def _read_body(self, request: web.Request) -> bytes | web.Response:
        """The whole body, however many TCP segments it arrives in, bounded by size and time."""
        if request.content_length is not None and request.content_length > self._max_body:
            return _refuse(413, f"body of {request.content_length} bytes is over {self._max_body}", request)
        try:
            raw = await asyncio.wait_for(request.read(), timeout=self._read_timeout)
        except web.HTTPRequestEntityTooLarge:
            return _refuse(413, f"body is over {self._max_body} bytes", request)
        except TimeoutError:
            return _refuse(408, f"body did not arrive within {self._read_timeout:g} s", request)
        if len(raw) > self._max_body:
            return _refuse(413, f"body is over {self._max_body} bytes", request)
        return raw

    def _signed(self, query: MultiMapping[str]) -> bool:
        return signature_holds((self._token, query.get("timestamp", ""), query.get("nonce", "")),
                               query.get("signature"))

    def _decrypt(self, body: str, query: MultiMapping[str]) -> str:
        if self._crypto is None:
            raise MalformedMessage("safe mode is not configured (WECHAT_AES_KEY unset)")
        encrypted = read_encrypted_envelope(body)
        timestamp, nonce = query.get("timestamp", ""), query.get("nonce", "")
        if not signature_holds((self._token, timestamp, nonce, encrypted), query.get("msg_signature")):
            raise _BadSafeModeSignature
        try:
            return str(PrpCrypto(self._crypto.key).decrypt(encrypted, self._crypto._id))
        except Exception:  # wechatpy raises bare ValueError/InvalidAppIdException/… on garbage
            raise MalformedMessage("the encrypted message cannot be decrypted") from None


class _BadSafeModeSignature(Exception):
    pass


def _refuse(status: int, reason: str, request: web.Request) -> web.Response:
    log.warning("refused %s %s from %s: %s", request.method, request.path, request.remote, reason)
    return web.Response(status=status, text=reason)


__all__ = ["Webhook", "sign"]
