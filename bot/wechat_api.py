"""Async client of the WeChat official-account API, on aiohttp.

wechatpy's client is synchronous, retries token errors without limit and has no timeout on the
token fetch; this one fetches the access token with a timeout, shares it between processes
through the database, refreshes it under a lock and retries a call at most once on a token error.

The lock is per process on SQLite (the embedded default runs one process, and holding its only
connection during an HTTP fetch would stall the webhook) and across processes on PostgreSQL, where
several senders may run: there a transaction-scoped advisory lock makes the others wait for the
one fetch and read its token, so no process invalidates the token another has just stored.
"""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import datetime, timedelta
from typing import Any

import aiohttp
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.privacy import scrub_secrets
from bot.settings import WechatCredentials
from models import AccessToken

log = logging.getLogger(__name__)

TOKEN_ERRORS = frozenset({40001, 40014, 42001})  # invalid, illegal or expired access token
# Refresh a little before WeChat's stated expiry so no call goes out with a dying token.
TOKEN_EXPIRY_MARGIN = timedelta(minutes=5)
# Bodies sent as UTF-8 text rather than with \uXXXX escapes: menu/create measures button names as
# sent, so an escaped Chinese name comes back as 40018 (invalid button name size).
UTF8_BODIES = frozenset({"menu/create"})
# Key of the PostgreSQL advisory lock held while one process refreshes the token.
TOKEN_REFRESH_LOCK = 0x77757965  # "wuye"


# What WeChat's error codes mean when setting the custom menu (menu/create), in Chinese for the
# office and English for whoever reads the logs; the general ones (credentials, IP allow-list) too.
MENU_ERRORS: dict[int, tuple[str, str]] = {
    -1: ("微信系统繁忙，请稍后再试", "WeChat is busy; try again later"),
    40001: ("access_token 无效：AppSecret 不对，或另一台服务器刷新了 token",
            "invalid credential: wrong AppSecret, or another server refreshed the token"),
    40013: ("AppID 无效，请检查 WECHAT_APPID", "invalid AppID: check WECHAT_APPID"),
    40125: ("AppSecret 无效，请检查 WECHAT_SECRET", "invalid AppSecret: check WECHAT_SECRET"),
    40164: ("本机 IP 不在公众号后台的 IP 白名单中", "this server's IP address is not on the account's IP allow-list"),
    40016: ("一级菜单按钮个数不对（应为 1-3 个）", "invalid button count (1 to 3 top-level buttons)"),
    40017: ("按钮类型不对", "invalid button type"),
    40018: ("一级菜单名字太长", "invalid button name size"),
    40019: ("按钮 key 太长（最多 128 字节）", "invalid button key size (128 bytes at most)"),
    40020: ("按钮链接太长（最多 1024 字节）", "invalid button url size (1024 bytes at most)"),
    40022: ("子菜单级数不对（只有一级子菜单）", "invalid sub-button level (one level of sub-buttons only)"),
    40023: ("子菜单按钮个数不对（应为 1-5 个）", "invalid sub-button count (1 to 5 per button)"),
    40024: ("子菜单按钮类型不对", "invalid sub-button type"),
    40025: ("子菜单名字太长", "invalid sub-button name size"),
    40026: ("子菜单按钮 key 太长", "invalid sub-button key size"),
    40027: ("子菜单按钮链接太长", "invalid sub-button url size"),
    40054: ("子菜单链接的域名不合法", "invalid sub-button url domain"),
    40055: ("菜单链接的域名不合法", "invalid button url domain"),
    45064: ("菜单包含未关联的小程序", "the menu names a mini program not linked to the account"),
    48001: ("公众号没有自定义菜单接口权限（需认证的服务号或订阅号）",
            "the account may not use the menu API (it needs a verified account)"),
    65316: ("菜单链接跳转的域名太多（最多 3 个）", "the menu links to too many domains (3 at most)"),
    65317: ("菜单链接不合法", "invalid url in the menu"),
}


def explain_error(errcode: int | None) -> str:
    """A plain Chinese and English explanation of a WeChat error code, when it is one we know."""
    if errcode is None:
        return "无法连接微信接口 / could not reach the WeChat API"
    known = MENU_ERRORS.get(errcode)
    if known is None:
        return "未知错误，请查阅微信公众平台的全局返回码说明 / unknown code, see WeChat's list of return codes"
    return f"{known[0]} / {known[1]}"


class WeChatError(Exception):
    """WeChat answered an error code, or could not be reached (``errcode`` is then None)."""

    def __init__(self, errcode: int | None, errmsg: str, *, http_status: int | None = None) -> None:
        super().__init__(f"{errcode}: {errmsg}" if errcode is not None else errmsg)
        self.errcode = errcode
        self.errmsg = errmsg
        self.http_status = http_status


def _errcode(value: object) -> int | None:
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError, OverflowError):
        return None


