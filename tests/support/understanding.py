"""A stand-in for the NLU in gateway tests, which are about transport, not understanding."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.dialogue.router import Dispatcher
from bot.nlu.details import Details


@dataclass(frozen=True)
class KeywordUnderstanding:
    intent: str
    confidence: float = 1.0
    slots: dict[str, str] = field(default_factory=dict)
    alternatives: tuple[tuple[str, float], ...] = ()
    traditional: bool = False
    text: str = ""

    @property
    def confident(self) -> bool:
        return True

    @property
    def details(self) -> Details:
        return Details(self.text)


def keyword_understander(text: str, now: datetime, expecting: str | None = None) -> KeywordUnderstanding:
    intent = "greeting" if any(word in text for word in ("你好", "您好", "在吗", "谢谢")) else "other"
    if text.startswith("慢"):
        intent = "slow"
    if text.startswith("长"):
        intent = "long"
    if text.startswith("闪"):
        intent = "flaky"
    if text.startswith("迟"):
        intent = "late_flaky"
    return KeywordUnderstanding(intent=intent, text=text)


def gateway_dispatcher(*extra_routers: object) -> Dispatcher:
    from handlers import build_dispatcher

    dispatcher = build_dispatcher(keyword_understander)
    if extra_routers:
        dispatcher.include_routers(*extra_routers)  # type: ignore[arg-type]
    return dispatcher
