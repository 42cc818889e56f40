"""The knowledge base of 办事指南 (FAQ): ``kb.yaml``, its checks, matching and rendering.

``kb.yaml`` lives beside the config file (``WUYEBOT_CONFIG``), else at the repository root; staff
edit it without touching code. It is read and checked once; a missing or malformed file is logged
as an error and owners get a polite answer offering a human, never a stack trace. Answers may use
placeholders filled from the settings ({hotline}, {office_hours}, {paid_services} …), so a phone
number or a price lives in one place.

Matching: each keyword or synonym found in the NLU-normalised text scores its length (longer,
more specific words count more), and each jieba word of the question shared with an entry's title
adds a little; below ``MATCH_THRESHOLD`` the bot says it cannot answer and offers a human.
"""

from __future__ import annotations

import logging
import os
import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from bot.settings import Settings
from bot.yamlfile import YamlFileError, read_yaml
from handlers.replies import faq as replies

log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[2]
KB_FILE = "kb.yaml"
MATCH_THRESHOLD = 2.0  # one two-character keyword
TITLE_WORD_WEIGHT = 0.5
MAX_SUGGESTIONS = 2
PLACEHOLDERS = frozenset({
    "estate", "company", "hotline", "emergency_phone", "office_hours", "office_address",
    "paid_services", "custody_ratio", "payment_methods",
})
PRICE_PREFIX = "price_"  # {price_门窗门锁}: one paid service's price from settings.repair.paid_services
ENTRY_KEYS = frozenset({"id", "question", "keywords", "answer"})
_ID = re.compile(r"^[a-z0-9_]+$")
# Words too common in owners' questions to tell one entry from another.
_COMMON_WORDS = frozenset({
    "物业", "小区", "怎么", "怎么办", "怎样", "如何", "什么", "需要", "可以", "请问", "一下", "办理", "哪里", "多少",
    "我们", "你们", "我家", "家里", "要求", "有没有", "是不是", "能不能", "问题", "时候", "的话",
})


class KnowledgeBaseError(Exception):
    """kb.yaml is missing or malformed; the message names the file and the faulty entry."""


@dataclass(frozen=True)
class Entry:
    id: str
    question: str
    keywords: tuple[str, ...]
    answer: str


@dataclass(frozen=True)
class Match:
    entry: Entry
    score: float


class KnowledgeBase:
    def __init__(self, entries: Iterable[Entry]) -> None:
        self.entries = tuple(entries)

    def rank(self, text: str, words: Iterable[str] = ()) -> list[Match]:
        """Entries sharing anything with the question, best first (ties keep the file's order)."""
        body = text.lower()
        distinct = [word for word in dict.fromkeys(w.lower() for w in words)
                    if len(word) >= 2 and word not in _COMMON_WORDS]
        matches = []
        for entry in self.entries:
            score = float(sum(len(keyword) for keyword in entry.keywords if keyword.lower() in body))
            score += TITLE_WORD_WEIGHT * sum(1 for word in distinct if word in entry.question.lower())
            if score > 0:
                matches.append(Match(entry, score))
        return sorted(matches, key=lambda match: -match.score)

    def best(self, text: str, words: Iterable[str] = ()) -> Match | None:
        ranked = self.rank(text, words)
        return ranked[0] if ranked and ranked[0].score >= MATCH_THRESHOLD else None


def parse_kb(data: Any, source: str = KB_FILE) -> KnowledgeBase:
    """Check the shape of a loaded kb.yaml; raise KnowledgeBaseError naming the first fault."""
    if not isinstance(data, Mapping) or not isinstance(data.get("entries"), list) or not data["entries"]:
        raise KnowledgeBaseError(f"{source}: must be a mapping with a non-empty list under 'entries'")
    entries: list[Entry] = []
    seen: set[str] = set()
    for index, raw in enumerate(data["entries"], start=1):
        where = f"{source}: entry {index}"
        if not isinstance(raw, Mapping):
            raise KnowledgeBaseError(f"{where}: must be a mapping with id, question, keywords, answer")
        if isinstance(raw.get("id"), str):
            where = f"{where} ({raw['id']})"
        missing, extra = ENTRY_KEYS - raw.keys(), raw.keys() - ENTRY_KEYS
        if missing:
            raise KnowledgeBaseError(f"{where}: missing {', '.join(sorted(missing))}")
        if extra:
            raise KnowledgeBaseError(f"{where}: unknown key {', '.join(sorted(map(str, extra)))}")
        entry_id, question, keywords, answer = raw["id"], raw["question"], raw["keywords"], raw["answer"]
        if not isinstance(entry_id, str) or not _ID.match(entry_id):
            raise KnowledgeBaseError(f"{where}: id must be lower-case letters, digits and _")
        if entry_id in seen:
            raise KnowledgeBaseError(f"{where}: id {entry_id!r} is used twice")
        seen.add(entry_id)
        if not isinstance(question, str) or not question.strip():
            raise KnowledgeBaseError(f"{where}: question must be a non-empty text")
        if not isinstance(answer, str) or not answer.strip():
            raise KnowledgeBaseError(f"{where}: answer must be a non-empty text")
        if not isinstance(keywords, list) or not keywords:
            raise KnowledgeBaseError(f"{where}: keywords must be a non-empty list")
        cleaned = []
        for keyword in keywords:
            if not isinstance(keyword, str) or len(keyword.strip()) < 2:
                raise KnowledgeBaseError(f"{where}: keyword {keyword!r} must be a text of at least 2 characters")
            cleaned.append(keyword.strip())
        if len(set(cleaned)) != len(cleaned):
            raise KnowledgeBaseError(f"{where}: a keyword is listed twice")
        check_placeholders(answer, where)
        entries.append(Entry(entry_id, question.strip(), tuple(cleaned), answer.strip()))
    return KnowledgeBase(entries)


