"""Intent classification by embedding similarity to labelled examples.

Each intent has a handful of example utterances (the caller's vocabulary). A message is
embedded with the local sentence model and compared (cosine) with every example; an
intent's score is the mean of its two best examples. Below ``min_score`` the intent is
``unknown``. Optional rules (a regex and the longest message it applies to) name an intent
first, since a two-word "sounds good" carries little meaning alone.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Intent:
    name: str
    score: float
    scores: dict[str, float]


def embedder():
    """The local sentence embedder (one instance per process, from the registry)."""
    from ementech.ai.config import get_embedder

    return get_embedder("all-MiniLM-L6-v2")


_embedder = embedder  # the local provider's sentence cache uses it


@dataclass
class Rule:
    pattern: re.Pattern
    intent: str
    max_words: int


@dataclass
class IntentClassifier:
    """Nearest labelled examples in embedding space; built once per process."""

    examples: dict[str, list[str]]
    min_score: float = 0.38
    rules: list[Rule] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._labels: list[str] = []
        self._matrix: np.ndarray | None = None
        self._lock = threading.Lock()

    def _ensure(self) -> None:
        if self._matrix is not None:
            return
        with self._lock:
            if self._matrix is None:
                labels, texts = [], []
                for label, items in self.examples.items():
                    labels += [label] * len(items)
                    texts += items
                self._labels = labels
                self._matrix = np.asarray(embedder().embed(texts), dtype=np.float32)

    def embed(self, text: str) -> np.ndarray:
        return np.asarray(embedder().embed_query(text), dtype=np.float32)

    def scores(self, text: str) -> dict[str, float]:
        self._ensure()
        sims = self._matrix @ self.embed(text)
        per: dict[str, list[float]] = {}
        for label, sim in zip(self._labels, sims, strict=True):
            per.setdefault(label, []).append(float(sim))
        return {
            label: round(float(np.mean(sorted(v, reverse=True)[:2])), 3) for label, v in per.items()
        }

    def classify(self, text: str) -> Intent:
        text = text.strip()
        for rule in self.rules:
            if rule.pattern.search(text) and len(text.split()) <= rule.max_words:
                return Intent(rule.intent, 1.0, {rule.intent: 1.0})
        scores = self.scores(text)
        best = max(scores, key=scores.get)
        if scores[best] < self.min_score:
            return Intent("unknown", scores[best], scores)
        return Intent(best, scores[best], scores)
