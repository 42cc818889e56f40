"""Word segmentation with jieba and a property-domain user dictionary (跳闸, 放行条, 住改商 …).

jieba builds its prefix dictionary from a 350,000-word list on first use, which takes seconds;
its own cache (a marshal dump) brings that to about 0.7 s, still a third of our start-up budget.
So the word list is first trimmed to the words jieba has seen at least ``MIN_FREQUENCY`` times
(about 105,000, which covers what owners write; rarer words fall back to jieba's HMM and to the
classifier's character bigrams), and the trimmed list's cache loads in about 0.15 s. Both the
trimmed list and the cache are derived files in our writable cache directory, built once per
machine. The user dictionary is small and is added on every start.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
import warnings
from functools import lru_cache
from pathlib import Path
from typing import Any

from bot.nlu.paths import DATA_DIR, cache_dir

USER_DICT = DATA_DIR / "userdict.txt"
MIN_FREQUENCY = 10

_lock = threading.Lock()


def _import_jieba() -> Any:
    # jieba imports pkg_resources and has regexes with invalid escapes: both warn on recent
    # Pythons, which a test run with -W error would turn into an import failure.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import jieba

    jieba.setLogLevel(logging.ERROR)
    return jieba


@lru_cache(maxsize=1)
def tokenizer() -> Any:
    """The shared jieba tokenizer, initialised from the cache and given the domain words."""
    with _lock:
        jieba = _import_jieba()
        directory = cache_dir()
        instance = jieba.Tokenizer(str(_trimmed_dictionary(jieba, directory)))
        instance.tmp_dir = str(directory)
        instance.cache_file = f"jieba-f{MIN_FREQUENCY}.cache"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            instance.initialize()
            for word in user_words():
                instance.add_word(word, freq=20000)
        return instance


def _trimmed_dictionary(jieba: Any, directory: Path) -> Path:
    """jieba's word list without its rarest words, written once (atomically) into ``directory``."""
    source = Path(jieba.__file__).resolve().parent / jieba.DEFAULT_DICT_NAME
    target = directory / f"jieba-dict-f{MIN_FREQUENCY}.txt"
    if target.is_file() and target.stat().st_mtime >= source.stat().st_mtime:
        return target
    kept = []
    with source.open(encoding="utf-8") as words:
        for line in words:
            parts = line.split(" ")
            if len(parts) >= 2 and parts[1].strip().isdigit() and int(parts[1]) >= MIN_FREQUENCY:
                kept.append(line if line.endswith("\n") else line + "\n")
    fd, temporary = tempfile.mkstemp(dir=directory, suffix=".txt")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.writelines(kept)
    os.replace(temporary, target)
    return target


@lru_cache(maxsize=1)
def user_words() -> tuple[str, ...]:
    """Words of the shipped user dictionary, one a line, ``#`` starts a comment.

    Each gets a frequency high enough to win over common words it overlaps (开放 in 开放行条).
    """
    words = []
    for line in USER_DICT.read_text(encoding="utf-8").splitlines():
        word = line.split("#", 1)[0].strip().split(" ")[0]
        if word:
            words.append(word)
    return tuple(words)


def tokens(text: str) -> list[str]:
    """jieba's words for ``text``, without whitespace."""
    return [token for token in tokenizer().lcut(text, HMM=True) if not token.isspace()]
