"""Search that scales with k, not with the notes: candidates per signal, rescored exactly;
an HNSW graph above a size, recorded in the manifest; vectors read in place."""

from __future__ import annotations

import json

import numpy as np
import pytest

import rag_territoires.retrieval.search as search_module
from rag_territoires.config import Settings
from rag_territoires.engine import Engine
from rag_territoires.evaluation.questions import load_questions
from rag_territoires.index import builders, search_index
from tests.conftest import CORPUS, ROOT

pytestmark = pytest.mark.integration

QUESTIONS = [
    q.question for q in load_questions(ROOT / "eval" / "questions.jsonl") if not q.history
][:80]


def test_scores_for_some_chunks_are_exactly_those_for_all(engine):
    searcher = engine.searcher
    read = searcher.encode_query("comment renforcer l'ingénierie territoriale ?")
    every = searcher.score(read)
    some = np.array([3, 17, 18, 60, len(engine.chunks) - 1])
    subset = searcher.score(read, some)
    for name, scores in subset.scores.items():
        assert np.array_equal(scores, every.scores[name][some]), name


def test_ranking_among_candidates_finds_what_scoring_every_chunk_finds(engine, monkeypatch):
    searcher = engine.searcher
    exact = {q: [p.id for p in searcher.search(q, top_k=5).passages] for q in QUESTIONS}
    # candidates on, and few of them: ~10 per signal out of 110 chunks
    monkeypatch.setattr(search_module, "EXACT_UP_TO", 0)
    monkeypatch.setattr(search_module, "CANDIDATES", 10)
    scored = []
    same_first = same_five = 0
    for question in QUESTIONS:
        read = searcher.encode_query(question)
        scored.append(len(searcher.candidates(read)))
        found = [p.id for p in searcher.search(question, top_k=5).passages]
        same_first += found[0] == exact[question][0]
        same_five += len(set(found) & set(exact[question])) / 5
    assert max(scored) < len(engine.chunks) / 2  # a real restriction
    assert same_first / len(QUESTIONS) >= 0.95
    assert same_five / len(QUESTIONS) >= 0.9


def test_above_a_size_the_dense_index_is_an_hnsw_graph_and_says_so(tmp_path, monkeypatch):
    monkeypatch.setattr(builders, "HNSW_ABOVE", 10)
    settings = Settings(corpus_dir=CORPUS, index_dir=tmp_path / "index")
    Engine(settings, auto_build=False).warm_up(rebuild=True)
    build = settings.index_dir / (settings.index_dir / "CURRENT").read_text().strip()
    assert json.loads((build / "manifest.json").read_text())["dense"]["use"]["kind"] == "hnsw"
    loaded = Engine(settings, auto_build=False)
    loaded.warm_up()
    index = loaded.searcher.index.dense["use"]
    assert "HNSW" in type(index).__name__
    assert loaded.search("tiers-lieux").passages[0].branch[-1] == "Tiers-lieux"
    monkeypatch.setattr(search_module, "EXACT_UP_TO", 0)
    assert loaded.search("tiers-lieux").passages[0].branch[-1] == "Tiers-lieux"


def test_the_vectors_are_read_in_place_not_copied(engine):
    index = engine.searcher.index.dense["use"]
    vectors = search_index.stored_vectors(index)
    assert not vectors.flags["OWNDATA"] and vectors.shape == (index.ntotal, index.d)
    assert np.allclose(vectors[:5], index.reconstruct_n(0, 5))


@pytest.mark.parametrize("k", [1, 5, 500])
def test_bm25_candidates_are_the_best_scored_chunks(engine, k):
    index = engine.searcher.index
    terms = engine.searcher.encode_query("tiers-lieux et coopération").expansion.terms
    scores = index.bm25_scores(terms)
    found = index.bm25_candidates(terms, k)
    assert len(found) == min(k, int((scores > 0).sum()))
    outside = np.setdiff1d(np.flatnonzero(scores > 0), found)
    assert not len(outside) or scores[found].min() >= scores[outside].max()


def test_bm25_is_stored_in_the_build_and_read_back_as_it_was_built(tmp_path):
    from rag_territoires.errors import IndexStateError
    from rag_territoires.index.search_index import bm25_index

    settings = Settings(corpus_dir=CORPUS, index_dir=tmp_path / "index")
    Engine(settings, auto_build=False).warm_up(rebuild=True)
    build = settings.index_dir / (settings.index_dir / "CURRENT").read_text().strip()
    entry = json.loads((build / "manifest.json").read_text())["bm25"]
    assert entry["folder"] == "bm25" and "vocab.index.json" in entry["files"]
    loaded = Engine(settings, auto_build=False)
    loaded.warm_up()
    fresh = bm25_index(loaded.chunks)
    terms = loaded.searcher.encode_query("ingénierie territoriale et coopération").expansion.terms
    stored = loaded.searcher.index
    assert stored.bm25.vocab_dict == fresh.vocab_dict
    reference = search_index.SearchIndex(loaded.chunks, stored.dense, bm25=fresh)
    assert np.array_equal(stored.bm25_scores(terms), reference.bm25_scores(terms))
    (build / "bm25" / "vocab.index.json").write_text("{}")
    with pytest.raises(IndexStateError, match=r"vocab\.index\.json is missing or corrupt"):
        Engine(settings, auto_build=False).warm_up()