def check_placeholders(answer: str, where: str) -> None:
    try:
        fields = [(name, spec, conversion) for _text, name, spec, conversion in string.Formatter().parse(answer)
                  if name is not None]
    except ValueError as error:
        raise KnowledgeBaseError(f"{where}: answer has a stray brace ({error}); write {{{{ or }}}} for one") from None
    for name, spec, conversion in fields:
        if name not in PLACEHOLDERS and not (name.startswith(PRICE_PREFIX) and len(name) > len(PRICE_PREFIX)):
            raise KnowledgeBaseError(f"{where}: unknown placeholder {{{name}}}; use one of "
                                     f"{', '.join(sorted(PLACEHOLDERS))} or {PRICE_PREFIX}<类别>")
        if spec or conversion:
            raise KnowledgeBaseError(f"{where}: placeholder {{{name}}} takes no format")


def load_kb(path: Path) -> KnowledgeBase:
    try:
        data = read_yaml(path, missing_hint=" (it belongs beside the config file)")
    except YamlFileError as error:
        raise KnowledgeBaseError(str(error)) from None
    return parse_kb(data, str(path))


def kb_path(environ: Mapping[str, str] | None = None) -> Path:
    """Beside the config file (settings keep no path of their own), else the repository root."""
    environ = os.environ if environ is None else environ
    beside = Path(environ.get("WUYEBOT_CONFIG") or "config.yaml").with_name(KB_FILE)
    return beside if beside.is_file() else REPO_ROOT / KB_FILE


@lru_cache(maxsize=4)
def _load_once(path: str) -> KnowledgeBase | None:
    try:
        kb = load_kb(Path(path))
    except KnowledgeBaseError as error:
        log.error("办事指南 unavailable: %s", error)
        return None
    log.info("loaded %d FAQ entries from %s", len(kb.entries), path)
    return kb


def knowledge_base() -> KnowledgeBase | None:
    """The FAQ, read once per process; None (already logged) when kb.yaml is missing or malformed."""
    return _load_once(str(kb_path().resolve()))


class _Fields(dict[str, str]):
    def __missing__(self, key: str) -> str:
        if key.startswith(PRICE_PREFIX):
            return replies.NO_PRICE
        raise KeyError(key)


def placeholder_values(settings: Settings) -> dict[str, str]:
    estate = settings.estate
    hours = estate.office_hours
    paid = settings.repair.paid_services
    values = _Fields({
        "estate": estate.name,
        "company": estate.company,
        "hotline": estate.hotline,
        "emergency_phone": estate.emergency_phone,
        "office_hours": f"{hours.start:%H:%M}-{hours.end:%H:%M}",
        "office_address": estate.office_address or f"{estate.name}物业服务中心",
        "paid_services": "\n".join(replies.PAID_SERVICE_LINE.format(category=category, price=price)
                                   for category, price in paid.items()) or replies.NO_PAID_SERVICES,
        "custody_ratio": _percent(settings.fees.custody_fee_ratio),
        "payment_methods": "\n".join(f"· {method}" for method in settings.fees.payment_methods),
    })
    values.update({f"{PRICE_PREFIX}{category}": price for category, price in paid.items()})
    return values


def _percent(ratio: Decimal) -> str:
    share = ratio * 100
    return f"{share:.0f}%" if share == share.to_integral_value() else f"{share.normalize():f}%"


def render(entry: Entry, settings: Settings) -> str:
    """The entry's answer as the asker's estate gives it: edited in the console (handlers/domain/faq_edits.py),
    else its own text in ``estates[].faq``, else kb.yaml's."""
    answer = settings.faq_answer(entry.id, entry.answer)
    return replies.ANSWER.format(question=entry.question, answer=answer.format_map(placeholder_values(settings)))


def question_words(text: str) -> list[str]:
    from bot.nlu.tokenize import tokens  # jieba is loaded already: the NLU has read this message

    return tokens(text)


def confident_answer(text: str, settings: Settings) -> str | None:
    """An answer only when the (normalised) question clearly matches an entry, for messages the NLU
    read as vague."""
    kb = knowledge_base()
    if kb is None:
        return None
    match = kb.best(text)  # keywords only: stricter, and no jieba for small talk
    return render(match.entry, settings) if match is not None else None