class WeChatAPI:
    def __init__(
        self,
        http: aiohttp.ClientSession,
        credentials: WechatCredentials,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        *,
        timeout: float = 10.0,
    ) -> None:
        if credentials.appid is None or credentials.secret is None:
            raise ValueError("the WeChat API needs WECHAT_APPID and WECHAT_SECRET")
        self._http = http
        self._appid = credentials.appid
        self._secret = credentials.secret
        self._base = credentials.api_base
        self._sessions = sessions
        self._clock = clock
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._lock = asyncio.Lock()
        self._cached: tuple[str, datetime] | None = None
        self._shared_lock: bool | None = None  # decided from the database's dialect on first use

    async def send_text(self, openid: str, text: str) -> dict[str, Any]:
        """A customer-service text message (客服消息); allowed within 48 hours of the owner's last message."""
        body = {"touser": openid, "msgtype": "text", "text": {"content": text}}
        return await self.call("message/custom/send", body)

    async def send_template(
        self, openid: str, template_id: str, data: dict[str, str], url: str | None = None
    ) -> dict[str, Any]:
        body: dict[str, Any] = {
            "touser": openid,
            "template_id": template_id,
            "data": {name: {"value": value} for name, value in data.items()},
        }
        if url:
            body["url"] = url
        return await self.call("message/template/send", body)

    async def create_menu(self, menu: dict[str, Any]) -> dict[str, Any]:
        """Set the account's custom menu (menu/create); ``menu`` is ``{"button": [...]}``."""
        return await self.call("menu/create", menu)

    async def call(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """POST ``body`` to an API path with the access token; one retry with a fresh token."""
        token = await self.access_token()
        try:
            return await self._post(path, token, body)
        except WeChatError as error:
            if error.errcode not in TOKEN_ERRORS:
                raise
            log.info("WeChat rejected the access token (%s); refreshing once", error.errcode)
            token = await self.access_token(stale=token)
            return await self._post(path, token, body)

    async def access_token(self, *, stale: str | None = None) -> str:
        """A valid token: from memory, else the database, else WeChat. ``stale`` is one WeChat refused."""
        now = self._clock.now()
        if self._cached and self._cached[0] != stale and self._cached[1] > now:
            return self._cached[0]
        async with self._lock:
            if await self._locks_across_processes():
                async with self._sessions.begin() as session:
                    await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": TOKEN_REFRESH_LOCK})
                    return await self._stored_token(session, now, stale) or await self._new_token(session)
            async with self._sessions() as session:
                stored = await self._stored_token(session, now, stale)
            if stored:
                return stored
            token, expires_at = await self._fetch_token()  # no SQLite lock is held during the fetch
            async with self._sessions.begin() as session:
                return await self._new_token(session, (token, expires_at))

    async def _locks_across_processes(self) -> bool:
        if self._shared_lock is None:
            async with self._sessions() as session:
                connection = await session.connection()
                self._shared_lock = connection.dialect.name == "postgresql"
        return self._shared_lock

    async def _stored_token(self, session: AsyncSession, now: datetime, stale: str | None) -> str | None:
        """The token in the database if it is neither expired nor the one WeChat refused."""
        row = await session.scalar(select(AccessToken).where(AccessToken.appid == self._appid))
        if row is None or row.token == stale or row.expires_at <= now:
            return None
        self._cached = (row.token, row.expires_at)
        return row.token

    async def _new_token(self, session: AsyncSession, fetched: tuple[str, datetime] | None = None) -> str:
        """Store a token fetched from WeChat (now, unless already ``fetched``) and cache it.

        Should another process have stored one fetched later meanwhile (SQLite has no shared lock),
        that newer one is kept and used.
        """
        token, expires_at = fetched or await self._fetch_token()
        row = await session.get(AccessToken, self._appid)
        if row is None:
            session.add(AccessToken(appid=self._appid, token=token, expires_at=expires_at))
        elif row.expires_at > expires_at:
            token, expires_at = row.token, row.expires_at
        else:
            row.token, row.expires_at = token, expires_at
        self._cached = (token, expires_at)
        return token

    async def _fetch_token(self) -> tuple[str, datetime]:
        params = {"grant_type": "client_credential", "appid": self._appid, "secret": self._secret}
        payload = await self._request("GET", "token", params=params)
        token = payload.get("access_token")
        if not isinstance(token, str) or not token:
            raise WeChatError(None, "token answer without access_token")
        lifetime = timedelta(seconds=int(payload.get("expires_in", 7200)))
        return token, self._clock.now() + lifetime - TOKEN_EXPIRY_MARGIN

    async def _post(self, path: str, token: str, body: dict[str, Any]) -> dict[str, Any]:
        if path in UTF8_BODIES:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            return await self._request("POST", path, params={"access_token": token}, data=data,
                                       headers={"Content-Type": "application/json; charset=utf-8"})
        return await self._request("POST", path, params={"access_token": token}, json=body)

    async def _request(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        """One call. Redirects are not followed (WeChat's API never redirects, and a redirect would
        carry the token elsewhere); errors never carry the URL, which holds the token or the secret."""
        try:
            async with self._http.request(method, self._base + path, timeout=self._timeout, allow_redirects=False,
                                          **kwargs) as response:
                if response.status >= 300:
                    raise WeChatError(None, f"HTTP {response.status} from WeChat {path}", http_status=response.status)
                payload = await response.json(content_type=None)
        except TimeoutError as error:
            raise WeChatError(None, f"WeChat {path} did not answer within {self._timeout.total:g} s") from error
        except (aiohttp.ClientError, ValueError) as error:
            raise WeChatError(None, f"WeChat {path} unreachable: {type(error).__name__}") from error
        if not isinstance(payload, dict):
            raise WeChatError(None, "WeChat answered something that is not a JSON object")
        errcode = payload.get("errcode", 0)
        if errcode:
            raise WeChatError(_errcode(errcode), scrub_secrets(str(payload.get("errmsg", ""))[:200]))
        return payload
