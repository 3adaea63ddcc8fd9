"""The corpus owns the lookups (which node is this id, which chunk holds it): the search
and the answers ask it, and keep no map of their own. BM25 alone: no encoder to load."""

import argparse
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from rag_territoires.answer.chat import Message, answer_chat
from rag_territoires.answer.extractive import extractive_answer
from rag_territoires.api.lane import LanedSearcher, SearchLane
from rag_territoires.cli.common import TOP_K_HELP, top_k
from rag_territoires.config import MAX_TOP_K, MIN_TOP_K, RetrievalConfig
from rag_territoires.corpus.corpus import Corpus
from rag_territoires.corpus.visible import VisibleCorpus
from rag_territoires.evaluation.runner import Evaluator, Variant
from rag_territoires.index.builders import build_in_memory
from rag_territoires.retrieval.search import Searcher
from tests.conftest import CORPUS
from tests.helpers import tiny_map

pytestmark = pytest.mark.unit

BM25_ALONE = RetrievalConfig(encoders=())
PRINCIPLES = "Quels sont les 3 principes à appliquer ?"


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return Corpus.load(CORPUS)


@pytest.fixture(scope="module")
def searcher(corpus: Corpus) -> Searcher:
    return Searcher(build_in_memory(corpus.chunks, []), [], BM25_ALONE, corpus)


def test_the_index_says_where_each_of_its_chunks_is(corpus: Corpus):
    some = corpus.chunks[::3]  # as a view's index holds some of the corpus's chunks
    index = build_in_memory(some, [])
    assert [index.position(chunk.id) for chunk in some] == list(range(len(some)))
    with pytest.raises(KeyError):
        index.position(corpus.chunks[1].id)


def test_an_answer_is_made_from_the_search_outcome_and_the_corpus(searcher, corpus):
    retrieval = searcher.search_outcome(PRINCIPLES)
    answer = extractive_answer(PRINCIPLES, retrieval, corpus)
    assert not answer.abstained and answer.citations
    assert answer == answer_chat(searcher, [Message("user", PRINCIPLES)])
    chunks = {chunk.id: chunk for chunk in corpus.chunks}
    for citation in answer.citations:  # each quote cites the corpus's chunk that holds it
        assert citation.quote in [span.text for span in chunks[citation.passage_id].nodes]


def test_an_ordinal_follow_up_in_a_view_finds_its_node_where_the_views_index_has_it(
    corpus_dir: Path,
):
    # a map hidden from the caller comes first in the corpus: in the view's index, every
    # chunk of the seminar is at another place than in the corpus
    forum = tiny_map(corpus_dir, "a-forum.md", "Forum", ["Mobilité rurale", "Voies vertes"])
    whole = Corpus.load(corpus_dir)
    visible = VisibleCorpus(whole, frozenset({forum.name}))
    seen = [chunk for chunk in whole.chunks if chunk.document != forum.name]
    assert whole.chunks.index(seen[0]) > 0
    searcher = Searcher(build_in_memory(seen, []), [], BM25_ALONE, visible)
    retrieval = searcher.search_outcome("et le deuxième ?", history=[PRINCIPLES])
    assert retrieval.focus is not None
    assert retrieval.chunks[0] == whole.chunk_of_node(retrieval.focus.child.id)
    answer = extractive_answer("et le deuxième ?", retrieval, visible)
    assert answer.citations[0].quote == retrieval.focus.child.text
    assert searcher.node_scores([], [retrieval.focus.child.id]) == {retrieval.focus.child.id: 0}


@pytest.mark.parametrize("max_chars", [0, 250, 10**6])
def test_the_evaluations_other_chunk_budgets_find_a_node_in_their_own_chunks(corpus, max_chars):
    # the corpus's own chunks are cut at 600 characters: a searcher over an index cut
    # otherwise must find a node in that index's chunk, never in the corpus's
    variant = Variant("budget", replace(BM25_ALONE, chunk_max_chars=max_chars))
    searcher = Evaluator(corpus, [], []).searcher(variant)
    ranking = searcher.rank("et le deuxième ?", [PRINCIPLES])
    assert ranking.focus is not None
    assert ranking.focus.child.id in {span.id for span in ranking.hits[0].chunk.nodes}
    cut = searcher.corpus.chunk_of_node(ranking.focus.child.id)
    assert ranking.hits[0].chunk == cut and cut in searcher.index.chunks


def test_a_chat_through_the_lane_scores_its_quotes_in_the_lane(searcher, monkeypatch):
    threads = []
    scores = Searcher.node_scores

    def recorded(self, *args):
        threads.append(threading.current_thread().name)
        return scores(self, *args)

    monkeypatch.setattr(Searcher, "node_scores", recorded)
    lane = SearchLane()
    try:
        laned = LanedSearcher(searcher, lane)
        answer = answer_chat(laned, [Message("user", PRINCIPLES)])  # type: ignore[arg-type]
    finally:
        lane.close()
    assert answer.citations and threads
    assert all(name.startswith("search-lane") for name in threads), threads


def test_the_clis_help_gives_the_bounds_of_top_k_the_searcher_checks():
    assert f"passages ({MIN_TOP_K}-{MAX_TOP_K})" == TOP_K_HELP
    with pytest.raises(argparse.ArgumentTypeError, match=f"between {MIN_TOP_K} and {MAX_TOP_K}"):
        top_k(str(MAX_TOP_K + 1))
    assert top_k(str(MAX_TOP_K)) == MAX_TOP_K
