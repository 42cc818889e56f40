"""`wuyebot chat`: a terminal chat as an owner against the running webhook.

Each typed line is sent like WeChat would send it (signed; encrypted in safe mode) and the reply
is printed; in sandbox mode pushes addressed to this openid are printed as they arrive.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import count

import aiohttp
from defusedxml.ElementTree import fromstring
from wechatpy.crypto import WeChatCrypto

from bot.gateway.signature import sign
from bot.settings import SANDBOX_TOKEN, Settings, SettingsError, load_settings

PUSH_POLL_SECONDS = 1.0
ACCOUNT_ID = "gh_wuyebot_chat"


def text_message_xml(openid: str, text: str, msg_id: int, created: int) -> str:
    """The XML WeChat posts for a text message."""
    body = text.replace("]]>", "]]]]><![CDATA[>")
    return (
        f"<xml><ToUserName><![CDATA[{ACCOUNT_ID}]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{created}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content><![CDATA[{body}]]></Content><MsgId>{msg_id}</MsgId></xml>"
    )


@dataclass(frozen=True)
class ChatSettings:
    """What the chat needs: the credentials WeChat would sign with, and where the service listens.

    Read from config.yaml and the environment like the service's own settings when config.yaml is
    found; with ``--url`` and no config.yaml (another folder, another machine) from the
    environment alone, since the chat needs nothing else.
    """

    token: str
    aes_key: str | None
    appid: str | None
    admin_token: str | None
    estate: str
    url: str

    @property
    def sandbox(self) -> bool:
        return self.appid is None

    @classmethod
    def of(cls, settings: Settings) -> ChatSettings:
        credentials = settings.wechat
        return cls(credentials.token, credentials.aes_key, credentials.appid, settings.admin_token,
                   settings.estate.name, f"http://{settings.host}:{settings.port}")

    @classmethod
    def load(cls, url: str | None, environ: Mapping[str, str] | None = None) -> ChatSettings:
        """The service's settings when they load; with ``url`` given, the environment is enough."""
        environ = os.environ if environ is None else environ
        try:
            return cls.of(load_settings(environ=environ))
        except SettingsError:
            if url is None:
                raise
        value = {name: (environ.get(name) or "").strip() or None
                 for name in ("WECHAT_TOKEN", "WECHAT_AES_KEY", "WECHAT_APPID", "WUYEBOT_ADMIN_TOKEN")}
        return cls(value["WECHAT_TOKEN"] or SANDBOX_TOKEN, value["WECHAT_AES_KEY"], value["WECHAT_APPID"],
                   value["WUYEBOT_ADMIN_TOKEN"], "物业", url)


class WebhookClient:
    """Signs and posts messages the way WeChat does, and reads the passive reply."""

    def __init__(self, http: aiohttp.ClientSession, settings: ChatSettings, base_url: str) -> None:
        self._http = http
        self._token = settings.token
        self._crypto = WeChatCrypto(settings.token, settings.aes_key, settings.appid) if settings.aes_key else None
        self._url = base_url + "/wechat"
        self._ids = count(int(time.time() * 1000))

    async def say(self, openid: str, text: str) -> str:
        xml = text_message_xml(openid, text, next(self._ids), int(time.time()))
        timestamp, nonce = str(int(time.time())), secrets.token_hex(8)
        params = {"signature": sign(self._token, timestamp, nonce), "timestamp": timestamp, "nonce": nonce,
                  "openid": openid}
        if self._crypto is not None:
            envelope = self._crypto.encrypt_message(xml, nonce, timestamp)
            params |= {"encrypt_type": "aes", "msg_signature": fromstring(envelope).findtext("MsgSignature") or ""}
            xml = envelope
        async with self._http.post(self._url, params=params, data=xml.encode("utf-8")) as response:
            body = await response.text()
            if response.status != 200:
                return f"[HTTP {response.status}] {body}"
        if body == "success" or not body:
            return ""
        if self._crypto is not None:
            root = fromstring(body)
            body = self._crypto.decrypt_message(body, root.findtext("MsgSignature"), root.findtext("TimeStamp"),
                                                root.findtext("Nonce"))
        return fromstring(body).findtext("Content") or ""


async def chat(settings: ChatSettings, base_url: str, openid: str) -> int:
    print(f"与 {settings.estate} 客服对话（{openid}），输入内容后回车；Ctrl-D 退出。")
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as http:
        client = WebhookClient(http, settings, base_url)
        poller = (asyncio.create_task(_print_pushes(http, base_url, openid, settings.admin_token))
                  if settings.sandbox else None)
        try:
            while True:
                line = await asyncio.to_thread(_read_line)
                if line is None:
                    break
                if not line.strip():
                    continue
                try:
                    reply = await client.say(openid, line.strip())
                except aiohttp.ClientError as error:
                    print(f"[无法连接 {base_url}：{error}。请先运行 wuyebot serve]")
                    continue
                if reply:
                    print(f"客服：{reply}")
        finally:
            if poller is not None:
                poller.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await poller
    return 0


def _read_line() -> str | None:
    try:
        return input("我：" if sys.stdin.isatty() else "")
    except EOFError:
        return None


async def _print_pushes(http: aiohttp.ClientSession, base_url: str, openid: str, admin_token: str | None) -> None:
    """Sandbox pushes for this openid, printed as they arrive (only new ones from start-up on).

    The service shows them to this machine, or to anyone with the admin token (docs/security.md).
    """
    headers = {"Authorization": f"Bearer {admin_token}"} if admin_token else {}
    after = None
    while True:
        with contextlib.suppress(aiohttp.ClientError, TimeoutError, ValueError):
            params = {"openid": openid, "after": str(after or 0)}
            async with http.get(base_url + "/sandbox/outbox", params=params, headers=headers) as response:
                if response.status == 200:
                    pushes = (await response.json())["pushes"]
                    if after is None:  # skip what was sent before this chat began
                        after = pushes[-1]["id"] if pushes else 0
                        if len(pushes) == 100:
                            continue
                    else:
                        for push in pushes:
                            print(f"[推送] {push['text']}")
                            after = push["id"]
        await asyncio.sleep(PUSH_POLL_SECONDS)
