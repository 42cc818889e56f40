"""The NLU on the committed evaluation sets (tests/nlu/eval/, written blind from the spec): CI fails
below the floors here. The floors sit a little under the figures measured when they were last
raised (docs/nlu.md); raise them as the NLU improves, never lower them to make a change pass.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.nlu.cli import parse_line, prediction
from bot.nlu.evaluate import Scores

EVAL = Path(__file__).with_name("eval")

# set → (intent accuracy, slot F1) floors
FLOORS: dict[str, tuple[float, float]] = {
    "general": (0.97, 0.97),
    "styles": (0.97, 0.95),
    "slots": (0.97, 0.98),
    "emergency": (0.99, 0.86),  # slot F1: 49 lines expect no category for a fire or an injury (docs: 其他)
    "near_miss": (0.89, 0.89),
    "english": (0.97, 0.96),
    "short_and_odd": (0.90, 0.86),
    "fresh": (0.97, 0.96),  # written blind after the work on the others; measured first at 0.973 / 0.910
}
EMERGENCY_RECALL_FLOOR = 0.995  # over every set's lines labelled emergency; the goal is 1.0


def score(name: str) -> tuple[Scores, list[tuple[str, str]]]:
    scores, emergencies = Scores(), []
    for raw in (EVAL / f"{name}.jsonl").read_text(encoding="utf-8").splitlines():
        if not raw.strip():
            continue
        record = json.loads(raw)
        text, now = parse_line(raw)
        predicted = prediction(text, now)
        scores.add(record["intent"], record.get("alt_intents") or (), record.get("slots") or {},
                   predicted["intent"], predicted["slots"])
        if record["intent"] == "emergency":
            emergencies.append((text, predicted["intent"]))
    return scores, emergencies


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_intent_accuracy_and_slot_f1_stay_above_their_floors(name: str) -> None:
    scores, _ = score(name)
    intent_floor, slot_floor = FLOORS[name]
    assert scores.intent_accuracy >= intent_floor, f"{name}: intent accuracy {scores.intent_accuracy:.3f}"
    assert scores.slot_f1() >= slot_floor, f"{name}: slot F1 {scores.slot_f1():.3f}"


def test_emergencies_are_recognised() -> None:
    missed, total = [], 0
    for name in FLOORS:
        _, emergencies = score(name)
        total += len(emergencies)
        missed += [text for text, predicted in emergencies if predicted != "emergency"]
    recall = 1 - len(missed) / total
    assert recall >= EMERGENCY_RECALL_FLOOR, f"emergency recall {recall:.3f}; missed: {missed[:10]}"
