"""What the service asks the NLU: one owner message in, intent + confidence + slots out.

The pipeline: normalise (script, Cantonese, numbers, fillers) → find the entities → classify with
the statistical model → let the safety and context rules adjust → keep the slots that mean
something for the winning intent. Everything is precomputed on first use (jieba's dictionary, the
model), after which a call does no I/O and is safe from any thread.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from bot.nlu import classifier
from bot.nlu.details import Details
from bot.nlu.features import features
from bot.nlu.labels import INTENTS, SLOTS
from bot.nlu.normalize import normalize, to_mandarin, to_simplified
from bot.nlu.rules import about_binding, hypothetical, small_talk, verdicts
from bot.nlu.slots import extract_entities, extract_expected, extract_score, slots_for_intent
from bot.nlu.slots.estate import extract_estate

CONFIDENCE_THRESHOLD = 0.5
"""Below this the dialogue asks which of the two most likely readings the owner meant."""

_ALTERNATIVES = 3
_EMERGENCY_WITHOUT_RULE = 0.25
_IN_THE_RUNNING = 0.02


@dataclass(frozen=True)
class Understanding:
    """One message understood: the winning label, how sure, the slots, and the runner-up readings."""

    intent: str
    confidence: float
    slots: dict[str, str]
    alternatives: tuple[tuple[str, float], ...]  # ranked, first == (intent, confidence)
    traditional: bool  # the owner wrote traditional characters: reply in them
    text: str  # the normalised simplified text
    raw: str = ""  # what the owner wrote
    entities: dict[str, str] = field(default_factory=dict)  # every slot found, whatever the intent

    @property
    def confident(self) -> bool:
        return self.confidence >= CONFIDENCE_THRESHOLD

    @cached_property
    def details(self) -> Details:
        """Cues and details beyond intent and slots (催单, 搬家, the items …), read on first use."""
        return Details(self.text, self.raw or self.text)


class NaiveTimeError(ValueError):
    """``now`` has no timezone: relative times would resolve against an unknown clock."""


def understand(text: str, now: datetime, expecting: str | None = None) -> Understanding:
    """Read one owner message received at ``now``; ``expecting`` is the slot the dialogue asked for.

    When the dialogue waits for a slot, a bare answer fills it (501 → room ``501`` for the dialogue
    to complete with the owner's building, 明天下午, 138 0013 8000, 5分): the slot is read leniently
    and a bare score is a rating. Anything else (取消, 转人工, an emergency) is understood as usual,
    so the dialogue should look for ``expecting in slots`` and at the intent together.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise NaiveTimeError("now must be timezone-aware")
    if expecting is not None and expecting not in SLOTS:
        raise ValueError(f"unknown slot {expecting!r}; expected one of {', '.join(SLOTS)}")
    normalized = normalize(text)
    body = normalized.text
    entities = extract_entities(body, now)
    probabilities = _classify(body, entities)

    expected_value = extract_expected(body, now, expecting) if expecting is not None else None
    if expecting == "score" and expected_value is not None and _only_a_score(body):
        probabilities = _with_floor(probabilities, "rating", 0.95)

    ranked = sorted(probabilities.items(), key=lambda item: item[1], reverse=True)
    intent, confidence = ranked[0]
    slots = slots_for_intent(body, entities, intent)
    # The estate named is read after the classifier, which never sees it: estate names are not in
    # the corpus, and the configured list differs between deployments.
    estate = extract_estate(body)
    if estate is not None:
        entities = {**entities, "estate": estate}
        slots["estate"] = estate
    if expecting is not None and expecting not in slots and expected_value is not None:
        slots[expecting] = expected_value
    return Understanding(
        intent=intent,
        confidence=round(confidence, 4),
        slots=slots,
        alternatives=tuple((label, round(p, 4)) for label, p in ranked[:_ALTERNATIVES]),
        traditional=normalized.traditional,
        text=body,
        raw=text,
        entities=entities,
    )


def _classify(body: str, entities: dict[str, str]) -> dict[str, float]:
    model = classifier.model()
    raw = model.probabilities(features(body, frozenset(entities)))
    probabilities = {label: float(p) for label, p in zip(model.labels, raw, strict=True)}
    for label in INTENTS:
        probabilities.setdefault(label, 0.0)
    fired = {verdict.intent: verdict for verdict in verdicts(body)}
    if "emergency" not in fired:
        # The rules see nearly every emergency; without one, the model needs to be sure on its own,
        # and a hypothetical (万一电梯停了…) is never one.
        factor = _EMERGENCY_WITHOUT_RULE * (0.3 if hypothetical(body) else 1.0)
        probabilities = _scaled(probabilities, "emergency", factor)
    # Context labels need their words: without cancel words it is no cancel, without a verdict no rating.
    if "cancel" in fired:
        probabilities = _scaled(probabilities, "cancel", 2.5)
    else:
        probabilities = _scaled(probabilities, "cancel", 0.3)
    if "ticket_status" in fired:
        probabilities = _scaled(probabilities, "ticket_status", 2.5)
    if probabilities["rating"] > _IN_THE_RUNNING and "rating" not in fired and extract_score(body) is None:
        probabilities = _scaled(probabilities, "rating", 0.3)
    # (each test is made only when its label is in the running)
    if probabilities["bind_unit"] > _IN_THE_RUNNING and not about_binding(body):
        probabilities = _scaled(probabilities, "bind_unit", 0.4)  # a room in a complaint is where it happens
    if probabilities["greeting"] > _IN_THE_RUNNING and not small_talk(body):
        probabilities = _scaled(probabilities, "greeting", 0.2)  # 你好，我家灯不亮了 is a repair
    for verdict in sorted(fired.values(), key=lambda verdict: verdict.floor):  # the strongest rule applies last
        if verdict.floor > 0:
            probabilities = _with_floor(probabilities, verdict.intent, verdict.floor)
    return probabilities


def _scaled(probabilities: dict[str, float], label: str, factor: float) -> dict[str, float]:
    scaled = dict(probabilities)
    scaled[label] *= factor
    total = sum(scaled.values())
    return {name: p / total for name, p in scaled.items()}


def _with_floor(probabilities: dict[str, float], label: str, floor: float) -> dict[str, float]:
    """Raise ``label`` to at least ``floor``, shrinking the others in proportion."""
    current = probabilities[label]
    if current >= floor:
        return probabilities
    rest = 1.0 - current
    factor = (1.0 - floor) / rest if rest > 0 else 0.0
    return {name: (floor if name == label else p * factor) for name, p in probabilities.items()}


_SCORE_ANSWER = re.compile(r"^(?:给|打|评)?个?\s?[1-5]\s?(?:分|星)?(?:吧|啦|了)?[!.。~]?$")


def _only_a_score(body: str) -> bool:
    compact = re.sub(r"\s", "", body)
    return bool(_SCORE_ANSWER.match(compact)) or (extract_score(compact) is not None and len(compact) <= 8)


_YES = re.compile(
    r"^(?:好的?|好滴|好嘞|好啊|行|可以|是的?|系|对的?|对|没错|确认|确定|嗯+|恩+|en|ok|okay|yes|y|同意|没有?问题|就这样|提交|"
    r"麻烦了|要的|需要|👌|👍|✅)"
)
_NO = re.compile(
    r"^(?:不用|不要|不对|不是|不行|不可以|不需要|不了|不|算了|否|没有|别|取消|错了|no|n|❌)"
)
_YES_NO_TAIL = re.compile(r"^(?:[啊呀吧了的哈啦呢哦噢嘛]*)(?:[,.!?;~ ]|谢谢|麻烦|辛苦|$)")


def parse_yes_no(text: str) -> bool | None:
    """The owner's answer at a confirm step: True, False, or None when it is neither."""
    compact, _ = to_simplified(unicodedata.normalize("NFKC", text))
    compact = to_mandarin(compact).strip().lower().lstrip(",.!?~ ")
    for pattern, answer in ((_NO, False), (_YES, True)):
        match = pattern.match(compact)
        if match is not None and _YES_NO_TAIL.match(compact[match.end():]):
            return answer
    return None

