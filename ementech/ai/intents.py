"""Intent routing by embedding similarity to labelled examples (seed 4.1.1).

Each intent has a handful of example utterances. A message is embedded with the local
sentence model and compared (cosine) with every example; an intent's score is the mean of
its two best examples. Below ``MIN_SCORE`` the intent is ``unknown``. Short yes/no answers
are recognised by rule first, since a two-word "sounds good" carries little meaning alone.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from . import slots

EXAMPLES: dict[str, list[str]] = {
    "greeting": [
        "hi",
        "hello there",
        "good morning",
        "hey, anyone here?",
        "hi, I have a question",
    ],
    "explore": [
        "We're looking to implement chatbots",
        "We are interested in AI for customer service",
        "we want to automate our support with AI",
        "thinking about using machine learning for demand forecasting",
        "exploring an AI assistant for our sales team",
        "we'd like to add a virtual agent to our website",
        "I want to see how AI could help my business",
    ],
    "question": [
        "What services do you offer?",
        "How does your retrieval augmented generation system work?",
        "Do you have case studies in fintech?",
        "How long does a typical implementation take?",
        "Which technologies and models do you use?",
        "What results did your clients get?",
        "Can your chatbot integrate with our CRM?",
        "Tell me about your pricing model",
        "Where is your team based?",
    ],
    "advice": [
        "How should we get started with AI?",
        "What would you recommend for a company like ours?",
        "I need to convince my boss",
        "How do I build a business case for this?",
        "Which approach is better, build or buy?",
        "What are the risks we should think about?",
    ],
    "share_info": [
        "We use Zendesk and have 5 support agents",
        "our budget is around 20k",
        "I'm the head of customer support",
        "Response times and costs",
        "We need it live by next quarter",
        "we're a logistics company with 200 employees",
        "our biggest problem is the ticket backlog",
        "we handle about 3000 tickets a month",
    ],
    "demo": [
        "Can I see a demo?",
        "I'd like to book a call",
        "Let's schedule a meeting",
        "Could we set up a demo with your team?",
        "when can we talk to someone about a demo",
        "show me what you've built",
    ],
    "human": [
        "Can I talk to a human?",
        "connect me with a real person",
        "I want to speak to someone from sales",
        "is there a person I can chat with",
        "get me a human agent please",
        "I'd rather talk to your team directly",
    ],
    "thanks": ["thanks", "thank you, that's helpful", "great, cheers", "bye", "that's all"],
}
MIN_SCORE = 0.38

# Which agent answers each intent (the orchestrator may override from conversation state).
AGENT_FOR = {
    "greeting": "consultant",
    "explore": "researcher",
    "question": "researcher",
    "advice": "consultant",
    "share_info": "qualifier",
    "demo": "scheduler",
    "human": "consultant",
    "thanks": "consultant",
    "affirm": "qualifier",
    "deny": "qualifier",
    "unknown": "researcher",
}


@dataclass(frozen=True)
class Intent:
    name: str
    score: float
    scores: dict[str, float]


def _embedder():
    try:
        from ementech.ai.config import get_embedder

        return get_embedder("all-MiniLM-L6-v2")
    except ImportError:  # the content library is not installed: load the model directly
        from ementech.ai.embeddings import LocalEmbedder

        return LocalEmbedder()


class IntentClassifier:
    """Nearest labelled examples in embedding space; built once per process."""

    def __init__(self, examples: dict[str, list[str]] | None = None) -> None:
        self.examples = examples or EXAMPLES
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
                self._matrix = np.asarray(_embedder().embed(texts), dtype=np.float32)

    def embed(self, text: str) -> np.ndarray:
        return np.asarray(_embedder().embed_query(text), dtype=np.float32)

    def classify(self, text: str) -> Intent:
        text = text.strip()
        if slots.AFFIRM_RE.search(text) and len(text.split()) <= 8:
            return Intent("affirm", 1.0, {"affirm": 1.0})
        if slots.DENY_RE.search(text) and len(text.split()) <= 6:
            return Intent("deny", 1.0, {"deny": 1.0})
        self._ensure()
        sims = self._matrix @ self.embed(text)
        per: dict[str, list[float]] = {}
        for label, sim in zip(self._labels, sims, strict=True):
            per.setdefault(label, []).append(float(sim))
        scores = {
            label: round(float(np.mean(sorted(v, reverse=True)[:2])), 3) for label, v in per.items()
        }
        best = max(scores, key=scores.get)
        if scores[best] < MIN_SCORE:
            return Intent("unknown", scores[best], scores)
        return Intent(best, scores[best], scores)


_classifier: IntentClassifier | None = None


def classifier() -> IntentClassifier:
    global _classifier
    if _classifier is None:
        _classifier = IntentClassifier()
    return _classifier


def classify(text: str) -> Intent:
    return classifier().classify(text)
