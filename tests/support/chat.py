"""Conversation tests that read like a chat (after errbot's push_message/pop_message).

    zhang = chat.person("owner-zhang")
    reply = await zhang.says("厨房水管漏水了")
    assert "什么时间" in reply
    assert "已接单" in (await chat.pushes_to("owner-zhang"))[-1]

Messages go through the real webhook as signed WeChat XML and the real NLU; pushes are read from
the outbox (the sender is not running, so nothing leaves).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from bot.clock import FrozenClock
from bot.keys import INBOX, SERVICES, SESSIONS
from models import HomeBinding, OutboxMessage, Resident, Ticket, WechatAccount
from tests.conftest import Service

_msg_ids = itertools.count(8_100_000_000)


@dataclass
class Person:
    chat: Chat
    openid: str

    async def says(self, text: str, *, voice: bool = False) -> str:
        """What the bot answers (an empty string for `success` and nothing else).

        A reply that missed WeChat's deadline (a slow machine loading the NLU) is pushed instead:
        it is waited for and returned all the same, so a test reads what the owner reads.
        """
        msg_id = next(_msg_ids)
        if voice:
            from tests.support.wechat import message_xml

            answer = await self.chat.service.wechat.post(message_xml(
                self.openid, "voice", {"MediaId": "m", "Format": "amr", "Recognition": text}, msg_id=msg_id))
        else:
            answer = await self.chat.service.wechat.say(self.openid, text, msg_id=msg_id)
        assert answer.status == 200, answer.body
        if answer.content:
            return answer.content
        await self.chat.service.app[INBOX].settled()
        async with self.chat.sessions() as session:
            late = await session.scalars(select(OutboxMessage).where(  # the parts of this message's reply
                OutboxMessage.idempotency_key.startswith(f"reply:msg:{self.openid}:{msg_id}:"),
                OutboxMessage.kind == "reply")
                .order_by(OutboxMessage.id))
            return "\n".join(row.payload.get("text", "") for row in late)

    async def pushes(self) -> list[str]:
        return await self.chat.pushes_to(self.openid)


@dataclass
class Chat:
    service: Service
    clock: FrozenClock
    people: dict[str, Any]

    def person(self, openid: str) -> Person:
        return Person(self, openid)

    @property
    def sessions(self):  # type: ignore[no-untyped-def]
        return self.service.app[SESSIONS]

    @property
    def services(self) -> dict[str, Any]:
        return self.service.app[SERVICES]

    async def bind(self, openid: str, room: str, phone: str, *, role: str = "owner") -> None:
        """Bind an account to a home directly (binding itself is tested through the chat)."""
        async with self.sessions.begin() as session:
            resident = await session.scalar(select(Resident).where(Resident.phone == phone))
            assert resident is not None, phone
            if await session.get(WechatAccount, openid) is None:
                session.add(WechatAccount(openid=openid, subscribed=True))
                await session.flush()
            session.add(HomeBinding(openid=openid, home_id=resident.home_id, resident_id=resident.id, role=role,
                                    status="active", is_current=True, created_at=self.clock.now()))

    async def pushes_to(self, recipient: str) -> list[str]:
        async with self.sessions() as session:
            rows = await session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == recipient)
                                         .order_by(OutboxMessage.id))
            return [row.payload.get("text") or row.payload.get("markdown", "") for row in rows]

    async def tickets(self) -> list[Ticket]:
        async with self.sessions() as session:
            return list((await session.scalars(select(Ticket).order_by(Ticket.id))).all())

    def now(self) -> datetime:
        return self.clock.now()
