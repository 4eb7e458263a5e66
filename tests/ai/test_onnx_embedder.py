"""The local model served without torch: the ONNX export (made at install time) gives the
PyTorch embeddings back (cosine >= 0.999 on texts it was not checked with at export), its
int8 copy (which embeds knowledge documents by default) stays close to them and retrieves
the labelled set's pages as well, a process embedding through it never imports torch, and
the processes that never embed (beat, the ``manage.py start``/``serve`` supervisor) import
no ML library."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from ementech.ai.embeddings import LocalEmbedder
from ementech.ai.onnx_export import (
    CHECK_TEXTS,
    MIN_COSINE,
    MIN_COSINE_INT8,
    export,
    int8_path,
    quantize,
)

ROOT = Path(__file__).resolve().parents[2]
ML_MODULES = ("torch", "sentence_transformers", "transformers")


@pytest.fixture(scope="module")
def onnx_model(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("onnx") / "minilm.onnx"
    export(path)
    return path


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list | tuple):
        return [s for item in value for s in _strings(item)]
    return []


def _test_set() -> list[str]:
    """The labelled questions and the demo content's texts, the longest ones whole (past
    the model's 256-wordpiece window) and a paragraph each."""
    from content.demo_data import blog, case_studies, services
    from tests.content.retrieval_set import QUESTIONS

    texts = [q for q, _slug in QUESTIONS]
    for module in (blog, case_studies, services):
        leaves = [s for s in _strings(list(vars(module).values())) if len(s) > 40]
        texts += leaves[:20] + [" ".join(leaves)[:4000]]
    return [t for t in texts if t not in CHECK_TEXTS]


def test_onnx_embeddings_match_pytorch(onnx_model):
    texts = _test_set()
    assert len(texts) >= 40 and max(len(t.split()) for t in texts) > 200  # truncation too
    onnx = LocalEmbedder(onnx_path=onnx_model).embed(texts)
    torch_rows = LocalEmbedder(onnx_path=None).embed(texts)
    cosines = np.sum(onnx * torch_rows, axis=1)
    assert cosines.min() >= MIN_COSINE, (cosines.min(), texts[int(cosines.argmin())][:80])
    assert np.allclose(np.linalg.norm(onnx, axis=1), 1.0, atol=1e-5)


@pytest.fixture(scope="module")
def int8_model(onnx_model) -> Path:
    target = int8_path(onnx_model)
    quantize(onnx_model, target)
    return target


def _demo_pages() -> tuple[list[str], list[str]]:
    """The demo content's paragraphs, each with the slug of the page it belongs to."""
    from content.demo_data import blog, case_studies, resources, services

    texts, slugs = [], []
    for module in (blog, case_studies, resources, services):
        for value in vars(module).values():
            for item in value if isinstance(value, list) else []:
                if isinstance(item, dict) and "slug" in item:
                    for text in _strings(item):
                        if len(text) > 40:
                            texts.append(text)
                            slugs.append(item["slug"])
    return texts, slugs


def _page_ranks(paragraphs: np.ndarray, slugs: list[str], questions: np.ndarray, want) -> list:
    ranks = []
    for question, slug in zip(questions, want, strict=True):
        pages: list[str] = []
        for n in np.argsort(-(paragraphs @ question)):
            if slugs[n] not in pages:
                pages.append(slugs[n])
        ranks.append(pages.index(slug) + 1)
    return ranks


