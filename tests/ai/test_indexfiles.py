"""The memory-mapped index set (``ementech.ai.indexfiles``): the same answers as the exact
in-memory index, an HNSW graph whose recall is measured against exact search, and a
publish that a concurrent reader never sees half-written."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

from ementech.ai import indexfiles
from ementech.ai.lexical import BM25Index
from ementech.ai.vectors import LocalVectorIndex


def _unit(rng: np.random.Generator, n: int, d: int) -> np.ndarray:
    matrix = rng.normal(size=(n, d)).astype(np.float32)
    return matrix / np.linalg.norm(matrix, axis=1, keepdims=True)


def _clustered(rng: np.random.Generator, n: int, d: int, clusters: int) -> np.ndarray:
    """Unit vectors around ``clusters`` centres: the shape sentence embeddings have."""
    centres = _unit(rng, clusters, d)
    matrix = centres[rng.integers(0, clusters, size=n)] + 0.35 * _unit(rng, n, d)
    return (matrix / np.linalg.norm(matrix, axis=1, keepdims=True)).astype(np.float32)


def test_mapped_set_answers_exactly_like_the_in_memory_index(tmp_path):
    rng = np.random.default_rng(3)
    matrix = _unit(rng, 800, 24)
    ids = [f"page:{n // 4}:{n:06x}" for n in range(800)]
    kinds = np.array(["blog", "service", "faq", "case_study"])[np.arange(800) % 4]
    gated = np.arange(800) % 3 == 0
    texts = [f"chunk {n} about {kinds[n]} topics word{n % 17}" for n in range(800)]
    columns = {"content_type": kinds, "is_gated": gated}
    bm25 = BM25Index(ids, texts, columns=columns)
    path = indexfiles.write_set(
        tmp_path,
        "v1",
        ids=ids,
        matrix=matrix,
        columns=columns,
        lexical=bm25.arrays(),
        ann_threshold=0,
    )
    files = indexfiles.open_set(path)
    assert isinstance(files.vector_index.matrix, np.memmap)
    assert files.vector_index.ann is None

    exact = LocalVectorIndex.from_arrays(ids, matrix, columns)
    for row in (0, 17, 401, 799):
        query = matrix[row] + 0.05 * _unit(rng, 1, 24)[0]
        for spec in (None, {"content_type": "blog"}, {"is_gated": False}):
            got = files.vector_index.query(query, k=10, filter=spec)
            want = exact.query(query, k=10, filter=spec)
            assert [m.id for m in got] == [m.id for m in want]
            assert np.allclose([m.score for m in got], [m.score for m in want], atol=1e-5)

    mapped_bm25 = BM25Index.from_arrays(files.ids, files.lexical, columns=files.columns)
    for query in ("word5 blog", "service topics word16", "nothing-here"):
        for spec in (None, {"content_type": "faq"}):
            assert mapped_bm25.search(query, k=8, filter=spec) == bm25.search(
                query, k=8, filter=spec
            )
    assert files.vector_index.vectors([ids[5], "missing"]).keys() == {ids[5]}
    assert np.array_equal(files.vector_index.vectors([ids[5]])[ids[5]], matrix[5])


def test_ann_recall_at_10_against_exact_search(tmp_path):
    rng = np.random.default_rng(11)
    matrix = _clustered(rng, 6000, 64, clusters=60)
    ids = [f"c{n}" for n in range(6000)]
    kinds = np.where(np.arange(6000) % 10 == 0, "faq", "blog")
    path = indexfiles.write_set(
        tmp_path, "v1", ids=ids, matrix=matrix, columns={"kind": kinds}, ann_threshold=1000
    )
    files = indexfiles.open_set(path)  # the default search breadth
    assert files.vector_index.ann is not None
    queries = _clustered(rng, 200, 64, clusters=60)
    hits = 0
    for query in queries:
        want = {m.id for m in files.vector_index.query(query, k=10, exact=True)}
        got = [m.id for m in files.vector_index.query(query, k=10)]
        assert len(got) == 10
        hits += len(want & set(got))
    recall = hits / (10 * len(queries))
    assert recall >= 0.95, recall
    # A filter keeps to its rows, through the graph or, when narrow, an exact scan.
    for query in queries[:20]:
        got = files.vector_index.query(query, k=10, filter={"kind": "faq"})
        assert len(got) == 10 and all(int(m.id[1:]) % 10 == 0 for m in got)


WRITER = textwrap.dedent(
    """
    import sys, numpy as np
    from pathlib import Path
    from ementech.ai import indexfiles
    root = Path(sys.argv[1])
    for n in range(1, 41):
        rows = 2000 + 500 * n  # each set differs in size and in every value
        matrix = np.full((rows, 64), n, dtype=np.float32)
        ids = [f"{n}-{i}" for i in range(rows)]
        indexfiles.write_set(root, f"v{n:03d}", ids=ids, matrix=matrix,
                             columns={"n": np.full(rows, n)}, meta={"n": n})
        indexfiles.prune(root, newest=3, min_age=0)
    """
)


def test_a_reader_never_sees_a_half_written_set(tmp_path):
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path)])
    seen = set()
    try:
        deadline = time.monotonic() + 120
        while writer.poll() is None and time.monotonic() < deadline:
            for path in sorted(tmp_path.glob("v*")):
                try:
                    files = indexfiles.open_set(path)
                except FileNotFoundError:
                    continue  # pruned between the listing and the open: never half there
                n = files.meta["meta"]["n"]
                rows = 2000 + 500 * n
                matrix = files.vector_index.matrix
                assert matrix.shape == (rows, 64)
                assert float(matrix[-1, -1]) == n and float(matrix[0, 0]) == n
                assert len(files.ids) == rows and files.ids[rows - 1] == f"{n}-{rows - 1}"
                assert int(files.columns["n"][-1]) == n
                seen.add(n)
    finally:
        writer.wait(timeout=120)
    assert writer.returncode == 0
    assert len(seen) >= 5  # the reader really raced the writer
    assert not list(tmp_path.glob(".tmp-*"))


def test_a_mapped_index_is_read_only(tmp_path):
    path = indexfiles.write_set(tmp_path, "v1", ids=["a"], matrix=np.ones((1, 4)))
    index = indexfiles.open_set(path).vector_index
    with pytest.raises(TypeError):
        index.delete(["a"])
    with pytest.raises(ValueError):
        index.matrix[0, 0] = 2.0


def test_file_array_reads_what_numpy_loads(tmp_path):
    rng = np.random.default_rng(5)
    for name, array in {
        "matrix": rng.normal(size=(300, 7)).astype(np.float32),
        "postings": rng.integers(0, 10_000, size=1000).astype(np.int32),
    }.items():
        np.save(tmp_path / f"{name}.npy", array)
        read = indexfiles.FileArray(tmp_path / f"{name}.npy")
        assert read.shape == array.shape and read.dtype == array.dtype
        assert read.nbytes == array.nbytes and len(read) == len(array)
        assert np.array_equal(read[10:37], array[10:37])
        assert np.array_equal(read[5:5], array[5:5]) and np.array_equal(read[-3:], array[-3:])
        assert np.array_equal(read[17], array[17])
        rows = np.array([299 if name == "matrix" else 999, 3, 4, 5, 3, 120, 0])
        assert np.array_equal(read.take(rows), array[rows])  # any order, repeats
        assert np.array_equal(read[[1, 2]], array[[1, 2]])
        with pytest.raises(IndexError):
            read.take(np.array([len(array)]))


def _mapped_rss_kib(path_part: str) -> int:
    """Resident KiB of this process's mappings of files whose path contains ``path_part``."""
    total, inside = 0, False
    with open("/proc/self/smaps") as smaps:
        for line in smaps:
            first = line.split(maxsplit=1)[0]
            if "-" in first and not first.endswith(":"):
                inside = path_part in line
            elif inside and first == "Rss:":
                total += int(line.split()[1])
    return total


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/smaps")
def test_graph_search_and_bm25_map_neither_the_matrix_nor_the_postings(tmp_path):
    """Re-scoring reads the candidates' rows and BM25 reads its postings with pread: a
    process that searches a set holds only the graph's pages, not the float32 matrix
    (the kernel would map 16 neighbours of every row touched, so the whole file)."""
    rng = np.random.default_rng(11)
    n = 6000
    matrix = _clustered(rng, n, 48, 40)
    ids = [f"c:{i}" for i in range(n)]
    texts = [f"topic{i % 40} word{i % 97} item{i}" for i in range(n)]
    bm25 = BM25Index(ids, texts)
    path = indexfiles.write_set(
        tmp_path, "v1", ids=ids, matrix=matrix, lexical=bm25.arrays(), ann_threshold=1000
    )
    files = indexfiles.open_set(path)
    assert files.vector_index.ann is not None and files.meta["ann_dtype"] == "i8"
    lexical = BM25Index.from_arrays(files.ids, files.lexical)
    exact = LocalVectorIndex.from_arrays(ids, matrix, {})
    hits = 0
    for row in rng.integers(0, n, size=200):
        query = matrix[row]
        got = files.vector_index.query(query, k=10)
        hits += len({m.id for m in got} & {m.id for m in exact.query(query, k=10)})
        assert lexical.search(f"topic{row % 40} word{row % 97}", k=10)
    assert hits / 2000 >= 0.95
    found = files.vector_index.vectors(["c:5", "c:4000"])
    assert np.allclose(found["c:4000"], matrix[4000]) and np.allclose(found["c:5"], matrix[5])
    assert _mapped_rss_kib(str(path / "vectors.npy")) == 0
    assert _mapped_rss_kib(str(path / "bm25.post_docs.npy")) == 0
    assert _mapped_rss_kib(str(path / "bm25.post_tfs.npy")) == 0
    assert _mapped_rss_kib(str(path / "ann.usearch")) > 0  # the measure sees mappings


def test_a_process_that_maps_a_graph_can_load_the_embedding_runtime_afterwards(tmp_path):
    """A web process may map a graph before its first embedding (and a worker write one):
    loading onnxruntime after usearch crashed the interpreter (a segfault in libstdc++)."""
    rng = np.random.default_rng(2)
    path = indexfiles.write_set(
        tmp_path,
        "v1",
        ids=[f"c:{i}" for i in range(300)],
        matrix=_unit(rng, 300, 16),
        ann_threshold=100,
    )
    child = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        from ementech.ai import indexfiles
        files = indexfiles.open_set(Path({str(path)!r}))
        assert files.vector_index.ann is not None and "usearch" in sys.modules
        import onnxruntime
        onnxruntime.SessionOptions()
        print("alive")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", child], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0 and "alive" in done.stdout, (done.returncode, done.stderr)
