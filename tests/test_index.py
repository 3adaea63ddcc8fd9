import json

import numpy as np
import pytest

from rag_territoires.errors import IndexStateError
from rag_territoires.index.store import CURRENT, load_index
from rag_territoires.retriever import Retriever
from tests.test_outline import edit


def built(settings) -> Retriever:
    retriever = Retriever(settings, auto_build=False)
    retriever.warm_up(rebuild=True)
    return retriever


def reload(settings) -> Retriever:
    retriever = Retriever(settings, auto_build=False)
    retriever.warm_up()
    return retriever


def current_build(settings):
    return settings.index_dir / (settings.index_dir / CURRENT).read_text().strip()


def test_a_build_writes_a_manifest_that_describes_it(settings):
    retriever = built(settings)
    manifest = json.loads((current_build(settings) / "manifest.json").read_text())
    assert manifest["chunk_count"] == len(retriever.chunks)
    assert manifest["encoders"] == ["use"]
    assert manifest["dense"]["use"]["dimension"] == 512
    assert manifest["corpus_fingerprint"] == retriever.outline.fingerprint
    assert {"built_at", "build_seconds", "package_version", "chunk_max_chars"} <= set(manifest)
    assert reload(settings).search("tiers-lieux").passages[0].branch[-1] == "Tiers-lieux"


def test_a_missing_index_is_refused_with_the_command_that_builds_it(settings):
    with pytest.raises(IndexStateError, match=r"no index in .*rag-territoires build"):
        reload(settings)


def test_an_index_of_another_outline_is_stale(settings):
    built(settings)
    edit(settings.outline, "\n      - Sortir du cadre", "\n    - Sortir du cadre")
    with pytest.raises(IndexStateError, match=r"stale .*corpus_fingerprint"):
        reload(settings)
    rebuilt = Retriever(settings)  # auto_build: rebuilt instead of refused
    rebuilt.warm_up()
    assert rebuilt.search("Sortir du cadre").passages


def test_a_damaged_index_file_is_detected(settings):
    built(settings)
    faiss_file = next(current_build(settings).glob("*.faiss"))
    data = bytearray(faiss_file.read_bytes())
    data[-10] ^= 0xFF
    faiss_file.write_bytes(bytes(data))
    with pytest.raises(IndexStateError, match="missing or corrupt"):
        reload(settings)


def test_an_interrupted_build_leaves_the_previous_index_usable(settings, monkeypatch):
    built(settings)
    before = current_build(settings)
    retriever = Retriever(settings)
    encoder = retriever.encoders[0]
    real_encode = encoder.encode
    calls = {"n": 0}

    def encode_then_fail(texts):
        calls["n"] += 1
        if calls["n"] == 3:  # half-way through the chunks
            raise KeyboardInterrupt
        return real_encode(texts)

    monkeypatch.setattr(encoder, "encode", encode_then_fail)
    with pytest.raises(KeyboardInterrupt):
        retriever.warm_up(rebuild=True)
    assert current_build(settings) == before
    assert reload(settings).search("tiers-lieux").passages


def test_loaded_vectors_equal_built_ones(settings):
    retriever = built(settings)
    index = load_index(
        settings.index_dir,
        retriever.chunks,
        retriever.encoders,
        retriever.outline.fingerprint,
        retriever.config.chunk_max_chars,
    )
    vector = retriever.encoders[0].encode(["tiers-lieux"])[0]
    fresh = retriever.searcher.index.dense_scores("use", vector)
    assert np.allclose(index.dense_scores("use", vector), fresh)