def test_the_int8_copy_stays_close_and_finds_the_same_pages(int8_model):
    from tests.content.retrieval_set import QUESTIONS

    texts = _test_set()
    small = LocalEmbedder(onnx_path=int8_model).embed(texts)
    full = LocalEmbedder(onnx_path=None).embed(texts)
    cosines = np.sum(small * full, axis=1)
    assert cosines.min() >= MIN_COSINE_INT8 and cosines.mean() >= 0.99, cosines.min()

    paragraphs, slugs = _demo_pages()
    questions = [q for q, _slug in QUESTIONS]
    want = [slug for _q, slug in QUESTIONS]
    scores = {}
    for name, embedder in (
        ("float", LocalEmbedder(onnx_path=None)),
        ("int8", LocalEmbedder(onnx_path=int8_model)),
    ):
        ranks = _page_ranks(embedder.embed(paragraphs), slugs, embedder.embed(questions), want)
        scores[name] = (
            sum(r <= 5 for r in ranks) / len(ranks),
            float(np.mean([1 / r for r in ranks])),
        )
    assert scores["int8"][0] >= scores["float"][0] - 0.02, scores  # recall@5
    assert scores["int8"][1] >= scores["float"][1] - 0.02, scores  # MRR


def test_documents_embed_with_the_int8_copy_queries_with_the_float_model(settings, tmp_path):
    from django.core.exceptions import ImproperlyConfigured

    from ementech.ai.config import local_document_onnx_path, local_onnx_path

    full = tmp_path / "minilm.onnx"
    full.write_bytes(b"")
    settings.EMBEDDING_ONNX_PATH = str(full)
    settings.EMBEDDING_BACKEND = "auto"
    settings.EMBEDDING_PRECISION = "int8"
    assert local_document_onnx_path() is None  # no int8 copy yet (an install from before it)
    int8_path(full).write_bytes(b"")
    assert local_onnx_path() == full  # queries, the chat's sentences, intents
    assert local_document_onnx_path() == tmp_path / "minilm.int8.onnx"  # ingestion
    settings.EMBEDDING_PRECISION = "float32"
    assert local_document_onnx_path() is None
    settings.EMBEDDING_BACKEND = "torch"
    settings.EMBEDDING_PRECISION = "int8"
    assert local_onnx_path() is None and local_document_onnx_path() is None
    settings.EMBEDDING_PRECISION = "int4"
    with pytest.raises(ImproperlyConfigured, match="EMBEDDING_PRECISION"):
        local_document_onnx_path()


def test_an_embedder_with_an_int8_copy_uses_it_for_documents_only(onnx_model, int8_model):
    embedder = LocalEmbedder(onnx_path=onnx_model, document_onnx_path=int8_model)
    text = ["Route optimisation cut diesel spend by 18% across 140 trucks."]
    float_row = LocalEmbedder(onnx_path=onnx_model).embed(text)[0]
    small_row = LocalEmbedder(onnx_path=int8_model).embed(text)[0]
    assert np.allclose(embedder.embed_query(text[0]), float_row, atol=1e-6)
    assert np.allclose(embedder.embed_documents(text)[0], small_row, atol=1e-6)
    assert float(small_row @ float_row) > MIN_COSINE_INT8


def _run(code: str, **env: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "ementech.settings.test", **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.strip().splitlines()[-1]


def test_serving_with_onnx_imports_no_torch(onnx_model):
    loaded = _run(
        f"""
        import sys, django
        django.setup()
        from ementech.ai import config
        embedder = config.get_embedder()
        assert embedder.backend == "onnx", embedder.backend
        assert embedder.embed_query("How much does a chatbot cost?").shape == (384,)
        print(sorted({{m.split(".")[0] for m in sys.modules}} & set({ML_MODULES!r})))
        """,
        EMBEDDING_BACKEND="onnx",
        EMBEDDING_ONNX_PATH=str(onnx_model),
    )
    assert loaded == "[]"


def test_beat_and_the_supervisor_import_no_ml_library():
    loaded = _run(
        f"""
        import sys, django
        django.setup()
        from ementech.celery import app
        app.loader.import_default_modules()  # what beat (and a worker) import at start
        from ementech.schedule import beat_schedule
        beat_schedule()
        import core.management.commands.serve, core.management.commands.start
        heavy = set({ML_MODULES!r}) | {{"onnxruntime", "sklearn", "usearch"}}
        print(sorted({{m.split(".")[0] for m in sys.modules}} & heavy))
        """
    )
    assert loaded == "[]"
