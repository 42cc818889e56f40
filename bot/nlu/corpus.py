"""The training corpus: ``data/corpus/<intent>.txt`` and ``data/extra/<intent>.txt``, one message a line.

Kept apart from any evaluation file on purpose: ``dev.jsonl`` and the acceptance set only measure.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from bot.nlu.labels import INTENTS
from bot.nlu.paths import DATA_DIR

CORPUS_DIRS: tuple[Path, ...] = (DATA_DIR / "corpus", DATA_DIR / "extra")


@dataclass(frozen=True)
class Example:
    text: str
    intent: str
    source: str  # "corpus/repair.txt:12", for finding a bad line


def corpus_files(dirs: tuple[Path, ...] = CORPUS_DIRS) -> list[Path]:
    """Every corpus file whose name is an intent label, in a stable order."""
    files: list[Path] = []
    for directory in dirs:
        if directory.is_dir():
            files.extend(sorted(path for path in directory.glob("*.txt") if path.stem in INTENTS))
    return files


def load_examples(dirs: tuple[Path, ...] = CORPUS_DIRS) -> list[Example]:
    """All lines of all corpus files; blank lines and ``#`` comments are skipped."""
    examples: list[Example] = []
    for path in corpus_files(dirs):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            text = line.strip()
            if text and not text.startswith("#"):
                examples.append(Example(text, path.stem, f"{path.parent.name}/{path.name}:{number}"))
    return examples


def fingerprint(dirs: tuple[Path, ...] = CORPUS_DIRS, *extra: Path) -> str:
    """A hash of the corpus files and of ``extra`` files (the code that turns text into features)."""
    digest = hashlib.sha256()
    for path in [*corpus_files(dirs), *extra]:
        digest.update(str(path.name).encode())
        digest.update(path.parent.name.encode())
        digest.update(path.read_bytes() if path.is_file() else b"")
    return digest.hexdigest()
