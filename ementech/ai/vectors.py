"""Vector indexes: an exact-cosine in-memory index (default) and Pinecone.

Vectors are unit length (see ``embeddings``), so the score is a dot product. Filters use
Pinecone's metadata filter syntax, a subset the local index also understands:
``{"field": value}``, ``{"field": {"$eq"|"$ne": value}}``, ``{"field": {"$in"|"$nin": [...]}}``.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import numpy as np


@dataclass(frozen=True)
class VectorRecord:
    id: str
    vector: np.ndarray
    metadata: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class VectorMatch:
    id: str
    score: float


@runtime_checkable
class VectorIndex(Protocol):
    """Nearest-neighbour search over unit vectors."""

    dimension: int

    def upsert(self, records: Sequence[VectorRecord]) -> None: ...

    def delete(self, ids: Sequence[str]) -> None: ...

    def query(
        self, vector: np.ndarray, *, k: int, filter: Mapping[str, Any] | None = None
    ) -> list[VectorMatch]: ...

    def __len__(self) -> int: ...


def _condition_mask(column: np.ndarray, condition: Any) -> np.ndarray:
    if isinstance(condition, Mapping):
        mask = np.ones(len(column), dtype=bool)
        for op, value in condition.items():
            if op == "$eq":
                mask &= column == value
            elif op == "$ne":
                mask &= column != value
            elif op == "$in":
                mask &= np.isin(column, list(value))
            elif op == "$nin":
                mask &= ~np.isin(column, list(value))
            else:
                raise ValueError(f"unsupported filter operator {op!r}")
        return mask
    return column == condition


def filter_mask(columns: Mapping[str, np.ndarray], size: int, spec: Mapping[str, Any] | None):
    """Boolean mask over ``size`` rows for a Pinecone-style filter, or None for no filter."""
    if not spec:
        return None
    mask = np.ones(size, dtype=bool)
    for name, condition in spec.items():
        column = columns.get(name)
        if column is None:
            return np.zeros(size, dtype=bool)
        mask &= _condition_mask(column, condition)
    return mask


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` highest finite scores, best first."""
    if k <= 0 or scores.size == 0:
        return np.zeros(0, dtype=np.int64)
    k = min(k, scores.size)
    idx = np.argpartition(-scores, k - 1)[:k] if k < scores.size else np.arange(scores.size)
    idx = idx[np.argsort(-scores[idx], kind="stable")]
    return idx[np.isfinite(scores[idx])]


