"""The one place that picks the embedder, the vector index and the reranker from settings.

- Embedder: ``EMBEDDING_MODEL`` if set (``all-MiniLM-L6-v2`` or ``text-embedding-3-small``),
  else OpenAI when ``OPENAI_API_KEY`` is set, else the local model.
- Vector index: Pinecone when ``PINECONE_API_KEY`` and ``PINECONE_HOST`` are set (one
  namespace per embedding model), else the in-memory exact-cosine index.
- Reranker: Cohere when ``COHERE_API_KEY`` is set (falling back to local on errors), else
  the local reranker.

Instances are cached per process; ``reset()`` clears them (tests, settings changes).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from ementech.ai.embeddings import (
    LOCAL_MODEL_NAME,
    OPENAI_MODEL_NAME,
    Embedder,
    LocalEmbedder,
    OpenAIEmbedder,
)
from ementech.ai.rerank import CohereReranker, FallbackReranker, LocalReranker, Reranker
from ementech.ai.vectors import PineconeVectorIndex

_lock = threading.Lock()
_embedders: dict[str, Embedder] = {}
_rerankers: dict[str, Reranker] = {}
_remote_indexes: dict[tuple, PineconeVectorIndex] = {}

LOCAL_ALIASES = {LOCAL_MODEL_NAME, "local", "sentence-transformers/all-MiniLM-L6-v2"}


def embedding_model_name() -> str:
    """The configured embedding model's name."""
    configured = (settings.EMBEDDING_MODEL or "").strip()
    if configured:
        return LOCAL_MODEL_NAME if configured in LOCAL_ALIASES else configured
    return OPENAI_MODEL_NAME if settings.OPENAI_API_KEY else LOCAL_MODEL_NAME


def local_onnx_path() -> Path | None:
    """The ONNX export of the local model to serve with (no torch), or None for PyTorch.

    ``EMBEDDING_BACKEND``: ``auto`` (ONNX when the file exported at install time exists),
    ``onnx`` (required) or ``torch``."""
    backend = settings.EMBEDDING_BACKEND
    if backend == "torch":
        return None
    path = _export_path()
    if path.exists():
        return path
    if backend == "onnx":
        raise ImproperlyConfigured(
            f"EMBEDDING_BACKEND=onnx but {path} is missing: run "
            f"`python -m ementech.ai.onnx_export {path}` (make install does)"
        )
    return None


def local_document_onnx_path() -> Path | None:
    """The int8 copy that embeds knowledge documents (``EMBEDDING_PRECISION=int8``, the
    default, when ``make install`` wrote it), or None: documents use the serving model."""
    from ementech.ai.onnx_export import int8_path

    if settings.EMBEDDING_PRECISION not in ("int8", "float32"):
        raise ImproperlyConfigured(
            f"EMBEDDING_PRECISION must be int8 or float32, not {settings.EMBEDDING_PRECISION!r}"
        )
    if settings.EMBEDDING_PRECISION != "int8" or local_onnx_path() is None:
        return None
    path = int8_path(_export_path())
    return path if path.exists() else None


def _export_path() -> Path:
    if settings.EMBEDDING_ONNX_PATH:
        return Path(settings.EMBEDDING_ONNX_PATH)
    return Path(settings.VAR_DIR) / "models" / f"{LOCAL_MODEL_NAME}.onnx"


def get_embedder(model: str | None = None) -> Embedder:
    """The embedder for ``model`` (default: the configured one), one instance per process."""
    name = model or embedding_model_name()
    if name in LOCAL_ALIASES:
        name = LOCAL_MODEL_NAME
    with _lock:
        embedder = _embedders.get(name)
        if embedder is None:
            if name == LOCAL_MODEL_NAME:
                embedder = LocalEmbedder(
                    onnx_path=local_onnx_path(), document_onnx_path=local_document_onnx_path()
                )
            else:
                if not settings.OPENAI_API_KEY:
                    raise ValueError(f"embedding model {name!r} needs OPENAI_API_KEY")
                embedder = OpenAIEmbedder(
                    api_key=settings.OPENAI_API_KEY, base_url=settings.OPENAI_BASE_URL, model=name
                )
            _embedders[name] = embedder
        return embedder


def vector_backend() -> str:
    return "pinecone" if settings.PINECONE_API_KEY and settings.PINECONE_HOST else "local"


def namespace_for(model_name: str) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", model_name.lower()).strip("-")


def get_remote_index(embedder: Embedder) -> PineconeVectorIndex | None:
    """The Pinecone index for ``embedder``'s vectors, or None when Pinecone is not set up."""
    if vector_backend() != "pinecone":
        return None
    key = (settings.PINECONE_HOST, embedder.model_name)
    with _lock:
        index = _remote_indexes.get(key)
        if index is None:
            index = PineconeVectorIndex(
                api_key=settings.PINECONE_API_KEY,
                host=settings.PINECONE_HOST,
                namespace=namespace_for(embedder.model_name),
                dimension=embedder.dimension,
            )
            _remote_indexes[key] = index
        return index


def get_reranker() -> Reranker:
    name = "cohere" if settings.COHERE_API_KEY else "local"
    with _lock:
        reranker = _rerankers.get(name)
        if reranker is None:
            if name == "cohere":
                reranker = FallbackReranker(
                    CohereReranker(
                        api_key=settings.COHERE_API_KEY, base_url=settings.COHERE_BASE_URL
                    ),
                    LocalReranker(),
                )
            else:
                reranker = LocalReranker()
            _rerankers[name] = reranker
        return reranker


def reset() -> None:
    """Forget cached clients (the local embedder keeps its loaded model)."""
    with _lock:
        _rerankers.clear()
        _remote_indexes.clear()
        for name in [n for n in _embedders if n != LOCAL_MODEL_NAME]:
            del _embedders[name]


# --- per-process caches keyed by text a visitor typed (privacy erasure reads these) ----------


def cached_query_texts() -> list[str]:
    """Texts held in this process's query caches: the embedders' query vectors and the
    local LLM provider's sentence vectors (only if that provider was already built)."""
    texts: list[str] = []
    with _lock:
        embedders = list(_embedders.values())
    for embedder in embedders:
        cache = getattr(embedder, "_queries", None)
        if cache is not None:
            texts += cache.keys()
    provider = _built_local_provider()
    if provider is not None:
        texts += provider.cached_texts()
    return texts


def forget_query_texts(match: Callable[[str], bool]) -> int:
    """Drop every cached query or sentence vector whose text ``match`` accepts (this
    process); how many were dropped."""
    removed = 0
    with _lock:
        embedders = list(_embedders.values())
    for embedder in embedders:
        cache = getattr(embedder, "_queries", None)
        if cache is not None:
            removed += cache.forget(match)
    provider = _built_local_provider()
    if provider is not None:
        removed += provider.forget_texts(match)
    return removed


def _built_local_provider():
    from ementech.ai import llm_config

    if not llm_config.local_provider.cache_info().currsize:
        return None  # never built: nothing cached, and building it would load a model
    provider = llm_config.local_provider()
    return provider if hasattr(provider, "forget_texts") else None
