"""Turn what an owner typed or said into one plain simplified form before anything reads it.

Order matters: NFKC first (full-width digits and letters), then traditional to simplified, then
written Cantonese and pinyin typos to Mandarin, then spelled-out numbers to digits, then the
separators inside phones and plates, then voice-transcription fillers.

Traditional to simplified uses OpenCC (PyPI ``opencc``: the project's official wheels, maintained,
dictionaries shipped inside the wheel so nothing is fetched at run time) with its ``hk2s``
configuration: it reads standard traditional and the Hong Kong variant forms (衞, 綫, 着) that
``t2s`` leaves alone, which matters for estates in Guangdong and Hong Kong.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from bot.nlu.english import english_forms
from bot.nlu.numerals import convert_numerals
from bot.nlu.paths import DATA_DIR
from bot.script import to_simplified, to_traditional  # noqa: F401 (to_traditional: bot.nlu re-exports it)

PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
# Written Cantonese and pinyin slips, applied after hk2s so both lists are in simplified script.
CANTONESE_WORDS = DATA_DIR / "cantonese.txt"
TYPO_WORDS = DATA_DIR / "typos.txt"


def _word_pairs(*paths: Path) -> dict[str, str]:
    """``word<TAB>replacement`` lines of the shipped lists; ``#`` starts a comment."""
    pairs: dict[str, str] = {}
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                word, replacement = line.split("\t", 1)
                pairs[word.strip()] = replacement.strip()
    return pairs


_REPLACEMENTS = _word_pairs(CANTONESE_WORDS, TYPO_WORDS)
_REPLACE = re.compile("|".join(sorted(map(re.escape, _REPLACEMENTS), key=len, reverse=True)))

# Invisible characters, emoji variation selectors and skin tones (👍🏻 is 👍).
_INVISIBLE = re.compile("[\u200b-\u200f\u2028-\u202f\u2060-\u206f\ufeff\u00ad\ufe0e\ufe0f\U0001f3fb-\U0001f3ff]")
_DOTS = re.compile("[\u00b7\u2022\u2027\u30fb\uff65\u2219\u22c5\u16eb\u0387\u2981]")
_SPACES = re.compile(r"\s+")

# Voice-transcription fillers: 嗯/呃 anywhere; 那个/就是/然后 only standing between pauses,
# so that 那个保安 or 就是R2026… keep their words.
_HUMS = re.compile(r"[嗯呃]+|(?i:e?m{2,})")
_PAUSE_WORDS = re.compile(
    r"(?:^|(?<=[\s,.!?;:、。~…]))(?:那个|这个|就是说?|然后呢?|额|啊|哎|诶|喂|呀|那啥|怎么说呢)(?=[\s,.!?;:、。~…]|$)"
)
_HUM_CHARS = re.compile(r"[嗯呃]")
_CONTENT = re.compile(r"[^\s,.!?;:、。~…]")
_REPEATED_PUNCT = re.compile(r"([,.!?;、。~])[\s,.!?;、。~]*")

_PHONE = re.compile(r"(?<![\dA-Za-z])(?:\+?86[\s\-]?)?(1[\s\-]?[3-9](?:[\s\-]?\d){9})(?![\d])")
_PLATE = re.compile(
    rf"([{PROVINCES}])\s?([A-Za-z])\s?[·.\-\s]?\s?([A-Za-z0-9](?:[\s·.\-]?[A-Za-z0-9]){{4,5}})(?![A-Za-z0-9])"
)


@dataclass(frozen=True)
class Normalized:
    """The normalised simplified text, and whether the owner wrote in traditional characters."""

    text: str
    traditional: bool



def _join_phone(match: re.Match[str]) -> str:
    return re.sub(r"[\s\-]", "", match.group(1))


def _join_plate(match: re.Match[str]) -> str:
    # Take separated chunks only until the tail has 5 or 6 characters: 粤A·12345 3栋 keeps 3栋.
    chunks = re.split(r"([\s·.\-])", match.group(3))
    tail, used = "", 0
    for index in range(0, len(chunks), 2):
        if len(tail) >= 5:
            break
        tail += chunks[index]
        used = index + 1
    if not 5 <= len(tail) <= 6 or sum(ch.isdigit() for ch in tail) < 2:
        return match.group(0)  # not a plate: a province name followed by a word
    rest = "".join(chunks[used:])
    return match.group(1) + match.group(2).upper() + tail.upper() + rest


def to_mandarin(text: str) -> str:
    """Written Cantonese and pinyin slips replaced by their Mandarin words (simplified input)."""
    return _REPLACE.sub(lambda m: _REPLACEMENTS[m.group()], text)


def normalize(text: str) -> Normalized:
    """The one normal form every later step reads."""
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text)
    text = _DOTS.sub("·", text)
    text, traditional = to_simplified(text)
    text = to_mandarin(text)
    text = english_forms(text)
    text = convert_numerals(text)
    text = _PHONE.sub(_join_phone, text)
    text = _PLATE.sub(_join_plate, text)
    spoken = text
    text = _HUMS.sub(" ", text)
    text = _SPACES.sub(" ", text).strip()
    for _ in range(2):  # 嗯 那个 就是: removing one filler can expose the next
        text = _PAUSE_WORDS.sub("", text)
        text = _SPACES.sub(" ", text).strip()
    if _CONTENT.search(text) is None:
        text = "".join(_HUM_CHARS.findall(spoken))  # 嗯, 嗯嗯 alone: the hum is the whole answer (an acknowledgement)
    text = _REPEATED_PUNCT.sub(r"\1", text).strip(" ,;、")
    return Normalized(text=text, traditional=traditional)
