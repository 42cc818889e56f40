"""Chinese scripts: simplified and Hong Kong traditional, with OpenCC.

Owners who write traditional characters are understood in simplified (``to_simplified``) and
answered, and pushed, in traditional (``to_traditional``). The NLU, the inbox and the outbox use it.
"""

from __future__ import annotations

import threading
from functools import lru_cache

_converter_lock = threading.Lock()


@lru_cache(maxsize=4)
def _opencc(config: str) -> object:
    import opencc  # deferred: loading its dictionaries is start-up time we pay only when asked

    return opencc.OpenCC(config)


def to_simplified(text: str) -> tuple[str, bool]:
    """Simplified text, and whether the owner writes traditional.

    A message has few characters that differ between the scripts, so the test is which kind
    dominates: characters only traditional (changed by hk2s) against characters only simplified
    (changed by s2hk). One stray 間 in 水喉爆咗浸晒成間屋 is a traditional writer; one in a long
    simplified message is not.
    """
    with _converter_lock:  # OpenCC objects are not documented as thread-safe
        simplified = _opencc("hk2s").convert(text)  # type: ignore[attr-defined]
        if simplified == text:
            return text, False
        traditional_form = _opencc("s2hk").convert(text)  # type: ignore[attr-defined]
    return simplified, _differences(text, simplified) >= _differences(text, traditional_form)


def written_script(text: str) -> bool | None:
    """True when ``text`` is written in traditional characters, False in simplified, None when it
    says nothing either way (一个时间 12月9日 15:00, a phone number, 确认 …): the owner's earlier
    choice then stands."""
    with _converter_lock:
        simplified = _opencc("hk2s").convert(text)  # type: ignore[attr-defined]
        traditional_form = _opencc("s2hk").convert(text)  # type: ignore[attr-defined]
    if simplified == text and traditional_form == text:
        return None
    return _differences(text, simplified) >= _differences(text, traditional_form)


def _differences(a: str, b: str) -> int:
    if len(a) != len(b):
        return max(1, abs(len(a) - len(b)))
    return sum(x != y for x, y in zip(a, b, strict=True))


def to_traditional(text: str) -> str:
    """Simplified reply text in Hong Kong standard traditional (``s2hk``).

    Our traditional-script owners are in Guangdong and Hong Kong, where 為/裏/着 are the forms they
    read every day; OpenCC's plain ``s2t`` would write the dictionary forms 爲/裏 that look dated.
    """
    with _converter_lock:
        return _opencc("s2hk").convert(text)  # type: ignore[attr-defined]
