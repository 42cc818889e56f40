"""The engine's clarifying question, with a stand-in NLU whose confidence the test sets."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import pytest

from bot.dialogue.router import Dispatcher, Router
from bot.nlu.details import Details


@dataclass(frozen=True)
class Reading:
    intent: str
    confidence: float
    alternatives: tuple[tuple[str, float], ...]
    slots: dict[str, str] = field(default_factory=dict)
    traditional: bool = False
    text: str = ""

    @property
    def confident(self) -> bool:
        return self.confidence >= 0.5

    @property
    def details(self) -> Details:
        return Details(self.text)


def unsure(text: str, now: datetime, expecting: str | None = None) -> Reading:
    if text in ("报修", "投诉", "第二个"):
        return Reading("other", 0.4, (("other", 0.4), ("greeting", 0.3)), text=text)
    return Reading("repair", 0.35, (("repair", 0.35), ("complaint", 0.33)), text=text)


picked = Router("picked")


@picked.intent("repair", name="报修")
async def repair() -> str:
    return "进入报修"


@picked.intent("complaint", name="投诉")
async def complaint() -> str:
    return "进入投诉"


def unsure_dispatcher() -> Dispatcher:
    from handlers import handler_resources
    from handlers.flows import greeting

    dispatcher = Dispatcher(unsure, resources=handler_resources())
    dispatcher.include_routers(picked, greeting.router)
    return dispatcher


@pytest.fixture
async def service(make_settings, start_service):  # type: ignore[no-untyped-def]
    return await start_service(make_settings(), dispatcher_factory=unsure_dispatcher, run_sender=False)


async def test_a_low_confidence_message_offers_the_two_likeliest_readings(service) -> None:  # type: ignore[no-untyped-def]
    asked = await service.wechat.say("o-unsure", "楼上那个水")
    assert asked.content == "不好意思，我想确认一下：您是想报修，还是想投诉？请回复“报修”或“投诉”。"
    assert (await service.wechat.say("o-unsure", "投诉")).content == "进入投诉"
    await service.wechat.say("o-unsure", "楼上那个水")
    assert (await service.wechat.say("o-unsure", "第二个")).content == "进入投诉"


async def test_two_misunderstandings_offer_a_human(service) -> None:  # type: ignore[no-untyped-def]
    await service.wechat.say("o-lost", "楼上那个水")
    offered = await service.wechat.say("o-lost", "那个水管")
    assert "转人工" in offered.content
