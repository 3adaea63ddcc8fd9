"""The added maps re-ranked by e5 in the product (retrieval/rerank.py), on the real index
and encoder with a fake e5 (a bag of seeded word vectors): what moves, what never does,
what a build stores and what adding a map encodes, and the views of restricted maps."""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from rag_territoires.config import Settings
from rag_territoires.retrieval.calibration import shipped_calibration
from rag_territoires.retrieval.search import Searcher, document_of
from tests.conftest import EXPORT, OUTLINE
from tests.helpers import built, current_build, reload

pytestmark = pytest.mark.integration

DIMENSION = 64
FORUM = """# Forum de la mobilité rurale

## Étapes du forum
- Accueil des participants à la salle des fêtes
- Ateliers de covoiturage entre villages
- Restitution des propositions aux élus

## Transport à la demande
- 4 minibus électriques financés par la région en 2023
- 1200 trajets réservés par téléphone la première année

## Vélo
- 35 km de voies vertes entre les bourgs
"""
ENERGY = """# Rencontre sur l'énergie citoyenne

## Centrale villageoise
- 146 actionnaires habitants de la vallée
- Toitures photovoltaïques sur les écoles
"""
QUESTIONS = [
    "Combien de minibus pour le transport à la demande ?",
    "Comment organiser le covoiturage entre villages ?",
    "Comment renforcer la coopération entre acteurs ?",
    "Combien de kilomètres de voies vertes ?",
    "Qui sont les actionnaires de la centrale villageoise ?",
]


def bag(text: str) -> np.ndarray:
    """A unit vector: the sum of one seeded random vector per word."""
    total = np.zeros(DIMENSION)
    for word in text.lower().split():
        seed = int.from_bytes(hashlib.sha256(word.encode()).digest()[:4], "little")
        total += np.random.default_rng(seed).standard_normal(DIMENSION)
    return (total / max(float(np.linalg.norm(total)), 1e-12)).astype(np.float32)


class FakeE5:
    """e5's two sides without the model, remembering what it was asked."""

    name = "e5"
    dimension = DIMENSION

    def __init__(self) -> None:
        self.encoded: list[str] = []
        self.queries: list[str] = []

    def warm_up(self) -> None:
        pass

    def encode(self, texts: list[str]) -> np.ndarray:
        self.encoded += texts
        return np.vstack([bag(t) for t in texts]) if texts else np.zeros((0, DIMENSION))

    def query(self, text: str) -> np.ndarray:
        self.queries.append(text)
        return bag(text)


@pytest.fixture
def fake_e5(monkeypatch) -> FakeE5:
    """The fake e5 loaded by the engine, and a calibration that chose a weight (heavy,
    so that it moves passages) and a query mean, and no gate (e5 wherever two added
    passages can swap: what moves is what is tested here; the gate has its own test)."""
    fake = FakeE5()
    monkeypatch.setattr(
        "rag_territoires.engine.loaded_e5",
        lambda config, calibration: fake if config.rerank_added_maps else None,
    )
    calibration = replace(
        shipped_calibration(),
        general_e5_weight=5.0,
        general_e5_gate=None,
        query_means={**shipped_calibration().query_means, "e5": bag("question")},
    )
    monkeypatch.setattr("rag_territoires.retrieval.search.shipped_calibration", lambda: calibration)
    return fake


def corpus(root: Path, *maps: tuple[str, str]) -> Settings:
    folder = root / "corpus"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(EXPORT, folder / EXPORT.name)
    shutil.copy(OUTLINE, folder / OUTLINE.name)
    for name, text in maps:
        (folder / name).write_text(text, encoding="utf-8")
    return Settings(corpus_dir=folder, index_dir=root / "index", rerank_added_maps=True)


def ranked(searcher: Searcher, question: str, history: tuple[str, ...] = ()) -> list:
    return [(hit.chunk.id, hit.score) for hit in searcher.rank(question, history).hits]


def test_the_added_maps_move_the_seminar_never_and_off_is_the_ranking_without_e5(tmp_path, fake_e5):
    engine = built(corpus(tmp_path, ("forum.md", FORUM), ("energie.md", ENERGY)))
    on = engine.searcher
    assert on._rerank is not None
    config = replace(on.config, rerank_added_maps=False)
    off = Searcher(on.index, on.encoders, config, on.corpus, e5=fake_e5)
    without = Searcher(on.index, on.encoders, config, on.corpus)
    learned = set(on.calibration.learned_documents)
    moved = 0
    for question in QUESTIONS:
        asked = len(fake_e5.queries)
        assert ranked(off, question) == ranked(without, question)  # off: not even asked
        assert len(fake_e5.queries) == asked
        before, after = without.rank(question).hits, ranked(on, question)
        assert [s for _, s in after] == list(before.scores)  # each place keeps its score
        for place, (chunk, (after_id, _)) in enumerate(zip(before.chunks, after, strict=True)):
            if document_of(chunk) in learned:  # a seminar passage keeps its place
                assert after_id == chunk.id, (question, place)
        moved += [i for i, _ in after] != [c.id for c in before.chunks]
    assert moved  # the heavy weight re-orders some question's added passages
    assert fake_e5.queries  # the e5 query was computed when on


