"""Scores of docs/nlu.md: intent accuracy (alt_intents count as right), per-intent P/R/F1, slot F1."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from bot.nlu.labels import SLOTS
from bot.nlu.labels import SPEC_INTENTS as INTENTS


@dataclass
class Scores:
    lines: int = 0
    intent_right: int = 0
    intent_counts: Counter[tuple[str, str]] = field(default_factory=Counter)  # (expected, predicted)
    slot_counts: Counter[tuple[str, str]] = field(default_factory=Counter)  # (slot, "tp"|"fp"|"fn")

    def add(self, expected_intent: str, alt_intents: Iterable[str], expected_slots: Mapping[str, object],
            predicted_intent: str, predicted_slots: Mapping[str, object]) -> None:
        self.lines += 1
        accepted = {expected_intent, *alt_intents}
        right = predicted_intent in accepted
        self.intent_right += right
        # A prediction that an alternative label allows counts as that label in the per-intent table.
        self.intent_counts[(predicted_intent if right else expected_intent, predicted_intent)] += 1
        gold = {name: str(value) for name, value in expected_slots.items()}
        pred = {name: str(value) for name, value in predicted_slots.items()}
        for name, value in pred.items():
            self.slot_counts[(name, "tp" if gold.get(name) == value else "fp")] += 1
        for name, value in gold.items():
            if pred.get(name) != value:
                self.slot_counts[(name, "fn")] += 1

    @property
    def intent_accuracy(self) -> float:
        return self.intent_right / self.lines if self.lines else 0.0

    def slot_f1(self, slot: str | None = None) -> float:
        names = SLOTS if slot is None else (slot,)
        tp = sum(self.slot_counts[(name, "tp")] for name in names)
        fp = sum(self.slot_counts[(name, "fp")] for name in names)
        fn = sum(self.slot_counts[(name, "fn")] for name in names)
        return _f1(tp, fp, fn)

    def intent_table(self) -> list[tuple[str, float, float, float, int]]:
        """(label, precision, recall, F1, support) for every label that occurs."""
        rows = []
        for label in INTENTS:
            tp = self.intent_counts[(label, label)]
            fp = sum(count for (gold, pred), count in self.intent_counts.items() if pred == label and gold != label)
            fn = sum(count for (gold, pred), count in self.intent_counts.items() if gold == label and pred != label)
            support = tp + fn
            if support or fp:
                precision = tp / (tp + fp) if tp + fp else 0.0
                recall = tp / support if support else 0.0
                rows.append((label, precision, recall, _f1(tp, fp, fn), support))
        return rows

    def confusions(self, limit: int = 10) -> list[tuple[str, str, int]]:
        pairs = [(gold, pred, count) for (gold, pred), count in self.intent_counts.items() if gold != pred]
        return sorted(pairs, key=lambda item: (-item[2], item[0], item[1]))[:limit]

    def report(self) -> list[str]:
        lines = [f"{'intent':<15} {'prec':>6} {'recall':>6} {'f1':>6} {'n':>5}"]
        for label, precision, recall, f1, support in self.intent_table():
            lines.append(f"{label:<15} {precision:6.3f} {recall:6.3f} {f1:6.3f} {support:5d}")
        lines.append("")
        lines.append("most frequent confusions (expected -> predicted):")
        confusions = self.confusions()
        lines.extend(f"  {gold} -> {pred}: {count}" for gold, pred, count in confusions)
        if not confusions:
            lines.append("  none")
        lines.append("")
        lines.append(f"{'slot':<10} {'tp':>5} {'fp':>5} {'fn':>5} {'f1':>6}")
        for name in SLOTS:
            tp, fp, fn = (self.slot_counts[(name, kind)] for kind in ("tp", "fp", "fn"))
            if tp or fp or fn:
                lines.append(f"{name:<10} {tp:5d} {fp:5d} {fn:5d} {self.slot_f1(name):6.3f}")
        lines.append("")
        lines.append(f"intent_accuracy={self.intent_accuracy:.3f} slot_f1={self.slot_f1():.3f}")
        return lines


def _f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0
