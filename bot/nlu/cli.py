"""``wuyebot nlu predict`` and ``wuyebot nlu eval --data FILE`` (wired by bot/cli.py).

predict: JSON Lines in (``text``, ``now``), one prediction line out per input line, in order. A
bad line gets a one-line message on stderr and ``{"error": …}`` in its place, and the exit code
is 1 when any line was bad; the estates of the configuration (``WUYEBOT_CONFIG`` or config.yaml)
are recognised, none when there is no configuration file. eval: the report of ``bot.nlu.evaluate``
for a labelled file (estates are not scored, so eval reads no configuration).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from bot.nlu.evaluate import Scores
from bot.nlu.labels import reported_label
from bot.nlu.slots.estate import estates_configured


class BadLine(ValueError):
    """An input line that cannot be understood as a message: the reason is for the operator."""


def parse_line(raw: str) -> tuple[str, datetime]:
    """The ``text`` and ``now`` of one input line; ``now`` missing means the current time."""
    try:
        record = json.loads(raw)
    except json.JSONDecodeError as error:
        raise BadLine(f"not JSON ({error.msg} at column {error.colno})") from None
    if not isinstance(record, dict):
        raise BadLine("not a JSON object")
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise BadLine('no "text" string')
    now_raw = record.get("now")
    if now_raw is None:
        return text, datetime.now().astimezone()  # this machine's zone; lines should carry their "now"
    if not isinstance(now_raw, str):
        raise BadLine('"now" is not an ISO 8601 string')
    try:
        now = datetime.fromisoformat(now_raw)
    except ValueError:
        raise BadLine(f'"now" is not an ISO 8601 time: {now_raw!r}') from None
    if now.tzinfo is None or now.utcoffset() is None:
        raise BadLine(f'"now" has no timezone: {now_raw!r} (write it as e.g. 2026-11-22T10:00:00+08:00)')
    return text, now


def prediction(text: str, now: datetime) -> dict[str, Any]:
    """One docs/nlu.md prediction; the score is written as a number, as the labelled files have it."""
    from bot.nlu.understanding import understand

    understanding = understand(text, now)
    slots: dict[str, Any] = dict(understanding.slots)
    if "score" in slots:
        slots["score"] = int(slots["score"])
    return {"intent": reported_label(understanding.intent), "confidence": understanding.confidence, "slots": slots}


def configured_estates() -> dict[str, tuple[str, ...]]:
    """Estate code → name and aliases, read as the other commands read the settings.

    No configuration file means no estates; a configuration that cannot be read is said on stderr
    and predictions go on without estates.
    """
    from bot.settings import DEFAULT_CONFIG_PATH, SettingsError, load_settings

    if not Path(os.environ.get("WUYEBOT_CONFIG") or DEFAULT_CONFIG_PATH).is_file():
        return {}
    try:
        settings = load_settings()
    except SettingsError as error:
        print(f"wuyebot nlu predict: estates not recognised: configuration error: {error}", file=sys.stderr)
        return {}
    return {estate.code: estate.names for estate in settings.estate_list}


def main_predict(stdin: TextIO, stdout: TextIO, estates: Mapping[str, Sequence[str]] | None = None) -> int:
    """Predict every line; ``estates`` (code → names) defaults to those of the configuration."""
    with estates_configured(configured_estates() if estates is None else estates):
        return _predict_lines(stdin, stdout)


def _predict_lines(stdin: TextIO, stdout: TextIO) -> int:
    bad = 0
    for number, line in enumerate(stdin, start=1):
        raw = line.strip()
        try:
            text, now = parse_line(raw)
            result: dict[str, Any] = prediction(text, now)
        except BadLine as error:
            bad += 1
            print(f"wuyebot nlu predict: line {number}: {error}", file=sys.stderr)
            result = {"error": str(error)}
        except Exception as error:  # one odd message must not stop a batch
            bad += 1
            print(f"wuyebot nlu predict: line {number}: cannot understand it ({type(error).__name__}: {error})",
                  file=sys.stderr)
            result = {"error": f"internal error: {type(error).__name__}"}
        stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
        stdout.flush()
    return 1 if bad else 0


def main_eval(path: str, stdout: TextIO) -> int:
    file = Path(path)
    try:
        lines = file.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        print(f"wuyebot nlu eval: cannot read {path}: {error}", file=sys.stderr)
        return 2
    scores = Scores()
    skipped = 0
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            text, now = parse_line(raw)
            record = json.loads(raw)
            intent = record.get("intent")
            if not isinstance(intent, str):
                raise BadLine('no "intent" label')
            predicted = prediction(text, now)
        except BadLine as error:
            skipped += 1
            print(f"wuyebot nlu eval: {path}:{number}: {error}; skipped", file=sys.stderr)
            continue
        scores.add(intent, record.get("alt_intents") or (), record.get("slots") or {},
                   predicted["intent"], predicted["slots"])
    if skipped:
        stdout.write(f"{skipped} line(s) skipped, see stderr\n")
    for line in scores.report():
        stdout.write(line + "\n")
    return 0 if scores.lines else 1
