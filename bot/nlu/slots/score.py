"""Satisfaction scores for 回访 answers: 1 to 5, an explicit number wins over words."""

from __future__ import annotations

import re

_NUMBER = re.compile(r"(?<![\d.])([1-5])\s?(?:分|星|颗星|个星)(?!钟|之)"
                     r"|(?:打|给|评|评分|打分)[个了]?\s?([1-5])(?![\d.])|满分")
_BARE = re.compile(r"^\s*([1-5])\s*(?:分|星)?[!.。~]?\s*$")
# Verdicts on the 回访 scale (满意 and its degrees, 一般, stars) outrank generic praise or blame
# (很好, 不错, 不好) wherever they stand: 师傅人很好 态度也好 非常满意 is 5. Within a tier the one
# said first wins; at the same place the most specific (非常不满意 before 不满意 before 满意).
_VERDICTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("1", re.compile(r"(?:非常|很|特别|极其|太|超级|十分|相当)不满意|一星|零分")),
    ("2", re.compile(r"不太满意|不怎么满意|不大满意|不是很满意|不满意")),
    ("5", re.compile(r"(?:非常|很|特别|超级|十分|相当|太|超|极其)满意|满分|五星")),
    ("3", re.compile(r"一般(?!人|都|来说|情况|要|是|会|不|的话)|还行|还可以|凑合|马马虎虎|过得去|中规中矩|将就|勉强")),
    ("4", re.compile(r"满意")),
)
_PRAISE: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("1", re.compile(r"很差|太差|极差|特别差|非常差|差劲|糟糕|差评.{0,4}差评")),
    ("2", re.compile(r"不是很好|不怎么好|不太好|不好|差评|比较差|有点差|不行|失望")),
    ("5", re.compile(r"完美|非常好|特别好|棒极了|太棒|好评")),
    ("3", re.compile(r"普通")),
    ("4", re.compile(r"不错|挺好|很好|还好|可以的|挺棒|很棒|棒|好的很")),
)


_STARS = re.compile(r"^\s*([⭐🌟]{1,5})\s*$")


def extract_score(text: str, *, bare: bool = False) -> str | None:
    """The score the owner gives; ``bare`` accepts a lone digit (the dialogue asked for a score)."""
    stars = _STARS.match(text)
    if stars is not None:
        return str(len(stars.group(1)))  # ⭐⭐⭐⭐ is four stars
    match = _NUMBER.search(text)
    if match is not None:
        if match.group(0) == "满分":
            return "5"
        return match.group(1) or match.group(2)
    if bare:
        lone = _BARE.match(text)
        if lone is not None:
            return lone.group(1)
    # The verdict said first is the verdict: 非常满意…还把垃圾带走了, 很差…非常不满意.
    for tier in (_VERDICTS, _PRAISE):
        best: tuple[int, int, str] | None = None
        for priority, (score, pattern) in enumerate(tier):
            word = pattern.search(text)
            if word is not None and (best is None or (word.start(), priority) < best[:2]):
                best = (word.start(), priority, score)
        if best is not None:
            return best[2]
    return None
