"""A search index as one set of files that every process memory-maps instead of loading.

One published set is a directory that never changes once it is in place:

- ``meta.json``: format, row count, dimension, whether an ANN graph is present, and the
  caller's own metadata;
- ``vectors.npy``: ``(n, d)`` float32 unit rows; row ``i`` belongs to id ``i``;
- ``ids.npy`` (bytes, row order), ``ids_sorted.npy`` + ``ids_rows.npy`` (id -> row by
  bisection, so no process builds a dict of every id);
- ``col.<name>.npy``: one filter column per field; ``x.<name>.npy``: extra arrays;
- ``ann.usearch``: an HNSW graph (usearch; candidates re-scored from the float32 rows)
  when the set has at least ``ann_threshold`` rows. Its own copy of the vectors is int8
  (half the pages of float16) below ``F16_FROM_ROWS`` rows and float16 from there: at a
  million rows int8 distances misorder near ties enough to cost recall (0.94 against
  0.95+ at the same expansion, bench/retrieval.py --million).

Publishing writes into a temporary directory beside the sets, fsyncs every file and the
directory, and renames it into place, so a reader sees the whole set or none of it.
Readers open arrays with ``np.load(mmap_mode="r")`` and the graph with usearch's ``view``:
the pages live in the kernel's page cache, shared by every process on the machine, and a
new set costs a process only the pages its queries touch. Arrays that queries read in
small scattered pieces (the rows re-scored after a graph search, BM25 postings) are read
with ``pread`` instead (``FileArray``): a mapped page counts in the process's resident
memory for good, and the kernel maps up to 16 cached neighbours of every page touched,
so a few thousand scattered rows would map the whole matrix into every process.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
import weakref
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ementech.ai.vectors import VectorMatch, VectorRecord, filter_mask, top_k

FORMAT = 1
META = "meta.json"
ANN_FILE = "ann.usearch"
F16_FROM_ROWS = 250_000
# BM25 postings: each query reads a few contiguous slices of them.
READ_NOT_MAPPED = frozenset({"post_docs", "post_tfs"})


def hnsw_index_class() -> type:
    """usearch's ``Index``, imported after onnxruntime: imported the other way round
    (usearch 2.26, onnxruntime 1.32 here), onnxruntime's initialisation crashes the process
    in libstdc++, and a process that maps a graph (web) or writes one (worker) also
    embeds with onnxruntime, often later."""
    import onnxruntime  # noqa: F401
    from usearch.index import Index

    return Index


class FileArray:
    """A read-only ``.npy`` array read on demand with ``pread``: a contiguous slice or a
    list of rows is copied into a short-lived private buffer; nothing is mapped."""

    def __init__(self, path: Path) -> None:
        with open(path, "rb") as handle:
            version = np.lib.format.read_magic(handle)
            read_header = (
                np.lib.format.read_array_header_1_0
                if version == (1, 0)
                else np.lib.format.read_array_header_2_0
            )
            shape, fortran_order, dtype = read_header(handle)
            self.offset = handle.tell()
        if fortran_order:
            raise ValueError(f"{path}: Fortran-ordered arrays are not supported")
        self.path = path
        self.shape = tuple(shape)
        self.dtype = np.dtype(dtype)
        self.row_bytes = int(np.prod(self.shape[1:], dtype=np.int64)) * self.dtype.itemsize
        self._fd = os.open(path, os.O_RDONLY)
        weakref.finalize(self, os.close, self._fd)

    def __len__(self) -> int:
        return self.shape[0]

    @property
    def nbytes(self) -> int:
        return self.shape[0] * self.row_bytes

    def _read(self, start: int, stop: int) -> np.ndarray:
        size = (stop - start) * self.row_bytes
        data = os.pread(self._fd, size, self.offset + start * self.row_bytes) if size else b""
        if len(data) != size:
            raise OSError(f"{self.path}: short read")
        return np.frombuffer(data, dtype=self.dtype).reshape((stop - start, *self.shape[1:]))

    def __getitem__(self, item):
        if isinstance(item, slice):
            start, stop, step = item.indices(self.shape[0])
            if step != 1:
                raise IndexError("only contiguous slices are read")
            return self._read(start, max(start, stop))
        if isinstance(item, int | np.integer):
            row = int(item) + (self.shape[0] if item < 0 else 0)
            return self._read(row, row + 1)[0]
        return self.take(np.asarray(item, dtype=np.int64))

    def take(self, rows: np.ndarray) -> np.ndarray:
        """The given rows, in the given order; runs of adjacent rows are read at once."""
        rows = np.asarray(rows, dtype=np.int64).reshape(-1)
        out = np.empty((len(rows), *self.shape[1:]), dtype=self.dtype)
        if not len(rows):
            return out
        if rows.min() < 0 or rows.max() >= self.shape[0]:
            raise IndexError("row out of range")
        order = np.argsort(rows, kind="stable")
        ordered = rows[order]
        breaks = np.flatnonzero(np.diff(ordered) > 1) + 1
        for run in np.split(np.arange(len(ordered)), breaks):
            lo, hi = int(ordered[run[0]]), int(ordered[run[-1]]) + 1
            block = self._read(lo, hi)
            out[order[run]] = block[ordered[run] - lo]
        return out


class IdList(Sequence[str]):
    """A read-only list of string ids over a (memory-mapped) bytes array."""

    def __init__(self, raw: np.ndarray) -> None:
        self.raw = raw

    def __len__(self) -> int:
        return int(self.raw.shape[0])

    def __getitem__(self, item):  # type: ignore[override]
        if isinstance(item, slice):
            return [v.decode() for v in self.raw[item]]
        return self.raw[item].decode()

    def __iter__(self) -> Iterator[str]:
        for start in range(0, len(self), 4096):
            yield from (v.decode() for v in self.raw[start : start + 4096])


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _column_array(values: Any) -> np.ndarray:
    column = np.asarray(values)
    if column.dtype.kind == "O":
        column = np.asarray(["" if v is None else str(v) for v in column.tolist()], dtype=str)
    if column.dtype.kind == "U" and column.dtype.itemsize == 0:
        column = column.astype("U1")
    return column


def write_set(
    root: Path,
    name: str,
    *,
    ids: Sequence[str],
    matrix: np.ndarray,
    columns: Mapping[str, Any] | None = None,
    lexical: Mapping[str, np.ndarray] | None = None,
    extra: Mapping[str, np.ndarray] | None = None,
    meta: Mapping[str, Any] | None = None,
    ann_threshold: int = 50_000,
    ann_connectivity: int = 16,
    ann_expansion_add: int = 128,
    ann_dtype: str = "auto",
    threads: int = 0,
) -> Path:
    """Write one set and publish it atomically as ``root/name``; returns its path.

    If ``root/name`` already exists (another process published it first) the new copy is
    discarded and the existing one returned."""
    root.mkdir(parents=True, exist_ok=True)
    final = root / name
    if (final / META).exists():
        return final
    tmp = root / f".tmp-{name}-{uuid.uuid4().hex[:8]}"
    tmp.mkdir()
    try:
        matrix = np.ascontiguousarray(matrix, dtype=np.float32)
        n = int(matrix.shape[0])
        dimension = int(matrix.shape[1]) if matrix.ndim == 2 else 0
        raw_ids = np.array([i.encode() for i in ids], dtype=bytes) if n else np.zeros(0, "S1")
        order = np.argsort(raw_ids, kind="stable")
        arrays = {
            "vectors": matrix,
            "ids": raw_ids,
            "ids_sorted": raw_ids[order],
            "ids_rows": order.astype(np.int64),
        }
        for key, value in (columns or {}).items():
            arrays[f"col.{key}"] = _column_array(value)
        for key, value in (lexical or {}).items():
            arrays[f"bm25.{key}"] = np.asarray(value)
        for key, value in (extra or {}).items():
            arrays[f"x.{key}"] = np.asarray(value)
        for key, value in arrays.items():
            np.save(tmp / f"{key}.npy", value, allow_pickle=False)
        ann = n >= ann_threshold > 0
        if ann_dtype == "auto":
            ann_dtype = "i8" if n < F16_FROM_ROWS else "f16"
        if ann:
            Index = hnsw_index_class()  # noqa: N806
            index = Index(
                ndim=dimension,
                metric="ip",
                dtype=ann_dtype,
                connectivity=ann_connectivity,
                expansion_add=ann_expansion_add,
            )
            index.add(np.arange(n, dtype=np.uint64), matrix, threads=threads)
            index.save(str(tmp / ANN_FILE))
            del index
        info = {
            "format": FORMAT,
            "count": n,
            "dimension": dimension,
            "ann": ann,
            "ann_dtype": ann_dtype if ann else None,
            "columns": sorted(columns or {}),
            "lexical": sorted(lexical or {}),
            "extra": sorted(extra or {}),
            "created": time.time(),
            "meta": dict(meta or {}),
        }
        (tmp / META).write_text(json.dumps(info))
        for path in tmp.iterdir():
            _fsync(path)
        _fsync(tmp)
        try:
            os.rename(tmp, final)
        except OSError:  # published meanwhile by another process (rename onto a full dir)
            shutil.rmtree(tmp, ignore_errors=True)
            if not (final / META).exists():
                raise
        _fsync(root)
        return final
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def prune(root: Path, *, keep: Sequence[Path] = (), newest: int = 2, min_age: float = 60) -> int:
    """Delete published sets beyond the ``newest`` few, older than ``min_age`` seconds, and
    abandoned temporary directories. Processes that mapped a deleted set keep reading it
    (the files live until they are unmapped); how many were deleted."""
    if not root.is_dir():
        return 0
    now = time.time()
    keep_names = {p.name for p in keep}
    sets = sorted(
        (p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    doomed = [p for p in sets[newest:] if p.name not in keep_names]
    doomed += [p for p in root.iterdir() if p.name.startswith(".tmp-")]
    gone = 0
    for path in doomed:
        try:
            if now - path.stat().st_mtime >= min_age:
                shutil.rmtree(path, ignore_errors=True)
                gone += 1
        except FileNotFoundError:
            continue
    return gone


@dataclass
class IndexSet:
    """One published set, opened read-only (memory-mapped)."""

    path: Path
    meta: dict
    ids: IdList
    columns: dict[str, np.ndarray]
    lexical: dict[str, np.ndarray]
    extra: dict[str, np.ndarray]
    vector_index: MappedVectorIndex


def open_set(path: Path, *, ann_expansion_search: int = 128) -> IndexSet:
    """Map a published set (raises ``FileNotFoundError`` if it is not complete)."""
    info = json.loads((path / META).read_text())
    if info.get("format") != FORMAT:
        raise FileNotFoundError(f"{path}: index format {info.get('format')} is not {FORMAT}")

    def load(key: str) -> np.ndarray:
        return np.load(path / f"{key}.npy", mmap_mode="r", allow_pickle=False)

    ids = IdList(load("ids"))
    columns = {name: load(f"col.{name}") for name in info["columns"]}
    lexical = {
        name: FileArray(path / f"bm25.{name}.npy")
        if name in READ_NOT_MAPPED
        else load(f"bm25.{name}")
        for name in info["lexical"]
    }
    extra = {name: load(f"x.{name}") for name in info["extra"]}
    ann = None
    if info["ann"]:
        ann = hnsw_index_class().restore(str(path / ANN_FILE), view=True)
        ann.expansion_search = ann_expansion_search
    index = MappedVectorIndex(
        matrix=load("vectors"),
        rows_file=FileArray(path / "vectors.npy"),
        ids=ids,
        ids_sorted=load("ids_sorted"),
        ids_rows=load("ids_rows"),
        columns=columns,
        ann=ann,
    )
    return IndexSet(
        path=path,
        meta=info,
        ids=ids,
        columns=columns,
        lexical=lexical,
        extra=extra,
        vector_index=index,
    )


class MappedVectorIndex:
    """Read-only cosine search over a memory-mapped set: an exact scan of the float32
    matrix, or the usearch HNSW graph when the set has one (candidates re-scored exactly
    from the matrix's rows, read with ``pread`` from ``rows_file`` when given). A filter
    that leaves few rows is answered by an exact scan of them."""

    def __init__(
        self,
        *,
        matrix: np.ndarray,
        rows_file: FileArray | None = None,
        ids: IdList,
        ids_sorted: np.ndarray,
        ids_rows: np.ndarray,
        columns: Mapping[str, np.ndarray],
        ann: Any = None,
        exact_rows: int = 20_000,
        oversample: int = 4,
    ) -> None:
        self._matrix = matrix
        self._rows_file = rows_file
        self.ids = ids
        self._ids_sorted = ids_sorted
        self._ids_rows = ids_rows
        self.columns = dict(columns)
        self.ann = ann
        self.exact_rows = exact_rows
        self.oversample = oversample
        self.dimension = int(matrix.shape[1]) if matrix.ndim == 2 else 0

    def __len__(self) -> int:
        return int(self._matrix.shape[0])

    @property
    def matrix(self) -> np.ndarray:
        return self._matrix

    @property
    def nbytes(self) -> int:
        return int(self._matrix.nbytes + sum(c.nbytes for c in self.columns.values()))

    def upsert(self, records: Sequence[VectorRecord]) -> None:
        raise TypeError("a mapped index is read-only: publish a new set")

    def delete(self, ids: Sequence[str]) -> None:
        raise TypeError("a mapped index is read-only: publish a new set")

    def rows(self, ids: Sequence[str]) -> dict[str, int]:
        """Row of each id present."""
        if not len(ids) or not len(self):
            return {}
        wanted = [i.encode() for i in ids]
        at = np.searchsorted(self._ids_sorted, np.array(wanted, dtype=bytes))
        out = {}
        for key, raw, pos in zip(ids, wanted, at, strict=True):
            if pos < len(self._ids_sorted) and self._ids_sorted[pos] == raw:
                out[key] = int(self._ids_rows[pos])
        return out

    def _take(self, rows: np.ndarray) -> np.ndarray:
        """Rows of the matrix, read rather than mapped when the set is on disk."""
        if self._rows_file is not None:
            return self._rows_file.take(rows)
        return np.asarray(self._matrix[np.asarray(rows, dtype=np.int64)])

    def vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        found = self.rows(ids)
        block = self._take(np.fromiter(found.values(), dtype=np.int64, count=len(found)))
        return {key: block[n] for n, key in enumerate(found)}

    def _exact(self, q: np.ndarray, rows: np.ndarray | None, k: int) -> list[VectorMatch]:
        if rows is None:
            scores = self._matrix @ q
            return [VectorMatch(self.ids[i], float(scores[i])) for i in top_k(scores, k)]
        if not len(rows):
            return []
        scores = np.asarray(self._matrix[rows]) @ q
        return [VectorMatch(self.ids[int(rows[i])], float(scores[i])) for i in top_k(scores, k)]

    def query(
        self, vector: np.ndarray, *, k: int, filter: Mapping[str, Any] | None = None, exact=False
    ) -> list[VectorMatch]:
        n = len(self)
        if n == 0 or k <= 0:
            return []
        q = np.asarray(vector, dtype=np.float32).reshape(-1)
        mask = filter_mask(self.columns, n, filter)
        allowed = None if mask is None else np.flatnonzero(mask)
        if self.ann is None or exact:
            return self._exact(q, allowed, k)
        if allowed is not None and len(allowed) <= self.exact_rows:
            return self._exact(q, allowed, k)
        # Ask the graph for more than k and re-score exactly: float16 distances and a
        # greedy walk misorder near ties; a filter needs more still, by its selectivity.
        share = 1.0 if allowed is None else len(allowed) / n
        want = min(
            n,
            int(
                max(2 * k, k + 20) * (1 if allowed is None else self.oversample) / max(share, 1e-3)
            ),
        )
        found = self.ann.search(q, count=want)
        rows = np.asarray(found.keys, dtype=np.int64)
        if mask is not None:
            rows = rows[mask[rows]]
        if len(rows) < min(k, n if allowed is None else len(allowed)):
            return self._exact(q, allowed, k)  # the graph found too few: scan instead
        rows = np.sort(rows)  # ascending rows read the file in order
        scores = self._take(rows) @ q
        order = top_k(scores, k)
        return [VectorMatch(self.ids[int(rows[i])], float(scores[i])) for i in order]
