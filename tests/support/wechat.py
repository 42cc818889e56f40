"""Plays WeChat's server: builds message XML, signs it, encrypts it with wechatpy in safe mode."""

from __future__ import annotations

import itertools
import secrets
import time
from dataclasses import dataclass
from xml.sax.saxutils import escape

import aiohttp
from defusedxml.ElementTree import fromstring
from wechatpy.crypto import WeChatCrypto

from bot.gateway.signature import sign

ACCOUNT = "gh_test_account"
_msg_ids = itertools.count(6_000_000_000_000_000_000)


def message_xml(openid: str, msg_type: str, fields: dict[str, str], *, msg_id: int | None = None,
                created: int | None = None) -> str:
    created = int(time.time()) if created is None else created
    parts = [
        f"<ToUserName><![CDATA[{ACCOUNT}]]></ToUserName>",
        f"<FromUserName><![CDATA[{openid}]]></FromUserName>",
        f"<CreateTime>{created}</CreateTime>",
        f"<MsgType><![CDATA[{msg_type}]]></MsgType>",
    ]
    parts += [f"<{name}><![CDATA[{value}]]></{name}>" for name, value in fields.items()]
    if msg_type != "event":
        parts.append(f"<MsgId>{next(_msg_ids) if msg_id is None else msg_id}</MsgId>")
    return "<xml>" + "".join(parts) + "</xml>"


def text_xml(openid: str, text: str, **kwargs: int) -> str:
    return message_xml(openid, "text", {"Content": text}, **kwargs)


def event_xml(openid: str, event: str, key: str | None = None, *, created: int | None = None) -> str:
    fields = {"Event": event}
    if key is not None:
        fields["EventKey"] = key
    return message_xml(openid, "event", fields, created=created)


@dataclass
class Answer:
    status: int
    body: str
    content: str | None  # the text of a passive reply, decrypted in safe mode

    @property
    def is_success(self) -> bool:
        return self.status == 200 and self.body == "success"


class WeChatServer:
    """What WeChat does for the official account: POST signed (and maybe encrypted) XML to /wechat."""

    def __init__(self, http: aiohttp.ClientSession, base_url: str, token: str,
                 aes_key: str | None = None, appid: str | None = None) -> None:
        self.http = http
        self.url = base_url + "/wechat"
        self.token = token
        self.crypto = WeChatCrypto(token, aes_key, appid) if aes_key else None

    def signed_params(self, *, timestamp: str | None = None, nonce: str | None = None) -> dict[str, str]:
        timestamp = timestamp or str(int(time.time()))
        nonce = nonce or secrets.token_hex(6)
        return {"signature": sign(self.token, timestamp, nonce), "timestamp": timestamp, "nonce": nonce}

    async def post(self, xml: str | bytes, *, safe: bool = False, params: dict[str, str] | None = None) -> Answer:
        query = params or self.signed_params()
        data = xml.encode("utf-8") if isinstance(xml, str) else xml
        if safe:
            assert self.crypto is not None
            envelope = self.crypto.encrypt_message(xml, query["nonce"], query["timestamp"])
            query = {**query, "encrypt_type": "aes", "msg_signature": fromstring(envelope).findtext("MsgSignature")}
            data = envelope.encode("utf-8")
        async with self.http.post(self.url, params=query, data=data) as response:
            body = await response.text()
            status = response.status
        content = None
        if status == 200 and body != "success":
            plain = body
            if safe:
                root = fromstring(body)
                assert root.findtext("TimeStamp") == query["timestamp"]
                assert root.findtext("Nonce") == query["nonce"]
                plain = self.crypto.decrypt_message(body, root.findtext("MsgSignature"),
                                                    root.findtext("TimeStamp"), root.findtext("Nonce"))
            content = fromstring(plain).findtext("Content")
        return Answer(status, body, content)

    async def say(self, openid: str, text: str, *, safe: bool = False, msg_id: int | None = None) -> Answer:
        return await self.post(text_xml(openid, text, msg_id=msg_id), safe=safe)


__all__ = ["Answer", "WeChatServer", "escape", "event_xml", "message_xml", "text_xml"]
