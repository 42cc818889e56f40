"""The statistical half of intent recognition: multinomial logistic regression in numpy.

Small on purpose: a few thousand sparse binary features, fifteen labels, a model trained in about
a second from the corpus that ships in the repository. The trained weights are cached under the
cache directory, keyed by a hash of the corpus and of the code that turns text into features, so a
changed corpus or feature code retrains by itself on the next start and nobody runs a training
step by hand; no generated binary is committed.
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np

from bot.nlu.corpus import CORPUS_DIRS, Example, fingerprint, load_examples
from bot.nlu.labels import INTENTS
from bot.nlu.paths import DATA_DIR, cache_dir

_HERE = Path(__file__).resolve().parent
# The code whose change must retrain the model (it changes what the features of a line are).
_FEATURE_CODE: tuple[Path, ...] = (
    _HERE / "normalize.py", _HERE / "english.py", _HERE / "numerals.py", _HERE / "tokenize.py", _HERE / "features.py",
    _HERE / "classifier.py", DATA_DIR / "userdict.txt", DATA_DIR / "cantonese.txt", DATA_DIR / "typos.txt",
    *sorted((_HERE / "slots").glob("*.py")),
)
# Training lines have no receiving time; relative times resolve against a fixed one.
_TRAINING_NOW = datetime.fromisoformat("2026-01-07T10:00:00+08:00")


@dataclass(frozen=True)
class IntentModel:
    """Weights of a softmax regression over named binary features."""

    labels: tuple[str, ...]
    index: dict[str, int]
    weights: np.ndarray  # (features, labels)
    bias: np.ndarray  # (labels,)

    def probabilities(self, features: Iterable[str]) -> np.ndarray:
        """Probability of each label, in ``labels`` order."""
        rows = [self.index[name] for name in features if name in self.index]
        scores = self.bias + (self.weights[rows].sum(axis=0) if rows else 0.0)
        scores = scores - scores.max()
        exp = np.exp(scores)
        return exp / exp.sum()

    def save(self, path: Path) -> None:
        """Write atomically: a half-written cache must never be read by another process."""
        names = np.array(sorted(self.index, key=self.index.__getitem__))
        fd, temporary = tempfile.mkstemp(dir=path.parent, suffix=".npz")
        try:
            with os.fdopen(fd, "wb") as handle:
                np.savez(handle, labels=np.array(self.labels), names=names, weights=self.weights, bias=self.bias)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    @classmethod
    def load(cls, path: Path) -> IntentModel:
        with np.load(path, allow_pickle=False) as data:
            names = data["names"].tolist()
            return cls(
                labels=tuple(data["labels"].tolist()),
                index={name: row for row, name in enumerate(names)},
                weights=data["weights"],
                bias=data["bias"],
            )


def example_features(examples: Sequence[Example]) -> list[set[str]]:
    """Features of corpus lines, computed exactly as for live messages."""
    from bot.nlu.features import features
    from bot.nlu.normalize import normalize
    from bot.nlu.slots import extract_entities

    result = []
    for example in examples:
        text = normalize(example.text).text
        result.append(features(text, frozenset(extract_entities(text, _TRAINING_NOW))))
    return result


def train(
    samples: Sequence[set[str]],
    targets: Sequence[str],
    *,
    labels: tuple[str, ...] = INTENTS,
    epochs: int = 100,
    learning_rate: float = 0.1,
    l2: float = 3e-4,
) -> IntentModel:
    """Full-batch Adam on the class-balanced cross-entropy with an L2 penalty."""
    index: dict[str, int] = {}
    for sample in samples:
        for name in sample:
            index.setdefault(name, len(index))
    rows: list[int] = []
    columns: list[int] = []
    for row, sample in enumerate(samples):
        for name in sample:
            rows.append(row)
            columns.append(index[name])
    row_of = np.asarray(rows, dtype=np.int64)
    feature_of = np.asarray(columns, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, row_of[1:] != row_of[:-1]])  # samples are never empty
    by_feature = np.argsort(feature_of, kind="stable")
    feature_sorted = feature_of[by_feature]
    feature_starts = np.flatnonzero(np.r_[True, feature_sorted[1:] != feature_sorted[:-1]])
    feature_ids = feature_sorted[feature_starts]

    label_of = {label: position for position, label in enumerate(labels)}
    y = np.asarray([label_of[target] for target in targets], dtype=np.int64)
    n, k, f = len(samples), len(labels), len(index)
    counts = np.bincount(y, minlength=k).astype(np.float64)
    class_weight = np.where(counts > 0, np.sqrt(counts.sum() / np.maximum(counts, 1) / k), 0.0)
    sample_weight = class_weight[y]
    sample_weight /= sample_weight.sum()
    onehot = np.zeros((n, k), dtype=np.float32)
    onehot[np.arange(n), y] = 1.0
    sample_weight = sample_weight.astype(np.float32)
    rows_by_feature = row_of[by_feature]

    weights = np.zeros((f, k), dtype=np.float32)
    bias = np.log(np.maximum(counts, 1) / counts.sum()).astype(np.float32)
    moments = [np.zeros_like(weights), np.zeros_like(weights), np.zeros_like(bias), np.zeros_like(bias)]
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    for step in range(1, epochs + 1):
        scores = np.add.reduceat(weights[feature_of], starts, axis=0) + bias
        scores -= scores.max(axis=1, keepdims=True)
        probs = np.exp(scores)
        probs /= probs.sum(axis=1, keepdims=True)
        error = (probs - onehot) * sample_weight[:, None]
        grad_w = l2 * weights
        grad_w[feature_ids] += np.add.reduceat(error[rows_by_feature], feature_starts, axis=0)
        grad_b = error.sum(axis=0)
        for param, grad, m, v in ((weights, grad_w, moments[0], moments[1]), (bias, grad_b, moments[2], moments[3])):
            # In place: m, v and param are the moment and weight arrays themselves.
            m *= beta1  # noqa: PLW2901
            m += (1 - beta1) * grad  # noqa: PLW2901
            v *= beta2  # noqa: PLW2901
            v += (1 - beta2) * grad * grad  # noqa: PLW2901
            param -= learning_rate * (m / (1 - beta1**step)) / (np.sqrt(v / (1 - beta2**step)) + eps)  # noqa: PLW2901
    return IntentModel(labels=labels, index=index, weights=weights, bias=bias)


def train_on_corpus(examples: Sequence[Example] | None = None) -> IntentModel:
    examples = load_examples() if examples is None else examples
    if not examples:
        raise RuntimeError(f"no training corpus found under {', '.join(map(str, CORPUS_DIRS))}")
    return train(example_features(examples), [example.intent for example in examples])


_lock = threading.Lock()
_model: IntentModel | None = None


def model() -> IntentModel:
    """The model for the current corpus: from the cache when its hash matches, else trained now."""
    global _model  # noqa: PLW0603 - the model is loaded once, on first use
    if _model is not None:
        return _model
    with _lock:
        if _model is None:
            _model = _load_or_train()
    return _model


def _load_or_train() -> IntentModel:
    key = fingerprint(CORPUS_DIRS, *_FEATURE_CODE)[:24]
    directory = cache_dir()
    path = directory / f"intent-model-{key}.npz"
    if path.is_file():
        try:
            return IntentModel.load(path)
        except (OSError, ValueError, KeyError):
            path.unlink(missing_ok=True)  # a damaged cache is rebuilt
    trained = train_on_corpus()
    try:
        trained.save(path)
        for stale in directory.glob("intent-model-*.npz"):
            if stale != path:
                stale.unlink(missing_ok=True)
    except OSError:
        pass  # an unwritable cache costs a retrain per start, nothing more
    return trained