def test_the_gate_computes_e5_only_when_an_added_passage_leads_closely(tmp_path, fake_e5):
    engine = built(corpus(tmp_path, ("forum.md", FORUM), ("energie.md", ENERGY)))
    on = engine.searcher
    without = Searcher(on.index, on.encoders, replace(on.config, rerank_added_maps=False),
                       on.corpus)  # fmt: skip
    added = set(on.calibration.learned_documents)
    gate = on._rerank.gate = 0.45  # these tiny maps' gaps: 0.4 to 0.6 when an added one leads
    decided = set()
    for question in QUESTIONS:
        before = without.rank(question).hits
        places = [i for i, c in enumerate(before.chunks) if document_of(c) not in added]
        close = len(places) > 1 and before.scores[places[0]] - before.scores[places[1]] < gate
        expected = len(places) > 1 and places[0] == 0 and close
        asked = len(fake_e5.queries)
        on.rank(question)
        assert (len(fake_e5.queries) > asked) == expected, question
        decided.add(expected)
    assert decided == {True, False}  # both cases met


def test_an_ordinal_follow_ups_focus_stays_first(tmp_path, fake_e5):
    engine = built(corpus(tmp_path, ("forum.md", FORUM)))
    # e5 made to prefer another branch of the same map, heavily: only the focus rule
    # keeps the branch asked for first
    engine.searcher._rerank.weight = 1000.0
    asked = fake_e5.query
    fake_e5.query = lambda text: (  # type: ignore[method-assign]
        bag("35 km de voies vertes entre les bourgs") if "deuxième" in text else asked(text)
    )
    history = ("Quelles sont les étapes du forum de la mobilité rurale ?",)
    result = engine.searcher.search_outcome("et le deuxième ?", history=history)
    assert result.focus is not None and result.focus.child.text.startswith("Ateliers")
    assert result.chunks[0].id == engine.corpus.chunk_of_node(result.focus.child.id).id


def test_the_seminar_alone_stores_e5_so_the_first_map_added_encodes_only_itself(tmp_path, fake_e5):
    settings = corpus(tmp_path)
    engine = built(settings)
    engine.search("Comment renforcer la coopération entre acteurs ?")
    seminar = {u for c in engine.chunks for u in c.embedding_units(True)}
    assert sorted(fake_e5.encoded) == sorted(seminar)
    assert fake_e5.queries == [] and engine.searcher._rerank is None  # nothing to re-order
    manifest = json.loads((current_build(settings) / "manifest.json").read_text())
    assert manifest["e5"]["file"] == "e5.npy"
    fake_e5.encoded.clear()
    (settings.corpus_dir / "forum.md").write_text(FORUM, encoding="utf-8")
    with_forum = built(settings)
    forum = {
        u for c in with_forum.chunks if c.document == "forum.md" for u in c.embedding_units(True)
    }
    assert sorted(fake_e5.encoded) == sorted(forum - seminar)
    assert with_forum.searcher._rerank is not None


def test_a_build_stores_e5_vectors_and_adding_a_map_encodes_only_that_map(tmp_path, fake_e5):
    settings = corpus(tmp_path, ("forum.md", FORUM))
    first = built(settings)
    assert first.searcher.index.e5_units is not None
    units = {u for c in first.chunks for u in c.embedding_units(True)}
    assert sorted(fake_e5.encoded) == sorted(units)  # the whole corpus, each text once
    manifest = json.loads((current_build(settings) / "manifest.json").read_text())
    assert manifest["e5"]["file"] == "e5.npy"
    loaded = reload(settings)  # read from the build, not encoded again
    assert np.array_equal(loaded.searcher.index.e5_units, first.searcher.index.e5_units)
    assert len(fake_e5.encoded) == len(units)
    (settings.corpus_dir / "energie.md").write_text(ENERGY, encoding="utf-8")
    fake_e5.encoded.clear()
    second = built(settings)
    energy = {
        u for c in second.chunks if c.document == "energie.md" for u in c.embedding_units(True)
    }
    assert sorted(fake_e5.encoded) == sorted(energy - units)


def test_a_build_without_e5_vectors_is_rebuilt_when_the_setting_turns_on(tmp_path, fake_e5):
    settings = corpus(tmp_path, ("forum.md", FORUM))
    built(settings.model_copy(update={"rerank_added_maps": False}))
    assert fake_e5.encoded == []
    with pytest.raises(Exception, match="no e5 vectors"):
        reload(settings)


def test_a_view_without_a_restricted_map_is_re_ranked_and_never_shows_it(tmp_path, fake_e5):
    settings = corpus(tmp_path, ("forum.md", FORUM), ("energie.md", ENERGY))
    (settings.corpus_dir / "energie.access.toml").write_text('groups = ["elus"]\n')
    engine = built(settings)
    encoded = len(fake_e5.encoded)
    outsider = engine.searcher_for(frozenset({"energie.md"}))
    assert outsider._rerank is not None  # the forum is still there to re-rank
    assert len(fake_e5.encoded) == encoded  # its vectors came from the build's cache
    question = "Qui sont les actionnaires de la centrale villageoise ?"
    result = outsider.search_outcome(question, top_k=10)
    assert all(c.document != "energie.md" for c in result.chunks)
    assert all(c.document != "energie.md" for c in outsider.index.chunks)
