"""BM25 (Okapi) lexical index in numpy: an inverted index in CSR form.

Exact-word matching complements the dense embedder on names, numbers and jargon that a
small sentence model blurs ("ISO 27001", "M-Pesa", "RAG"). Terms are lower-cased words
with a light suffix stemmer and English stop words removed.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ementech.ai.vectors import filter_mask, top_k

_WORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")
_STOP_TEXT = (
    "a about above after again against all am an and any are as at be because been before "
    "being below between both but by can could did do does doing down during each few for from "
    "further had has have having he her here hers herself him himself his how i if in into is "
    "it its itself just me more most my myself no nor not now of off on once only or other our "
    "ours ourselves out over own same she should so some such than that the their theirs them "
    "themselves then there these they this those through to too under until up very was we "
    "were what when where which while who whom why will with would you your yours yourself "
    "yourselves us also get got much many may might must shall via per "
)
STOP_WORDS = frozenset(_STOP_TEXT.split())


def stem(word: str) -> str:
    """A deliberately small suffix stripper (plural, -ing, -ed, -ly, -ation)."""
    if len(word) <= 3 or word.isdigit():
        return word
    for suffix, repl in (
        ("ational", "ate"),
        ("ization", "ize"),
        ("isation", "ize"),
        ("ations", "ate"),
        ("ation", "ate"),
        ("ies", "y"),
        ("ing", ""),
        ("edly", ""),
        ("ed", ""),
        ("ly", ""),
        ("es", ""),
        ("s", ""),
    ):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith("ss"):
                return word
            return word[: -len(suffix)] + repl
    return word


def tokenize(text: str) -> list[str]:
    """Lower-case word stems without stop words."""
    return [stem(w.replace("'", "")) for w in _WORD.findall(text.lower()) if w not in STOP_WORDS]


class BM25Index:
    """Okapi BM25 over a fixed list of documents; rebuild to change the documents.

    Everything a query reads is a numpy array (``arrays()``), so an index can be written
    once and memory-mapped by every process (``from_arrays``); the vocabulary is then a
    sorted term array searched by bisection instead of a dict built per process.
    """

    ARRAY_NAMES = ("post_docs", "post_tfs", "offsets", "idf", "norm", "vocab_terms", "vocab_ids")

    def __init__(
        self,
        ids: Sequence[str],
        texts: Sequence[str],
        *,
        columns: Mapping[str, Sequence[Any]] | None = None,
        k1: float = 1.2,
        b: float = 0.75,
        common_share: float = 0.2,
        common_min_docs: int = 5000,
    ) -> None:
        self.ids = [str(i) for i in ids]
        self.k1, self.b = k1, b
        self.common_share = common_share
        self.common_min_docs = common_min_docs
        self.columns = {name: np.asarray(values) for name, values in (columns or {}).items()}
        vocab: dict[str, int] = {}
        doc_terms: list[np.ndarray] = []
        doc_tfs: list[np.ndarray] = []
        lengths = np.zeros(len(self.ids), dtype=np.float32)
        for n, text in enumerate(texts):
            counts = Counter(tokenize(text))
            lengths[n] = sum(counts.values())
            doc_terms.append(
                np.fromiter((vocab.setdefault(t, len(vocab)) for t in counts), dtype=np.int32)
            )
            doc_tfs.append(np.fromiter(counts.values(), dtype=np.float32))
        self.vocab: Mapping[str, int] | None = vocab
        self._vocab_terms: np.ndarray | None = None
        self._vocab_ids: np.ndarray | None = None
        n_docs = len(self.ids)
        if n_docs and vocab:
            terms = np.concatenate(doc_terms) if doc_terms else np.zeros(0, np.int32)
            tfs = np.concatenate(doc_tfs) if doc_tfs else np.zeros(0, np.float32)
            docs = np.repeat(np.arange(n_docs, dtype=np.int32), [len(t) for t in doc_terms])
            order = np.argsort(terms, kind="stable")
            self._post_docs = docs[order]
            self._post_tfs = tfs[order]
            df = np.bincount(terms, minlength=len(vocab))
            self._offsets = np.concatenate([[0], np.cumsum(df)]).astype(np.int64)
            self._idf = np.log(1.0 + (n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)
        else:
            self._post_docs = np.zeros(0, np.int32)
            self._post_tfs = np.zeros(0, np.float32)
            self._offsets = np.zeros(1, np.int64)
            self._idf = np.zeros(0, np.float32)
        avgdl = float(lengths.mean()) if n_docs else 0.0
        self._norm = (k1 * (1 - b + b * lengths / avgdl)).astype(np.float32) if avgdl else lengths

    @classmethod
    def from_arrays(
        cls,
        ids: Sequence[str],
        arrays: Mapping[str, np.ndarray],
        *,
        columns: Mapping[str, np.ndarray] | None = None,
        k1: float = 1.2,
        b: float = 0.75,
        common_share: float = 0.2,
        common_min_docs: int = 5000,
    ) -> BM25Index:
        """An index over arrays from ``arrays()`` (typically memory-mapped); ``ids`` is any
        sequence of ids (it is not copied)."""
        index = cls.__new__(cls)
        index.ids = ids  # type: ignore[assignment]
        index.k1, index.b = k1, b
        index.common_share, index.common_min_docs = common_share, common_min_docs
        index.columns = dict(columns or {})
        index.vocab = None
        index._vocab_terms = arrays["vocab_terms"]
        index._vocab_ids = arrays["vocab_ids"]
        index._post_docs = arrays["post_docs"]
        index._post_tfs = arrays["post_tfs"]
        index._offsets = arrays["offsets"]
        index._idf = arrays["idf"]
        index._norm = arrays["norm"]
        return index

    def arrays(self) -> dict[str, np.ndarray]:
        """The index as named arrays (what ``from_arrays`` takes back)."""
        if self.vocab is not None:
            terms = sorted(self.vocab)
            vocab_terms = np.array(terms, dtype=str) if terms else np.zeros(0, dtype="U1")
            vocab_ids = np.fromiter((self.vocab[t] for t in terms), dtype=np.int32)
        else:
            vocab_terms, vocab_ids = self._vocab_terms, self._vocab_ids
        return {
            "post_docs": self._post_docs,
            "post_tfs": self._post_tfs,
            "offsets": self._offsets,
            "idf": self._idf,
            "norm": np.asarray(self._norm, dtype=np.float32),
            "vocab_terms": vocab_terms,
            "vocab_ids": vocab_ids,
        }

    def term_ids(self, terms: Sequence[str]) -> list[int]:
        """Vocabulary ids of the ``terms`` the index knows."""
        if self.vocab is not None:
            return [self.vocab[t] for t in terms if t in self.vocab]
        vocab = self._vocab_terms
        if vocab is None or not len(vocab) or not terms:
            return []
        wanted = np.asarray(terms, dtype=vocab.dtype)  # longer terms cannot be in the vocab
        at = np.searchsorted(vocab, wanted)
        out = []
        for term, pos in zip(terms, at, strict=True):
            if pos < len(vocab) and vocab[pos] == term:
                out.append(int(self._vocab_ids[pos]))
        return out

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def nbytes(self) -> int:
        return int(
            self._post_docs.nbytes
            + self._post_tfs.nbytes
            + self._offsets.nbytes
            + self._idf.nbytes
            + self._norm.nbytes
        )

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every document for ``query`` (zeros where no term matches).

        In large indexes (``common_min_docs`` documents or more), terms found in more than
        ``common_share`` of the documents are skipped when the query has rarer ones: their
        idf is near zero and their postings are the longest, so they cost the most and
        change the ranking the least.
        """
        scores = np.zeros(len(self.ids), dtype=np.float32)
        terms = self.term_ids(sorted(set(tokenize(query))))
        rare = terms
        if len(self.ids) >= self.common_min_docs:
            limit = self.common_share * len(self.ids)
            rare = [t for t in terms if self._offsets[t + 1] - self._offsets[t] <= limit]
        for t in rare or terms:
            lo, hi = self._offsets[t], self._offsets[t + 1]
            docs = self._post_docs[lo:hi]
            tf = self._post_tfs[lo:hi]
            scores[docs] += self._idf[t] * tf * (self.k1 + 1) / (tf + self._norm[docs])
        return scores

    def search(
        self, query: str, *, k: int, filter: Mapping[str, Any] | None = None
    ) -> list[tuple[str, float]]:
        """Top ``k`` (id, score) with a positive score, best first."""
        scores = self.scores(query)
        mask = filter_mask(self.columns, len(self.ids), filter)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        scores = np.where(scores > 0, scores, -np.inf)
        return [(self.ids[i], float(scores[i])) for i in top_k(scores, k)]


def idf_weight(n_docs: int, df: int) -> float:
    """BM25's idf for a term in ``df`` of ``n_docs`` documents (exposed for the reranker)."""
    return math.log(1.0 + (n_docs - df + 0.5) / (df + 0.5))
