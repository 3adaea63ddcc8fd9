"""The fixed-size chunking baseline: windows, node membership, line spans."""

import pytest

from rag_territoires.config import RetrievalConfig
from rag_territoires.corpus.corpus import Corpus
from rag_territoires.corpus.model import Document, Node
from rag_territoires.evaluation.fixed_chunks import FIXED_CHARS, fixed_chunks, windows
from rag_territoires.index.builders import build_in_memory
from rag_territoires.retrieval.search import Searcher
from tests.conftest import CORPUS

pytestmark = pytest.mark.unit


def flat_outline(*texts: str) -> list[Document]:
    """Top-level nodes on lines 1-2, 3-4, 5-6..., in that (export) order."""
    roots = [
        Node(f"n{i}", text, (text,), 2 * i - 1, 2 * i) for i, text in enumerate(texts, start=1)
    ]
    return [Document("notes", "notes.txt", "Notes", "text", roots, [], "fingerprint")]


def share_in(window: str, text: str) -> int:
    """Characters of ``text`` in ``window``: all of it, or its start ending the window,
    or its end starting the window (a window holds a cut node's start or end)."""
    if text in window:
        return len(text)
    starts = [k for k in range(len(text)) if window.endswith(text[:k])]
    ends = [k for k in range(len(text)) if window.startswith(text[len(text) - k :])]
    return max(starts + ends)


def test_windows_end_on_word_boundaries():
    text = "alpha beta gamma\ndelta epsilon zeta eta theta\niota"
    cuts = windows(text, 24)
    assert [text[a:b] for a, b in cuts] == [
        "alpha beta gamma\ndelta",
        "epsilon zeta eta theta",
        "iota",
    ]
    assert windows("x" * 30, 24) == [(0, 24), (24, 30)]  # a word longer than a window
    assert windows("  ", 24) == []


def test_a_node_belongs_to_the_window_holding_most_of_it():
    outline = flat_outline("alpha beta gamma", "delta epsilon zeta eta theta", "iota")
    chunks = fixed_chunks(outline, 24)
    assert [c.text for c in chunks] == [
        "alpha beta gamma\ndelta",
        "epsilon zeta eta theta",
        "iota",
    ]
    # n2 has 5 characters in the first window and 22 in the second
    assert [[s.id for s in c.nodes] for c in chunks] == [["n1"], ["n2"], ["n3"]]
    # the first window cites the lines of every node it touches, n2's included
    assert (chunks[0].line_start, chunks[0].line_end) == (1, 4)
    assert (chunks[1].line_start, chunks[1].line_end) == (3, 4)
    assert [c.id for c in chunks] == ["fixed-001", "fixed-002", "fixed-003"]
    assert chunks[0].embedding_units() == [chunks[0].text]
    assert chunks[0].lexical_text == chunks[0].text


def test_ties_go_to_the_earlier_window_and_a_window_may_credit_no_node():
    # "aaaa bbbb" splits 4/4 (the space is lost at the cut): credited to the first window
    chunks = fixed_chunks(flat_outline("aaaa bbbb"), 4)
    assert [[s.id for s in c.nodes] for c in chunks] == [["n1"], []]
    assert chunks[1].line_start == 1


def test_the_notes_cut_every_500_characters():
    outline = Corpus.load(CORPUS)
    chunks = fixed_chunks(outline.documents)
    assert all(len(c.text) <= FIXED_CHARS for c in chunks)
    assert sum(len(c.text) for c in chunks) > 0.95 * sum(len(n.text) for n in outline.nodes())
    credited = [span.id for c in chunks for span in c.nodes]
    assert sorted(credited) == sorted(n.id for n in outline.nodes())  # each node exactly once
    for c in chunks:
        for span in c.nodes:  # a credited node lies at least half in its window
            assert share_in(c.text, span.text) >= len(span.text) / 2 - 1  # -1: a cut space
            assert c.line_start <= span.line_start and span.line_end <= c.line_end


def test_an_ordinal_follow_up_works_on_windows_without_branches():
    outline = Corpus.load(CORPUS)
    config = RetrievalConfig(encoders=())  # BM25 alone: no encoder to load
    searcher = Searcher(
        build_in_memory(fixed_chunks(outline.documents), []), [], config, outline
    )
    ranking = searcher.rank("et le deuxième ?", ["Quels sont les 3 principes à appliquer ?"])
    assert len(ranking.hits) == len(searcher.index.chunks)
