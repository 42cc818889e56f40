"""Satisfaction scores for 回访 answers: 1 to 5, an explicit number wins over words."""

from __future__ import annotations

import re

from bot.nlu.patterns import LATIN_WORD, Bilingual

_NUMBER = Bilingual.compile(r"(?<![\d.])([1-5])\s?(?:分|星|颗星|个星)(?!钟|之)"
                     r"|(?:打|给|评|评分|打分)[个了:]?\s?([1-5])(?![\d.])|满分"
                     r"|(?i:(?<![\d.])([1-5])\s*(?:stars?|points?|/\s*5|out\s+of\s+5)\b"
                     r"|\b(?:give|rate|rating|score)\s+(?:it|you|them|him|her|the\s+\w+)?\s*(?:a\s+|an\s+)?:?\s*([1-5])(?![\d.])|full\s+marks)")
_BARE = re.compile(r"^\s*([1-5])\s*(?:分|星)?[!.。~]?\s*$")
# Verdicts on the 回访 scale (满意 and its degrees, 一般, stars) outrank generic praise or blame
# (很好, 不错, 不好) wherever they stand: 师傅人很好 态度也好 非常满意 is 5. Within a tier the one
# said first wins; at the same place the most specific (非常不满意 before 不满意 before 满意).
_VERDICTS: tuple[tuple[str, Bilingual], ...] = (
    ("1", Bilingual.compile(r"(?:非常|很|特别|极其|太|超级|十分|相当|好)不满意|一星|零分"
                     r"|(?i:(?:very|extremely|totally|completely|really)\s+(?:dis|un)satisfied|very\s+unhappy)")),
    ("2", Bilingual.compile(r"不太满意|不怎么满意|不大满意|不是很满意|不满意"
                     r"|(?i:not\s+(?:very\s+|really\s+|quite\s+|too\s+)?(?:satisfied|happy)|(?:dis|un)satisfied)")),
    ("5", Bilingual.compile(r"(?:非常|很|特别|超级|十分|相当|太|超|极其|好)满意|满分|五星"
                     r"|(?i:(?:very|extremely|totally|completely|really|super|so)\s+(?:satisfied|happy)|excellent|perfect)")),
    ("3", Bilingual.compile(r"一般(?!人|都|来说|情况|要|是|会|不|的话)|还行|还可以|凑合|马马虎虎|过得去|中规中矩|"
                            r"将就|勉强"
                     r"|(?i:just\s+(?:ok|okay|alright|fine|average)|so-so|\baverage\b|mediocre|passable)")),
    ("4", Bilingual.compile(r"满意|(?i:satisfied)")),
)
_PRAISE: tuple[tuple[str, Bilingual], ...] = (
    ("1", Bilingual.compile(r"很差|太差|极差|特别差|非常差|好差|差劲|糟糕|差评.{0,4}差评|(?i:terrible|awful|"
                            r"horrible|the\s+worst|useless)")),
    ("2", Bilingual.compile(r"不是很好|不怎么好|不太好|不好|差评|比较差|有点差|不行|失望")),
    ("5", Bilingual.compile(r"完美|非常好|特别好|棒极了|太棒|好评")),
    ("3", Bilingual.compile(r"普通")),
    ("4", Bilingual.compile(r"不错|挺好|很好|还好|可以的|挺棒|很棒|棒|好的很|(?i:\bgreat\b|\bgood\s+(?:job|work|"
                            r"service)|well\s+done)")),
)


_STARS = re.compile(r"^\s*([⭐🌟]{1,5})\s*$")


def extract_score(text: str, *, bare: bool = False) -> str | None:
    """The score the owner gives; ``bare`` accepts a lone digit (the dialogue asked for a score)."""
    stars = _STARS.match(text)
    if stars is not None:
        return str(len(stars.group(1)))  # ⭐⭐⭐⭐ is four stars
    latin = LATIN_WORD.search(text) is not None
    match = _NUMBER.search(text, latin)
    if match is not None:
        return next((group for group in match.groups() if group is not None), "5")  # 满分, full marks
    if bare:
        lone = _BARE.match(text)
        if lone is not None:
            return lone.group(1)
    # The verdict said first is the verdict: 非常满意…还把垃圾带走了, 很差…非常不满意.
    for tier in (_VERDICTS, _PRAISE):
        best: tuple[int, int, str] | None = None
        for priority, (score, pattern) in enumerate(tier):
            word = pattern.search(text, latin)
            if word is not None and (best is None or (word.start(), priority) < best[:2]):
                best = (word.start(), priority, score)
        if best is not None:
            return best[2]
    return None
