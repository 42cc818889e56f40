"""Patterns with English words in them, split so that Chinese text pays nothing for the English.

A rule's vocabulary is written once, Chinese and English together: the English words are the
top-level alternatives that open with ``(?i:`` (漏水|渗水|(?i:leak|drip)). Case-insensitive
alternatives slow every search of a pattern down, so ``Bilingual`` compiles the two halves apart
and tries the English half only on a text with Latin words in it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LATIN_WORD = re.compile(r"[A-Za-z]{3}")


def split_english(pattern: str) -> tuple[str, str]:
    """The top-level alternatives of ``pattern`` without and with a ``(?i:`` opening, each rejoined."""
    alternatives: list[str] = []
    depth, start, index, in_class = 0, 0, 0, False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            if pattern[index + 1:index + 2] == "]":
                index += 1  # a ] right after [ is a member of the class
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            alternatives.append(pattern[start:index])
            start = index + 1
        index += 1
    alternatives.append(pattern[start:])
    english = [alternative for alternative in alternatives if alternative.startswith("(?i:")]
    chinese = [alternative for alternative in alternatives if not alternative.startswith("(?i:")]
    return "|".join(chinese), "|".join(english)


_NEVER = re.compile(r"(?!)")


@dataclass(frozen=True)
class Bilingual:
    """A pattern compiled as its Chinese half and its English half (see the module's docstring)."""

    chinese: re.Pattern[str]
    english: re.Pattern[str] | None

    @classmethod
    def compile(cls, pattern: str) -> Bilingual:
        chinese, english = split_english(pattern)
        return cls(re.compile(chinese) if chinese else _NEVER, re.compile(english) if english else None)

    def search(self, text: str, latin: bool | None = None) -> re.Match[str] | None:
        """The first match of the Chinese half, else (when ``text`` has Latin words) of the English one."""
        found = self.chinese.search(text)
        if found is not None or self.english is None:
            return found
        if latin is None:
            latin = LATIN_WORD.search(text) is not None
        return self.english.search(text) if latin else None

    def match(self, text: str, latin: bool | None = None) -> re.Match[str] | None:
        """Like ``search``, anchored at the start."""
        found = self.chinese.match(text)
        if found is not None or self.english is None:
            return found
        if latin is None:
            latin = LATIN_WORD.search(text) is not None
        return self.english.match(text) if latin else None
