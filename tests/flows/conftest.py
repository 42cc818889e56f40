"""Flow tests: the real app, the real NLU, a small estate, a frozen clock (Monday 10:00 in Shanghai)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.clock import FrozenClock
from bot.keys import SESSIONS
from tests.support.chat import Chat
from tests.support.estate import seed_estate

TZ = ZoneInfo("Asia/Shanghai")
MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=TZ)


@pytest.fixture
async def chat(make_settings, start_service) -> Chat:  # type: ignore[no-untyped-def]
    clock = FrozenClock(MONDAY_10)
    service = await start_service(make_settings(WUYEBOT_ADMIN_TOKEN="flow-admin"), clock=clock, run_sender=False)
    async with service.app[SESSIONS].begin() as session:
        people = await seed_estate(session)
    return Chat(service=service, clock=clock, people=people)


@pytest.fixture
async def single_estate_chat(make_single_estate_settings, start_service) -> Chat:  # type: ignore[no-untyped-def]
    """``chat`` for a deployment of one estate (the quick path serves only those)."""
    clock = FrozenClock(MONDAY_10)
    service = await start_service(make_single_estate_settings(WUYEBOT_ADMIN_TOKEN="flow-admin"), clock=clock,
                                  run_sender=False)
    async with service.app[SESSIONS].begin() as session:
        people = await seed_estate(session)
    return Chat(service=service, clock=clock, people=people)
