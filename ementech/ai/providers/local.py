"""The local provider: answers with no API keys, streaming as it composes.

It knows no domain. An application registers a *responder* (``register_responder``): a
generator that reads the request's structured ``context`` and yields text pieces as it
writes them, :class:`ToolCall` items for tools it wants run, and ``dict`` items of metadata.
The provider turns those into stream events at once, so the first words reach the visitor
while the rest is still being composed. With no responder registered it answers with the
retrieved sentences closest to the question (``context["sources"]``), or says it cannot.

It also offers :meth:`LocalProvider.best_sentences` to responders: the sentences of
retrieved text closest in embedding space to a question, each with its source number.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from .base import ChatRequest, ChatResult, StreamEvent, ToolCall, Usage, split_tokens

SENTENCE_MIN = 0.30
SENTENCE_CACHE = 20_000  # sentence vectors kept per process

Responder = Callable[[ChatRequest, "LocalProvider"], Iterator[Any]]
_responders: dict[str, Responder] = {}


def register_responder(name: str, responder: Responder) -> None:
    """Let requests whose ``context["responder"]`` is ``name`` be answered by ``responder``."""
    _responders[name] = responder


def sentences(text: str) -> list[str]:
    """Sentences of a chunk; heading lines ("Title — Section") are not sentences."""
    out: list[str] = []
    for line in (text or "").splitlines():
        line = re.sub(r"\s+", " ", line).strip()
        if not line or (not re.search(r"[.!?]$", line) and len(line) < 120):
            continue
        parts = re.split(r"(?<=[.!?])\s+(?=[A-Z0-9\"'])", line)
        out += [p.strip() for p in parts if 25 <= len(p.strip()) <= 400]
    return out


class LocalProvider:
    name = "local"

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cache: dict[str, np.ndarray] = {}

    # -- embeddings --------------------------------------------------------------------------

    def embed(self, texts: list[str]) -> np.ndarray:
        """Embeddings of ``texts``; knowledge sentences repeat, so they are cached."""
        from ..intents import embedder

        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            vectors = np.asarray(embedder().embed(missing), dtype=np.float32)
            with self._lock:
                if len(self._cache) + len(missing) > SENTENCE_CACHE:
                    self._cache.clear()
                self._cache.update(zip(missing, vectors, strict=True))
        return np.stack([self._cache[t] for t in texts])

    def cached_texts(self) -> list[str]:
        """The sentences whose vectors are cached (a snapshot)."""
        with self._lock:
            return list(self._cache)

    def forget_texts(self, match: Callable[[str], bool]) -> int:
        """Drop every cached sentence vector whose text ``match`` accepts."""
        with self._lock:
            gone = [k for k in self._cache if match(k)]
            for key in gone:
                self._cache.pop(key, None)
        return len(gone)

    def best_sentences(
        self, query: str, sources: list[dict[str, Any]], limit: int = 2
    ) -> tuple[list[tuple[str, int, float]], float]:
        """[(sentence, source number, score)] most similar to the query, and the top score."""
        cands: list[tuple[str, int]] = []
        titles = {s.get("title") for s in sources}
        for src in sources:
            for sent in sentences(src.get("text", ""))[:25]:
                cands.append((sent, src["n"]))
            if src.get("title"):
                cands.append((src["title"] + ".", src["n"]))
        if not cands or not query.strip():
            return [], 0.0
        vecs = self.embed([query] + [c[0] for c in cands])
        sims = vecs[1:] @ vecs[0]
        order = np.argsort(-sims)
        top = float(sims[order[0]])
        picked: list[tuple[str, int, float]] = []
        for i in order:
            sent, n = cands[int(i)]
            score = float(sims[int(i)])
            if score < SENTENCE_MIN or (sent.endswith(".") and sent[:-1] in titles):
                continue
            if any(sent == p[0] for p in picked):
                continue
            picked.append((sent, n, score))
            if len(picked) >= limit:
                break
        return picked, top

    # -- protocol ----------------------------------------------------------------------------

    def stream(self, request: ChatRequest) -> Iterator[StreamEvent]:
        responder = _responders.get((request.context or {}).get("responder", ""), _extractive)
        text: list[str] = []
        calls: list[ToolCall] = []
        meta: dict[str, Any] = {}
        for item in responder(request, self):
            if isinstance(item, str):
                text.append(item)
                for piece in split_tokens(item):
                    yield StreamEvent("token", text=piece)
            elif isinstance(item, ToolCall):
                calls.append(item)
                yield StreamEvent("tool_call", tool_call=item)
            elif isinstance(item, dict):
                meta.update(item)
        body = "".join(text)
        prompt_chars = len(request.system) + sum(
            len(str(m.get("content") or "")) for m in request.messages
        )
        yield StreamEvent(
            "done",
            result=ChatResult(
                text=body,
                tool_calls=calls,
                usage=Usage(input_tokens=prompt_chars // 4, output_tokens=len(body) // 4),
                model="local",
                provider=self.name,
                finish_reason="tool_calls" if calls else "stop",
                meta=meta,
            ),
        )

    def complete(self, request: ChatRequest) -> ChatResult:
        result = None
        for event in self.stream(request):
            if event.type == "done":
                result = event.result
        assert result is not None
        return result


def _extractive(request: ChatRequest, provider: LocalProvider) -> Iterator[Any]:
    """No responder registered: the closest retrieved sentences, cited, or an honest no."""
    ctx = request.context or {}
    query = ctx.get("query") or next(
        (m["content"] for m in reversed(request.messages) if m["role"] == "user"), ""
    )
    picked, _ = provider.best_sentences(query, ctx.get("sources") or [])
    if not picked:
        yield "I don't know."
        return
    for i, (sent, n, _) in enumerate(picked):
        yield ("" if i == 0 else " ") + f"{sent} [Source {n}]"
    yield {"cited": sorted({n for _, n, _ in picked})}
