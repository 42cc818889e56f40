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
# Key of the PostgreSQL advisory lock held while one process refreshes the token.
TOKEN_REFRESH_LOCK = 0x77757965  # "wuye"


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
