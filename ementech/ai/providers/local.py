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

import functools
import re
import threading
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from .base import ChatRequest, ChatResult, StreamEvent, ToolCall, Usage, split_tokens

SENTENCE_MIN = 0.30
LEXICAL_WEIGHT = 0.35  # how much the words a visitor used count beside the embedding
RARE_WORD_BONUS = 0.12  # a sentence holding the visitor's uncommon word ("Freshdesk", "Odoo")
QUOTED_FIGURE_BONUS = 0.12  # a sentence holding a figure the visitor quotes ("60%", "3x")
ATTRIBUTED = re.compile(r"\b(your|the|that|this|says|said|claims?|quoted?|headline)\b", re.I)
QUOTED_FIGURE = re.compile(r"\d+(?:\.\d+)?\s?(?:%|x\b|×)|\b\d\.\d\b")
CONTEXT_DISCOUNT = 0.9  # a sentence matched only through the earlier context counts less
NEIGHBOUR_MARGIN = 0.12  # how much closer another passage must be than the best's neighbour
# A figure that reports a result ("fell by 94%", "3x", "4.2 times", "$140k", "from 81% to
# 96%"), not a count that describes the client ("28 stores").
RESULT_FIGURE = re.compile(
    r"\d+(?:[.,]\d+)?\s*(?:%|x\b|percent|times)|\b(?:halve[sd]?|doubled)\b|"
    r"(?:\$|\bKES\s?|\bUSD\s?)\d|\bfrom \d[\d.,]*\S* to \d",
    re.I,
)
COUNT_QUESTION = re.compile(r"\bhow many\b|\bnumber of\b", re.I)
COUNTED = re.compile(r"\d", re.I)
# A long sentence makes several points ("… versioned together so any answer can be
# reproduced, and a bad release can be rolled back in minutes"); one sentence embedding
# blurs the last, so each clause is matched too, a little discounted.
CLAUSE_SPLIT = re.compile(r";\s+|,\s+(?=(?:and|but|so|while|then)\s)")
CLAUSE_MIN_WORDS = 7
CLAUSE_DISCOUNT = 0.9


def clauses(sentence: str) -> list[str]:
    """The clauses of a sentence that makes several points (none for a single one)."""
    parts = [p.strip(" ,;.") for p in CLAUSE_SPLIT.split(sentence)]
    parts = [p for p in parts if len(p.split()) >= CLAUSE_MIN_WORDS]
    return parts if len(parts) >= 2 else []


HEADING_DISCOUNT = 0.95  # a sentence matched through its section heading counts a little less
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


def sentences_with_headings(text: str) -> list[tuple[str, str, int]]:
    """(sentence, the heading it sits under, its paragraph's number) for the sentences of
    a chunk; a heading line "Title — Section" gives its section, the first the title."""
    out: list[tuple[str, str, int]] = []
    heading = ""
    for para, line in enumerate((text or "").splitlines()):
        flat = re.sub(r"\s+", " ", line).strip()
        if flat and not re.search(r"[.!?]$", flat) and len(flat) < 120:
            heading = flat.split(" — ")[-1]
            continue
        out += [(sent, heading, para) for sent in sentences(line)]
    return out


def _stem(word: str) -> str:
    """A crude plural fold ("trucks" → "truck") so TF-IDF matches inflected words."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


WORD_PATTERN = r"(?u)\b[a-zA-Z][a-zA-Z0-9\-]+\b"


def _content_words(text: str) -> set[str]:
    """The words of ``text`` that carry meaning, plural folded."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    words = re.findall(r"[a-z][a-z0-9\-]{2,}", (text or "").lower())
    return {_stem(w) for w in words if w not in ENGLISH_STOP_WORDS}


