"""The estate (小区) a message names: a gazetteer of the configured estates' names and aliases.

The service calls ``configure_estates({code: names})`` once at start-up (``EstateSettings.names``:
the name and its aliases). With nothing configured the slot is never produced.

Read after normalisation, so traditional script is simplified already (蘭亭苑 is 兰亭苑) and 二期 is
2期; the names go through the same normalisation when they are configured. What counts as naming
an estate (docs/nlu.md, "Estate"):

- **Strong forms**, found anywhere: a name or alias of three or more characters (阳光花园, 兰亭苑小区).
- **Weak forms**, found only in an estate's context: an alias of two characters (阳光, 兰亭) and the
  prefixes of two or more characters of any name or alias that no other estate shares (阳光 of
  阳光花园). Context is a suffix or a place right after the form (阳光小区, 兰亭花园, 阳光2期, 阳光3栋,
  兰亭的业主), or the form being the whole message (the answer to 您住哪个小区？). So 阳光很好,
  今天阳光不错, 阳光房漏水 and 兰亭序 name no estate.
- **Typos**: one character replaced in a name or alias of three or more characters (阳光花圆, 兰庭苑),
  when only one estate is that close and the new character makes no dictionary word with its
  neighbours (阳光花坛, 兰亭序 are words, not typos) and is no particle (的, 了 …). A typo that keeps
  the first and last characters (兰庭苑) is found anywhere; one at either end (阳光花圆, which might
  be 阳光 and a word) only in context, as a weak form: 阳光花圆3栋, 我是阳光花圆的.

The longest mention wins where mentions overlap. A message naming two different estates gives no
slot: the owner is comparing or unclear, and the dialogue falls back to the owner's home.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from bot.nlu.normalize import normalize
from bot.nlu.tokenize import tokenizer

_CJK = "\u3400-\u4dbf\u4e00-\u9fff"
_IS_CJK = re.compile(f"[{_CJK}]")
_LATIN = re.compile(r"[a-z0-9]")
# What may follow a weak form: an estate suffix, a phase, a building or room, or the people living there.
_CONTEXT_AFTER = re.compile(
    r"\s?(?:小区|花园|家园|社区|园区|新村|公寓|苑|园|\d{1,2}期"
    r"|\d{1,3}\s?(?:号楼|栋|幢|座|单元|号|区|-\d)|[A-Za-z]\d{0,2}\s?(?:栋|座|幢)"
    r"|的?(?:业主|住户|租户|居民)|物业)",
    re.IGNORECASE,
)
# A weak form standing alone: the message is the form, perhaps with 我住/在 … before and 的/啊 after.
_ALONE_BEFORE = re.compile(r"[\s,.!?~。、]*(?:我是|我住在?|住在|我在|在|是)?")
_ALONE_AFTER = re.compile(r"(?:的|啊|呀|吧|哈|呢|哦)?[\s,.!?~。、]*")
_MASK = "\0"
# Particles and function words: 阳光花的 is not a typo of 阳光花园.
_NEVER_A_TYPO = frozenset("的了是在和与跟也都就还很不有吗呢吧啊呀哦嘛么个们这那我你他她它")


@dataclass(frozen=True)
class _Mention:
    start: int
    end: int
    code: str
    exact: bool


class Gazetteer:
    """The configured estates' written forms, compiled for one scan per message."""

    def __init__(self, table: Mapping[str, Sequence[str]]) -> None:
        forms: dict[str, set[str]] = {}
        for code, names in table.items():
            for name in names:
                for written in _written_forms(name):
                    forms.setdefault(written, set()).add(code)
        full = {form: codes for form, codes in forms.items() if len(form) >= 2}
        self._strong: dict[str, str] = {}
        self._weak: dict[str, str] = {}
        for form, codes in full.items():
            if len(codes) == 1:
                (self._strong if len(form) >= 3 else self._weak)[form] = next(iter(codes))
        for form, code in _unshared_prefixes(full).items():
            self._weak.setdefault(form, code)
        # Typos: a form of three or more characters with one of its Chinese characters masked.
        self._masked: dict[str, set[str]] = {}
        for form, code in self._strong.items():
            for index, char in enumerate(form):
                if _IS_CJK.match(char):
                    self._masked.setdefault(form[:index] + _MASK + form[index + 1:], set()).add(code)
        exact = {*self._strong, *self._weak}
        self._lengths = sorted({len(form) for form in exact}, reverse=True)
        self._typo_lengths = sorted({len(masked) for masked in self._masked}, reverse=True)
        # The regexes only find where a form may start; the dictionaries above say which it is.
        self._exact = _starts(exact, re.escape)
        self._typo = _starts(self._masked, lambda masked: re.escape(masked).replace(_MASK, f"[{_CJK}]"))

    @property
    def empty(self) -> bool:
        return not self._strong and not self._weak

    def estate(self, text: str) -> str | None:
        """The code of the one estate ``text`` (normalised) names, or None (none, or two)."""
        if self.empty:
            return None
        lowered = text.lower()
        if len(lowered) != len(text):
            lowered = text
        mentions = sorted(self._mentions(lowered), key=lambda m: (m.end - m.start, m.exact), reverse=True)
        taken: list[_Mention] = []
        for mention in mentions:  # longest first; an exact form before a typo of the same length
            if all(mention.end <= other.start or mention.start >= other.end for other in taken):
                taken.append(mention)
        codes = {mention.code for mention in taken}
        return codes.pop() if len(codes) == 1 else None

    def _mentions(self, text: str) -> Iterator[_Mention]:
        for match in self._exact.finditer(text):
            start = match.start()
            for length in self._lengths:
                end = start + length
                written = text[start:end]
                if len(written) < length or not _whole_word(text, start, end):
                    continue
                if written in self._strong:
                    yield _Mention(start, end, self._strong[written], exact=True)
                elif written in self._weak and _in_context(text, start, end):
                    yield _Mention(start, end, self._weak[written], exact=True)
        for match in self._typo.finditer(text):
            start = match.start()
            for length in self._typo_lengths:
                end = start + length
                written = text[start:end]
                if len(written) < length or not _whole_word(text, start, end):
                    continue
                found = self._typo_of(written)
                if found is None:
                    continue
                code, index = found
                # 兰庭苑 keeps both ends of 兰亭苑; 阳光花开 is 阳光 and a word, unless an estate's context says not.
                if 0 < index < length - 1 or _in_context(text, start, end):
                    yield _Mention(start, end, code, exact=False)

    def _typo_of(self, written: str) -> tuple[str, int] | None:
        """The one estate ``written`` is a one-character typo of, and where, unless it is a word of its own."""
        if written in self._strong or written in self._weak:
            return None
        codes: set[str] = set()
        where = 0
        for index in range(len(written)):
            close = self._masked.get(written[:index] + _MASK + written[index + 1:])
            if close is not None:
                if written[index] in _NEVER_A_TYPO or _makes_a_word(written, index):
                    return None
                codes |= close
                where = index
        return (codes.pop(), where) if len(codes) == 1 else None


