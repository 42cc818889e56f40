"""Several requests in one message (水管漏了，另外停车费多少钱): where one ends and the next begins.

A message is cut where the owner joins requests (另外, 还有, 顺便, 对了 …) or ends a sentence (。！？;
a question mark), and a cut is kept only when both sides read, on their own and with confidence,
as requests of different kinds (or two repairs of different trades). A cut inside one request
(厨房漏水了，明天下午在家，电话138…) leaves it whole, since its pieces are not requests of their own.
A long account (more than a few sentences) is cut only at the joining words: its sentences are one
story, and reading each on its own would shred it into requests the owner never made.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Protocol

# Words that join a second request to the first; the cut falls before them.
_JOINERS = re.compile(
    r"[，,。；;！!？?\s]*(?:另外|另外还有|还有一件事|还有个事|还有就是|还有|还想问一下|还想问|还要问|顺便问一下|顺便问下|顺便|"
    r"对了|此外|再就是|再问一下|再问下|另一件事|另一个问题|同时|然后还有|以及|btw|also)[，,：:\s]*",
    re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;])")
MIN_CONFIDENCE = 0.6
MIN_REST_CHARS = 6  # a message opening with 还有/另外 is read without it when this much is left
MAX_SENTENCES_CUT = 4  # beyond this many sentences a message is a story, cut only at joining words
# Readings that are not requests of their own: a greeting or a thanks rides along with the request.
_NOT_REQUESTS = frozenset({"greeting", "other", "cancel"})


class Reading(Protocol):
    @property
    def intent(self) -> str: ...

    @property
    def confidence(self) -> float: ...

    @property
    def slots(self) -> dict[str, str]: ...


class Read(Protocol):
    """How a piece is read: the NLU's ``understand`` (any extra parameters optional)."""

    def __call__(self, text: str, now: datetime, /) -> Reading: ...


def split_requests(text: str, now: datetime, read: Read) -> list[str]:
    """The requests in ``text`` in order: one item when it holds one (the usual case)."""
    if len(text) < 6:
        return [text]
    pieces = _pieces(text)
    if len(pieces) == 1 and pieces[0][0] and len(pieces[0][1].strip()) >= MIN_REST_CHARS:
        return [pieces[0][1].strip(" ，,。；;")]  # 还有次卧墙上有条裂缝: the joiner ties it to what came before
    if len(pieces) < 2:
        return [text]
    story = len(pieces) > MAX_SENTENCES_CUT
    requests: list[str] = []
    current = pieces[0][1]
    for joined, piece in pieces[1:]:
        if (joined or not story) and _different_requests(current, piece, now, read):
            requests.append(current)
            current = piece
        else:
            current = current + piece
    requests.append(current)
    return [request.strip(" ，,。；;") for request in requests if request.strip(" ，,。；;")] or [text]


def _pieces(text: str) -> list[tuple[bool, str]]:
    """The text cut before each joiner and after each sentence end; joiners themselves dropped.

    Each piece comes with whether a joiner (另外, 顺便 …) introduced it.
    """
    pieces: list[tuple[bool, str]] = []
    start, joined = 0, False
    for match in _JOINERS.finditer(text):
        if match.start() > start:
            pieces.append((joined, text[start:match.start()]))
        start, joined = match.end(), True
    pieces.append((joined, text[start:]))
    out: list[tuple[bool, str]] = []
    for joined, piece in pieces:
        parts = [part for part in _SENTENCE_END.split(piece) if part.strip()]
        out.extend((joined and index == 0, part) for index, part in enumerate(parts))
    return out


def _different_requests(first: str, second: str, now: datetime, read: Read) -> bool:
    one, two = read(first, now), read(second, now)
    if one.intent in _NOT_REQUESTS or two.intent in _NOT_REQUESTS:
        return False
    if one.confidence < MIN_CONFIDENCE or two.confidence < MIN_CONFIDENCE:
        return False
    if one.intent != two.intent:
        return True
    category = one.slots.get("category"), two.slots.get("category")
    return one.intent == "repair" and None not in category and category[0] != category[1]