def lexical_scores(query: str, texts: list[str]) -> np.ndarray:
    """TF-IDF cosine (scikit-learn, English stop words dropped) of each text to ``query``:
    a rare word the visitor used ("Freshdesk", "trucks", "Sheng") counts even where the
    sentence embedding blurs it. Zeros when the query shares no content word."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

    if not texts:
        return np.zeros(0, dtype=np.float32)

    def content_words(text: str) -> str:
        words = re.findall(r"[\w\-]+", text.lower())
        return " ".join(_stem(w) for w in words if w not in ENGLISH_STOP_WORDS)

    vectorizer = TfidfVectorizer(
        sublinear_tf=True, token_pattern=WORD_PATTERN, preprocessor=content_words
    )
    try:
        matrix = vectorizer.fit_transform([*texts, query])
    except ValueError:  # nothing but stop words
        return np.zeros(len(texts), dtype=np.float32)
    sims = (matrix[:-1] @ matrix[-1].T).toarray().ravel()
    return sims.astype(np.float32)


# Inflected or derived English words missing from the vocabulary as a whole ("insurer",
# "optimisation") are not names.
DERIVED = re.compile(
    r"(er|or|ers|ing|ed|ation|isation|ization|ise|ize|ment|ness|ity|ance|ence|able|ible|"
    r"ful|less|ly|ist|ism|ive|al|ial|ic|ous)$"
)


@functools.cache
def _common_words() -> frozenset[str]:
    """Whole words of the local sentence model's WordPiece vocabulary (about 20,000 common
    English words): a word outside it is a name, a product or jargon. Empty when the model
    is not there (then no word counts as rare)."""
    try:
        from ..embeddings import local_model_vocabulary

        vocab = local_model_vocabulary()
    except Exception:  # noqa: BLE001 - a hint, never a failure
        return frozenset()
    return frozenset(w for w in vocab if w.isalpha() and not w.startswith("##"))


def rare_words(text: str) -> set[str]:
    """The uncommon words of ``text`` (not in the model's vocabulary, nor their singular)."""
    common = _common_words()
    if not common:
        return set()
    words = {w for w in re.findall(r"[a-z][a-z0-9\-]{3,}", (text or "").lower())}
    return {
        w
        for w in words
        if w not in common and _stem(w) not in common and not DERIVED.search(_stem(w))
    }


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
        self,
        query: str,
        sources: list[dict[str, Any]],
        limit: int = 2,
        context: str = "",
        prefer_figures: bool = False,
    ) -> tuple[list[tuple[str, int, float]], float]:
        """[(sentence, source number, score)] most similar to the query, and the top score:
        embedding similarity plus the weighted TF-IDF overlap of the words used. ``context``
        (the question with what it refers back to) may stand in for the query's embedding,
        slightly discounted. When the best match is a question in the text (an FAQ entry),
        the sentence answering it is given instead. The second sentence is the best one's
        neighbour in its paragraph unless another is clearly closer; ``prefer_figures``
        (a question about results) puts the source's sentence with figures first."""
        cands: list[tuple[str, int]] = []
        answers: dict[int, str] = {}  # a question in the text (an FAQ) → the sentence after it
        titles = {s.get("title") for s in sources}
        boosts: list[float] = []  # a source's ``boost``: the caller knows it is asked about
        headed: list[str] = []  # each sentence under its section heading
        place: list[tuple[int, int]] = []  # (source number, paragraph): who neighbours whom
        for src in sources:
            said = sentences_with_headings(src.get("text", ""))[:25]
            for i, (sent, heading, para) in enumerate(said):
                if sent.endswith("?") and i + 1 < len(said) and not said[i + 1][0].endswith("?"):
                    answers[len(cands)] = said[i + 1][0]
                cands.append((sent, src["n"]))
                headed.append(f"{heading}: {sent}" if heading else sent)
                place.append((src["n"], para))
            if src.get("title"):
                cands.append((src["title"] + ".", src["n"]))
                headed.append(src["title"] + ".")
                place.append((src["n"], -1))
            boosts += [float(src.get("boost") or 0.0)] * (len(cands) - len(boosts))
        if not cands or not query.strip():
            return [], 0.0
        texts = [c[0] for c in cands]
        vecs = self.embed([query, context or query, *texts])
        sims = np.maximum(vecs[2:] @ vecs[0], CONTEXT_DISCOUNT * (vecs[2:] @ vecs[1]))
        # A sentence read under its heading ("Evaluate before you ship: … track recall")
        # answers what the heading is about, slightly discounted.
        hvecs = self.embed(headed)
        sims = np.maximum(sims, HEADING_DISCOUNT * (hvecs @ vecs[0]))
        # A clause counts when it holds one of the visitor's own words too: a clause alone
        # is short, and close in meaning to many a question.
        asked = _content_words(query)
        parts = [
            (i, c) for i, t in enumerate(texts) for c in clauses(t) if asked & _content_words(c)
        ]
        if parts:
            by_clause = CLAUSE_DISCOUNT * (self.embed([c for _, c in parts]) @ vecs[0])
            for (i, _), sim in zip(parts, by_clause, strict=True):
                sims[i] = max(sims[i], sim)
        sims = sims + LEXICAL_WEIGHT * lexical_scores(query, texts)
        sims = sims + np.asarray(boosts, dtype=sims.dtype)
        rare = rare_words(query)
        if rare:  # the visitor's own uncommon words, where a sentence names them
            rare = {_stem(w) for w in rare}
            has = [len(rare & {_stem(w.lower()) for w in re.findall(r"[\w\-]+", t)}) for t in texts]
            sims = sims + RARE_WORD_BONUS * np.asarray(has, dtype=sims.dtype) / len(rare)
        quoted = {
            m.group(0)
            for m in QUOTED_FIGURE.finditer(query)
            if ATTRIBUTED.search(query[max(0, m.start() - 30) : m.start()])
        }  # "is the 60% saving real?", "your case study says 94%"; not "our turnover is 35%"
        if quoted:  # a figure the visitor quotes ("is the 60% saving real?"), where it stands
            has = [bool(quoted & set(QUOTED_FIGURE.findall(t))) for t in texts]
            sims = sims + QUOTED_FIGURE_BONUS * np.asarray(has, dtype=sims.dtype)
        order = [int(i) for i in np.argsort(-sims)]
        top = float(sims[order[0]])

        def text_of(i: int) -> str:
            return answers.get(i, cands[i][0])  # an FAQ's question matched: give its answer

        usable: list[int] = []
        for i in order:
            sent = text_of(i)
            if float(sims[i]) < SENTENCE_MIN or (sent.endswith(".") and sent[:-1] in titles):
                continue
            if any(sent == text_of(j) for j in usable):
                continue
            usable.append(i)
        if not usable:
            return [], top
        chosen = [usable[0]]
        first = usable[0]
        if limit >= 2:
            # The sentence beside the best one, in the same paragraph, continues its answer
            # ("… BM25 catches those." → "Fuse both lists with reciprocal rank fusion …")
            # unless another passage is clearly closer.
            beside = [
                j for j in (first - 1, first + 1)
                if j in usable and place[j] == place[first] and place[j][1] >= 0
            ]  # fmt: skip
            runner = next((j for j in usable[1:]), None)
            near = max(beside, key=lambda j: sims[j]) if beside else None
            if near is not None and (
                runner is None or sims[near] >= sims[runner] - NEIGHBOUR_MARGIN
            ):
                chosen.append(near)
            chosen += [j for j in usable[1:] if j not in chosen][: limit - len(chosen)]
        # "How many companies did it cover?" is answered by a count; "what did you achieve?"
        # by a result, not by the client's size.
        figure = COUNTED if COUNT_QUESTION.search(query) else RESULT_FIGURE
        if prefer_figures and not any(figure.search(text_of(i)) for i in chosen):
            # "Have you done this before? What were the results?": the figures say it, from
            # the page that answered, however the visitor worded the question.
            figures = [
                j for j in order
                if figure.search(text_of(j)) and cands[j][1] == cands[first][1]
                and not text_of(j).endswith("?") and text_of(j)[:-1] not in titles
            ]  # fmt: skip
            if figures:
                chosen = [figures[0], *chosen][: max(limit, 1)]
        if len(chosen) == 2 and place[chosen[0]] == place[chosen[1]] and chosen[1] < chosen[0]:
            chosen.reverse()  # one passage reads in its own order
        return [(text_of(i), cands[i][1], float(sims[i])) for i in chosen], top

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