def _written_forms(name: str) -> set[str]:
    """A configured name as messages show it after normalisation (蘭亭苑 → 兰亭苑, 二期 → 2期)."""
    plain = name.strip()
    if not plain:
        return set()
    return {plain.lower(), normalize(plain).text.lower()}


def _unshared_prefixes(forms: Mapping[str, set[str]]) -> dict[str, str]:
    """Prefixes of two or more characters, ending on a Chinese character, that only one estate has.

    A prefix that is another estate's name, alias or prefix is shared, so it names neither.
    """
    owners: dict[str, set[str]] = {}
    for form, codes in forms.items():
        for length in range(2, len(form)):
            prefix = form[:length]
            if _IS_CJK.match(prefix[-1]):
                owners.setdefault(prefix, set()).update(codes)
    return {prefix: next(iter(codes | forms.get(prefix, set()))) for prefix, codes in owners.items()
            if len(codes | forms.get(prefix, set())) == 1}


def _starts(forms: Iterable[str], to_pattern: Callable[[str], str]) -> re.Pattern[str]:
    """A regex matching, empty, wherever one of ``forms`` starts (longest first, overlaps included)."""
    ordered = sorted(forms, key=len, reverse=True)
    if not ordered:
        return re.compile(r"(?!)")
    return re.compile(f"(?=(?:{'|'.join(map(to_pattern, ordered))}))")


def _whole_word(text: str, start: int, end: int) -> bool:
    """A Latin name (Sunshine Garden) is not found inside a longer Latin word or number."""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not (_LATIN.match(text[start]) and _LATIN.match(before)) and not (
        _LATIN.match(text[end - 1]) and _LATIN.match(after))


def _in_context(text: str, start: int, end: int) -> bool:
    if _CONTEXT_AFTER.match(text, end):
        return True
    return bool(_ALONE_BEFORE.fullmatch(text, 0, start) and _ALONE_AFTER.fullmatch(text, end))


def _makes_a_word(written: str, index: int) -> bool:
    """Whether the replaced character is part of a dictionary word: 花坛, 兰亭序 are no typos."""
    frequencies = tokenizer().FREQ
    for start in range(index + 1):
        for end in range(max(index + 1, start + 2), len(written) + 1):
            if frequencies.get(written[start:end], 0) > 0:
                return True
    return False


# The configured gazetteer, swapped whole (one reference assignment: safe for readers on any thread).
_active: list[Gazetteer] = [Gazetteer({})]


def configure_estates(table: Mapping[str, Sequence[str]]) -> None:
    """Make the NLU recognise these estates: estate code → its name and aliases. Call once at start-up."""
    _active[0] = Gazetteer(table)


@contextmanager
def estates_configured(table: Mapping[str, Sequence[str]]) -> Iterator[None]:
    """``configure_estates`` for a block (a command, a test), putting back what was there before."""
    before = _active[0]
    _active[0] = Gazetteer(table)
    try:
        yield
    finally:
        _active[0] = before


def extract_estate(text: str) -> str | None:
    """The code of the configured estate the normalised ``text`` names, or None."""
    return _active[0].estate(text)
