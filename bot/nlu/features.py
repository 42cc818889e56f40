"""Features of one normalised message for the intent classifier.

jieba words carry meaning (报修, 放行条, 物业费); character bigrams carry it through what jieba
splits badly (typos, Cantonese leftovers, voice text with no punctuation); a word after 不/没/别
is marked as negated (不用修 is not 修); and the slots found say a lot on their own (a ticket
number is usually about progress, a plate about a visitor). Digits are folded to one symbol so a
room number or a phone does not become a word of its own.
"""

from __future__ import annotations

import re

from bot.nlu.tokenize import tokens

_DIGITS = re.compile(r"\d+")
_LATIN = re.compile(r"[A-Za-z]+")
_SKIP = frozenset(" ,.;:、。~…\"'()[]{}<>《》“”‘’-_/\\|")
_NEGATIONS = frozenset({"不", "没", "没有", "别", "不用", "不要", "不必", "无需", "不需要", "未", "并未", "不是",
                        "甭", "莫"})


def _fold(text: str) -> str:
    return _LATIN.sub("a", _DIGITS.sub("0", text))


def features(text: str, slot_names: frozenset[str] | set[str] = frozenset()) -> set[str]:
    """The feature set of ``text`` (already normalised) given the names of the slots found in it."""
    found: set[str] = set()
    words = [_fold(word).lower() for word in tokens(text)]
    words = [word for word in words if word not in _SKIP]
    previous = "<s>"
    negated = False
    for word in words:
        found.add("w:" + word)
        found.add("b:" + previous + "|" + word)
        if negated:
            found.add("n:" + word)
        negated = word in _NEGATIONS
        previous = word
    found.add("b:" + previous + "|</s>")
    chars = [ch for ch in _fold(text) if ch not in _SKIP]
    for index, ch in enumerate(chars):
        found.add("c:" + ch)
        if index:
            found.add("cc:" + chars[index - 1] + ch)
    found.add("cc:<s>" + (chars[0] if chars else ""))
    found.add("cc:" + (chars[-1] if chars else "") + "</s>")
    for name in slot_names:
        found.add("slot:" + name)
    length = len(chars)
    found.add("len:" + ("1-2" if length <= 2 else "3-5" if length <= 5 else "6-10" if length <= 10
                        else "11-20" if length <= 20 else "21+"))
    return found
