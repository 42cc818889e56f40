"""Delivery of one outbox row: to WeChat, to a WeCom group robot, or, in sandbox mode, nowhere."""

from __future__ import annotations

from collections.abc import Mapping

import aiohttp
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.outbox.queue import CUSTOMER_SERVICE, TEMPLATE, WECOM_ROBOT
from bot.outbox.sender import Undeliverable
from bot.privacy import scrub_secrets
from bot.wechat_api import WeChatAPI, WeChatError
from models import OutboxMessage

ROBOT_TIMEOUT = aiohttp.ClientTimeout(total=10)


class Courier:
    """Sends a row through its channel; with no API (sandbox mode) the stored row is the delivery."""

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], api: WeChatAPI | None, http: aiohttp.ClientSession,
        robots: Mapping[str, str] | None = None,
    ) -> None:
        self._sessions = sessions
        self._api = api
        self._http = http
        self._robots = dict(robots or {})  # team → webhook URL; the URL (it holds a key) is never stored in a row

    async def __call__(self, row: OutboxMessage) -> None:
        if self._api is None:
            return
        payload = row.payload
        if row.channel == CUSTOMER_SERVICE:
            await self._api.send_text(row.recipient, payload["text"])
        elif row.channel == TEMPLATE:
            await self._api.send_template(row.recipient, payload["template_id"], payload["data"], payload.get("url"))
        elif row.channel == WECOM_ROBOT:
            url = self._robots.get(row.recipient) or payload.get("url")
            if not url:
                raise Undeliverable(f"no WeCom robot is configured for {row.recipient!r}")
            await self._post_to_robot(url, payload["markdown"])
        else:
            raise Undeliverable(f"unknown channel {row.channel!r}")

    async def _post_to_robot(self, url: str, markdown: str) -> None:
        """A WeCom group robot (企业微信群机器人) webhook; it answers errcode like WeChat does."""
        body = {"msgtype": "markdown", "markdown": {"content": markdown}}
        try:
            async with self._http.post(url, json=body, timeout=ROBOT_TIMEOUT, allow_redirects=False) as response:
                if response.status >= 300:
                    raise WeChatError(None, f"HTTP {response.status} from the WeCom robot", http_status=response.status)
                answer = await response.json(content_type=None)
        except TimeoutError as error:
            raise WeChatError(None, "the WeCom robot did not answer in time") from error
        except (aiohttp.ClientError, ValueError) as error:
            raise WeChatError(None, f"WeCom robot unreachable: {type(error).__name__}") from error
        if isinstance(answer, dict) and answer.get("errcode"):
            raise WeChatError(None, f"WeCom robot error {answer.get('errcode')}: "
                                    f"{scrub_secrets(str(answer.get('errmsg', ''))[:200])}")
