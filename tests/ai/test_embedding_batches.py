"""Batches cut by length: the ONNX embedder pads each batch only to its own longest text and
cuts batches so that padding stays within ``MAX_PADDING_SHARE`` of the positions the model
computes (fixed-size batches of a page's chunks padded a fifth of them, and every padded
position costs as much model time as a real wordpiece). Vectors do not depend on which
texts share a batch."""

from __future__ import annotations

import random

import numpy as np
import pytest

from ementech.ai import config, embeddings
from ementech.ai.embeddings import MAX_PADDING_SHARE, OnnxMiniLM, length_batches


def _sorted(lengths: list[int]) -> list[int]:
    return sorted(range(len(lengths)), key=lengths.__getitem__)


@pytest.mark.parametrize("seed", range(5))
def test_batches_cover_every_text_once_in_length_order_within_the_padding_share(seed):
    rng = random.Random(seed)
    lengths = [rng.choice([rng.randint(5, 40), rng.randint(40, 256)]) for _ in range(300)]
    order = _sorted(lengths)
    batches = length_batches(order, lengths, 16)
    assert [n for batch in batches for n in batch] == order
    for batch in batches:
        assert 1 <= len(batch) <= 16
        positions = len(batch) * lengths[batch[-1]]
        padding = positions - sum(lengths[n] for n in batch)
        assert padding <= MAX_PADDING_SHARE * positions


def test_equal_lengths_fill_whole_batches():
    lengths = [64] * 40
    assert [len(b) for b in length_batches(_sorted(lengths), lengths, 16)] == [16, 16, 8]


class _RecordingSession:
    """Stands in for onnxruntime: records the shape of every batch, returns zeros."""

    def __init__(self) -> None:
        self.shapes: list[tuple[int, int]] = []

    def run(self, _outputs, feeds):
        ids = feeds["input_ids"]
        self.shapes.append(ids.shape)
        hidden = np.ones((*ids.shape, 384), dtype=np.float32)
        return [hidden]


def test_the_model_computes_little_padding_on_a_sites_chunks():
    """The demo site's texts and the retrieval questions: the model is asked for at most
    10% more positions than the texts have wordpieces (16-row batches sorted by characters
    asked for about 24% more on the demo site's chunks)."""
    from tests.ai.test_onnx_embedder import _test_set

    texts = _test_set()
    model = OnnxMiniLM.__new__(OnnxMiniLM)
    model.tokenizer = OnnxMiniLM._tokenizer()
    model.session = _RecordingSession()
    model.encode(texts, 16)
    wordpieces = sum(len(e.ids) for e in model.tokenizer.encode_batch(texts))
    computed = sum(rows * width for rows, width in model.session.shapes)
    assert len(texts) >= 40
    assert computed <= 1.1 * wordpieces, (computed, wordpieces)
    assert all(rows <= 16 for rows, _ in model.session.shapes)


def test_a_texts_vector_does_not_depend_on_its_batch():
    path = config.local_onnx_path()
    if path is None:
        pytest.skip("the ONNX model is exported by make install")
    embedder = embeddings.LocalEmbedder(onnx_path=path)
    short = "Do you build WhatsApp chatbots?"
    longer = ["Route optimisation for a fleet of 140 trucks in East Africa. " * k for k in (2, 6)]
    alone = embedder.embed([short])[0]
    batched = embedder.embed([longer[1], short, longer[0]])[1]
    assert float(alone @ batched) >= 0.99999
