"""The labels: intents, slot names and the category vocabularies (docs/nlu.md).

One place for them, so the classifier, the rules, the extractors and the evaluation agree.

The intents the NLU can answer are its training files (``data/corpus/<label>.txt``): a new intent
is declared by its corpus file and, in the product, by the route that handles it. ``SPEC_INTENTS``
are the labels of the evaluation files and of ``wuyebot nlu predict``; a label of our own (an
intent finer than SPEC's) says in its file's first line which SPEC label it is reported as:
``# reported as: faq``.
"""

from __future__ import annotations

import re

from bot.nlu.paths import DATA_DIR

SPEC_INTENTS: tuple[str, ...] = (
    "repair",
    "emergency",
    "complaint",
    "suggestion",
    "fee_query",
    "visitor_pass",
    "release_permit",
    "ticket_status",
    "rating",
    "bind_unit",
    "faq",
    "human",
    "greeting",
    "cancel",
    "other",
)

_REPORTED_AS = re.compile(r"^#\s*reported as:\s*([a-z_]+)\s*$")


def _discover() -> tuple[tuple[str, ...], dict[str, str]]:
    labels: list[str] = []
    reported: dict[str, str] = {}
    for path in sorted((DATA_DIR / "corpus").glob("*.txt")):
        labels.append(path.stem)
        if path.stem not in SPEC_INTENTS:
            with path.open(encoding="utf-8") as file:
                match = _REPORTED_AS.match(file.readline().strip())
            reported[path.stem] = match.group(1) if match else "other"
    ordered = ([label for label in SPEC_INTENTS if label in labels]
               + [label for label in labels if label not in SPEC_INTENTS])
    return tuple(ordered), reported


INTENTS, REPORTED_AS = _discover()


def reported_label(intent: str) -> str:
    """The SPEC label an intent is reported and scored as."""
    return REPORTED_AS.get(intent, intent)

SLOTS: tuple[str, ...] = ("room", "phone", "plate", "time", "ticket", "category", "score")

# 报修/紧急 share one vocabulary, 投诉 has its own.
REPAIR_CATEGORIES: tuple[str, ...] = (
    "水电", "渗漏水", "管道堵塞", "门窗门锁", "电梯", "燃气", "墙面地面", "公共设施", "其他",
)
COMPLAINT_CATEGORIES: tuple[str, ...] = (
    "噪音", "养犬宠物", "高空抛物", "违章搭建", "空调滴水", "住改商", "停车", "环境卫生", "服务态度", "安全秩序",
    "其他",
)

# Slots that mean nothing for an intent are dropped: a time in a joke is not an appointment.
CATEGORY_INTENTS = frozenset({"repair", "emergency", "complaint"})
TIMELESS_INTENTS = frozenset({"greeting", "other", "human"})
