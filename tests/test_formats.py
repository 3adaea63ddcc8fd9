"""The seminar's map in every format gives the same answers, and every citation can be
checked against the file it came from (tests/data/maps/, written by make_maps.py)."""

from __future__ import annotations

import html
import json
import shutil
from pathlib import Path

import pytest

from rag_territoires.answer.chat import Message, answer_chat
from rag_territoires.config import Settings
from rag_territoires.engine import Engine
from rag_territoires.evaluation.questions import load_questions
from tests.conftest import ROOT
from tests.helpers import FORMATS, MAPS

pytestmark = pytest.mark.integration

QUESTIONS = [q for q in load_questions(ROOT / "eval" / "questions.jsonl") if not q.history][:25]


@pytest.fixture(scope="module")
def shared_index(tmp_path_factory) -> Path:
    """One index folder for every format: each build reuses the vectors of the others."""
    return tmp_path_factory.mktemp("formats") / "index"


def as_format(name: str, index_dir: Path, tmp_path: Path, engine: Engine) -> Engine:
    corpus_dir = tmp_path / "corpus"
    corpus_dir.mkdir()
    shutil.copy(MAPS / FORMATS[name], corpus_dir)
    other = Engine(
        Settings(corpus_dir=corpus_dir, index_dir=index_dir), encoders=engine.encoders
    )
    other.warm_up()
    return other


def checkable(quote: str, lines: list[str]) -> bool:
    """The quote is in the cited lines as the format writes it: verbatim (text,
    Markdown), XML-escaped (OPML, FreeMind, XMind 8) or JSON-escaped (XMind)."""
    raw = "\n".join(lines)
    json_escaped = json.dumps(quote, ensure_ascii=False)[1:-1]
    return quote in raw or quote in html.unescape(raw) or json_escaped in raw


@pytest.mark.parametrize("name", FORMATS)
def test_the_same_map_gives_the_same_answers_in_every_format(
    name, engine, shared_index, tmp_path
):
    other = as_format(name, shared_index, tmp_path, engine)
    document = other.corpus.documents[0]
    assert document.format == name.split("-")[0]
    assert document.title == engine.corpus.documents[0].title
    assert [(c.id, c.text, c.branch) for c in other.chunks] == [
        (c.id, c.text, c.branch) for c in engine.chunks
    ]
    for question in QUESTIONS:
        mine = engine.searcher.search(question.question, top_k=5)
        theirs = other.searcher.search(question.question, top_k=5)
        assert [(p.id, p.text) for p in theirs.passages] == [
            (p.id, p.text) for p in mine.passages
        ], question.question
        assert theirs.abstained == mine.abstained
        answer = answer_chat(other.searcher, [Message("user", question.question)])
        expected = answer_chat(engine.searcher, [Message("user", question.question)])
        assert answer.answer == expected.answer
        for citation in answer.citations:
            source = citation.source
            assert source.document == document.file and source.title == document.title
            lines = other.corpus.lines(document.file, source.line_start, source.line_end)
            assert checkable(citation.quote, lines), (citation.quote, lines)
            if name.startswith("xmind"):
                assert source.topic_id
