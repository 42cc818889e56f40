"""What every console page needs from the service, and the signed-in staff member of a request.

The console is a sub-application mounted at ``/console``; the service's resources are found
through the typed keys of the main application (``request.config_dict``), handed in once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.dialogue.conversation import ConversationStore
from bot.outbox.queue import Outbox
from bot.settings import Settings
from handlers.domain.estates import served_estates
from handlers.domain.services import Services
from handlers.domain.workflow import supervises
from models import Staff
from models.enums import StaffRole


@dataclass(frozen=True)
class Keys:
    """The main application's keys the console reads (see bot/keys.py)."""

    sessions: Any
    settings: Any
    clock: Any
    services: Any
    outbox: Any
    conversations: Any


KEYS = web.AppKey("console_keys", Keys)
STAFF_ID = "console_staff_id"  # session key: the signed-in staff member's id
STAFF = web.RequestKey("console_staff", Staff)  # their Staff row (loaded per request, detached)
SERVED = web.RequestKey("console_served", object)  # the estates they serve (a frozenset, or None: all)


@dataclass(frozen=True)
class Console:
    """One request's view of the service."""

    request: web.Request

    @property
    def _keys(self) -> Keys:
        return self.request.config_dict[KEYS]

    @property
    def sessions(self) -> async_sessionmaker[AsyncSession]:
        sessions: async_sessionmaker[AsyncSession] = self.request.config_dict[self._keys.sessions]
        return sessions

    @property
    def settings(self) -> Settings:
        settings: Settings = self.request.config_dict[self._keys.settings]
        return settings

    @property
    def clock(self) -> Clock:
        clock: Clock = self.request.config_dict[self._keys.clock]
        return clock

    def now(self) -> datetime:
        return self.clock.now()

    @property
    def services(self) -> Services:
        services: Services = self.request.config_dict[self._keys.services]
        return services

    @property
    def outbox(self) -> Outbox:
        outbox: Outbox = self.request.config_dict[self._keys.outbox]
        return outbox

    @property
    def conversations(self) -> ConversationStore:
        store: ConversationStore = self.request.config_dict[self._keys.conversations]
        return store

    @property
    def me(self) -> Staff:
        staff: Staff = self.request[STAFF]
        return staff

    @property
    def served(self) -> frozenset[str] | None:
        return cast("frozenset[str] | None", self.request[SERVED])

    @property
    def supervising(self) -> bool:
        return supervises(self.me)

    @property
    def is_admin(self) -> bool:
        return self.me.role == StaffRole.ADMIN

    @property
    def address(self) -> str:
        return self.request.remote or ""

    def estates(self) -> list[tuple[str, str]]:
        """(code, name) of the estates this person serves, in the configuration's order."""
        return [(estate.code, estate.name) for estate in self.settings.estate_list
                if self.served is None or estate.code in self.served]

    def serves(self, estate: str) -> bool:
        return self.served is None or estate in self.served


async def load_served(session: AsyncSession, staff: Staff, settings: Settings) -> frozenset[str] | None:
    return await served_estates(session, staff, settings.company_default_estate)