class LocalVectorIndex:
    """Exact cosine search on one contiguous float32 matrix held in memory.

    Metadata is kept as one numpy column per filterable field (not a dict per row), so the
    index costs little more than the raw vectors. Writes copy-on-write the arrays under a
    lock; readers see a consistent snapshot without locking.
    """

    def __init__(self, dimension: int) -> None:
        self.dimension = dimension
        self._lock = threading.Lock()
        self._state = self._empty_state()

    def _empty_state(self) -> tuple:
        return (np.zeros((0, self.dimension), dtype=np.float32), [], {}, {})

    @classmethod
    def from_arrays(
        cls,
        ids: Sequence[str],
        matrix: np.ndarray,
        columns: Mapping[str, Sequence[Any]] | None = None,
    ) -> LocalVectorIndex:
        matrix = np.ascontiguousarray(matrix, dtype=np.float32)
        index = cls(int(matrix.shape[1]) if matrix.ndim == 2 and matrix.shape[0] else 0)
        if matrix.shape[0] == 0:
            return index
        cols = {name: np.asarray(values) for name, values in (columns or {}).items()}
        ids = [str(i) for i in ids]
        index._state = (matrix, ids, {i: n for n, i in enumerate(ids)}, cols)
        return index

    def __len__(self) -> int:
        return len(self._state[1])

    @property
    def matrix(self) -> np.ndarray:
        """The stored vectors, one row per id in insertion order (read-only use)."""
        return self._state[0]

    @property
    def nbytes(self) -> int:
        """Bytes held by the vector matrix and the metadata columns."""
        matrix, _ids, _pos, cols = self._state
        return int(matrix.nbytes + sum(c.nbytes for c in cols.values()))

    def upsert(self, records: Sequence[VectorRecord]) -> None:
        if not records:
            return
        with self._lock:
            matrix, ids, pos, cols = self._state
            if matrix.shape[0] == 0 and self.dimension == 0:
                self.dimension = int(np.asarray(records[0].vector).shape[-1])
                matrix = np.zeros((0, self.dimension), dtype=np.float32)
            matrix = matrix.copy()
            ids = list(ids)
            pos = dict(pos)
            names = set(cols) | {k for r in records for k in r.metadata}
            col_lists = {n: list(cols[n]) if n in cols else [None] * len(ids) for n in names}
            new_rows = []
            for record in records:
                vector = np.asarray(record.vector, dtype=np.float32).reshape(-1)
                if vector.shape[0] != self.dimension:
                    raise ValueError(
                        f"vector for {record.id!r} has dimension {vector.shape[0]}, "
                        f"index has {self.dimension}"
                    )
                row = pos.get(record.id)
                if row is None:
                    row = len(ids)
                    pos[record.id] = row
                    ids.append(record.id)
                    new_rows.append(vector)
                    for n in names:
                        col_lists[n].append(record.metadata.get(n))
                else:
                    if row < matrix.shape[0]:
                        matrix[row] = vector
                    else:
                        new_rows[row - matrix.shape[0]] = vector
                    for n in names:
                        col_lists[n][row] = record.metadata.get(n)
            if new_rows:
                matrix = np.vstack([matrix, np.stack(new_rows)])
            self._state = (matrix, ids, pos, {n: _column(v) for n, v in col_lists.items()})

    def delete(self, ids: Sequence[str]) -> None:
        with self._lock:
            matrix, current, pos, cols = self._state
            drop = {pos[i] for i in ids if i in pos}
            if not drop:
                return
            keep = np.array([n not in drop for n in range(len(current))], dtype=bool)
            kept_ids = [i for n, i in enumerate(current) if keep[n]]
            self._state = (
                np.ascontiguousarray(matrix[keep]),
                kept_ids,
                {i: n for n, i in enumerate(kept_ids)},
                {n: c[keep] for n, c in cols.items()},
            )

    def query(
        self, vector: np.ndarray, *, k: int, filter: Mapping[str, Any] | None = None
    ) -> list[VectorMatch]:
        matrix, ids, _pos, cols = self._state
        if matrix.shape[0] == 0:
            return []
        scores = matrix @ np.asarray(vector, dtype=np.float32).reshape(-1)
        mask = filter_mask(cols, len(ids), filter)
        if mask is not None:
            scores = np.where(mask, scores, -np.inf)
        return [VectorMatch(ids[i], float(scores[i])) for i in top_k(scores, k)]

    def vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        """The stored vectors of ``ids`` (those present)."""
        matrix, _ids, pos, _cols = self._state
        return {i: matrix[pos[i]] for i in ids if i in pos}


def _column(values: list[Any]) -> np.ndarray:
    try:
        column = np.asarray(values)
        if column.dtype.kind in "OUS" or column.ndim != 1:
            raise ValueError
        return column
    except (ValueError, TypeError):
        column = np.empty(len(values), dtype=object)
        column[:] = values
        return column


class PineconeVectorIndex:
    """A Pinecone serverless index through the official ``pinecone`` SDK (REST data plane).

    One namespace per embedding model, so vectors of different models never mix.
    """

    def __init__(
        self,
        *,
        api_key: str,
        host: str,
        namespace: str,
        dimension: int,
        batch_size: int = 100,
        timeout: float = 10.0,
    ) -> None:
        from pinecone import Index

        self.index = Index(host=host, api_key=api_key, timeout=timeout)
        self.namespace = namespace
        self.dimension = dimension
        self.batch_size = batch_size

    def upsert(self, records: Sequence[VectorRecord]) -> None:
        for start in range(0, len(records), self.batch_size):
            batch = records[start : start + self.batch_size]
            self.index.upsert(
                vectors=[
                    {
                        "id": r.id,
                        "values": np.asarray(r.vector, dtype=np.float32).tolist(),
                        "metadata": {k: v for k, v in r.metadata.items() if v is not None},
                    }
                    for r in batch
                ],
                namespace=self.namespace,
            )

    def delete(self, ids: Sequence[str]) -> None:
        ids = list(ids)
        for start in range(0, len(ids), 1000):
            self.index.delete(ids=ids[start : start + 1000], namespace=self.namespace)

    def query(
        self, vector: np.ndarray, *, k: int, filter: Mapping[str, Any] | None = None
    ) -> list[VectorMatch]:
        response = self.index.query(
            vector=np.asarray(vector, dtype=np.float32).tolist(),
            top_k=k,
            namespace=self.namespace,
            filter=dict(filter) if filter else None,
            include_metadata=False,
        )
        return [VectorMatch(str(m.id), float(m.score)) for m in response.matches]

    def __len__(self) -> int:
        stats = self.index.describe_index_stats()
        namespace = (stats.namespaces or {}).get(self.namespace)
        return int(namespace.vector_count) if namespace is not None else 0
